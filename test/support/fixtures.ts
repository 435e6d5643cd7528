/**
 * Named courtships, built from events.ts: one home for "a relationship that
 * got married" and its kin, so a test says which courtship it starts from
 * and only spells out the dates that matter to it.
 *
 * Given (`married()`): the courtship by the book, no flags, MARRIED on
 * 2025-04-01. Given (`married({ signed: T0 + days(3), … })`): the same
 * courtship on the dates a test needs; `married(inThreeDays(T0))`: the
 * courtship told in offsets, at the altar three days after it opened.
 */
import type { CourtshipEvent, EventOfType } from '../../src/domain/events.js';
import {
  contractSigned,
  exclusivityGranted,
  opened,
  prospectInterest,
  proposalSubmitted,
  vendorInterest,
  days,
  T0,
  type When,
} from './events.js';

/** The dates of a courtship that ends at the altar, and who was courted. */
export interface Courtship {
  readonly opened: When;
  readonly vendorInterest: When;
  readonly prospectInterest: When;
  /** When the prospect went exclusive; null when it never did (the proposal is then premature). */
  readonly exclusivity: When | null;
  readonly proposed: When;
  readonly signed: When;
  /** When the signed contract ends; none: a contract with a value and no end. */
  readonly contractEnds?: When;
  readonly accountName?: string;
  readonly account?: Omit<EventOfType<'RelationshipOpened'>['data'], 'accountName'>;
}

/** Mutual interest in the first days of January, exclusive in February, the proposal in March. */
export const BY_THE_BOOK: Courtship = {
  opened: '2025-01-02',
  vendorInterest: '2025-01-03',
  prospectInterest: '2025-01-05',
  exclusivity: '2025-02-01',
  proposed: '2025-03-01',
  signed: '2025-04-01',
};

/** Opened, mutual interest, (exclusivity,) proposal p1, contract c1: MARRIED on `signed`. By the book unless told. */
export function married(dates: Partial<Courtship> = {}): CourtshipEvent[] {
  const courtship = { ...BY_THE_BOOK, ...dates };
  return [
    opened(courtship.opened, courtship.accountName, courtship.account),
    vendorInterest(courtship.vendorInterest),
    prospectInterest(courtship.prospectInterest),
    ...(courtship.exclusivity === null ? [] : [exclusivityGranted(courtship.exclusivity)]),
    proposalSubmitted('p1', courtship.proposed),
    contractSigned('c1', courtship.signed, courtship.contractEnds),
  ];
}

/** Married three days after `start`, never exclusive: mutual interest on day 1, the proposal on day 2, signed on day 3. */
export function inThreeDays(start: number = T0): Partial<Courtship> {
  return {
    opened: start,
    vendorInterest: start + days(1),
    prospectInterest: start + days(1),
    exclusivity: null,
    proposed: start + days(2),
    signed: start + days(3),
  };
}
