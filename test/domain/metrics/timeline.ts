/**
 * A relationship's story for the metric tests, told in days from T0:
 * `on(day(12), …)` is an event twelve days after the story starts.
 * `asOf(events, day)` folds it the way the API does for an "as of" question
 * (events up to then, deadlines included). Events and fixtures come from
 * test/support.
 */
import type { CourtshipEvent } from '../../../src/domain/events.js';
import { stateAt } from '../../../src/domain/fold.js';
import { defaultRules } from '../../../src/domain/rules.js';
import type { RelationshipState } from '../../../src/domain/state.js';
import { days, on, stored, T0 } from '../../support/events.js';
import { married } from '../../support/fixtures.js';

export { on, stored } from '../../support/events.js';

/** Day 0 of every story: Monday 6 January 2025, 09:00 UTC (T0). */
export const DAY0 = T0;
export const rules = defaultRules;

export function day(n: number): number {
  return DAY0 + days(n);
}

export function asOf(events: readonly CourtshipEvent[], n: number): RelationshipState {
  return stateAt(stored(events), day(n), rules);
}

const NORTHWIND = { accountName: 'Northwind Logistics', account: { segment: 'ENTERPRISE', owner: 'ada' } };

/** The usual beginning: opened on day 0, the vendor's interest on day 1, the prospect's on day 2 (now DATING). */
export function mutualInterest(): CourtshipEvent[] {
  return [
    on(day(0), 'RelationshipOpened', 'VENDOR', { accountName: NORTHWIND.accountName, ...NORTHWIND.account }),
    on(day(1), 'InterestSignaled', 'VENDOR', { channel: 'EMAIL' }),
    on(day(2), 'InterestSignaled', 'PROSPECT', { channel: 'EVENT' }),
  ];
}

/** The married courtship (fixtures.ts) in days: going steady on day 5, proposing on day 10, signed on `signedOn`. */
export function marriedOn(signedOn: number, endsAt?: number): CourtshipEvent[] {
  return married({
    ...NORTHWIND,
    opened: day(0),
    vendorInterest: day(1),
    prospectInterest: day(2),
    exclusivity: day(5),
    proposed: day(10),
    signed: day(signedOn),
    ...(endsAt === undefined ? {} : { contractEnds: endsAt }),
  });
}
