/**
 * A relationship's story for the metric tests, told in days: `on(12, …)` is an
 * event twelve days after the story starts. `asOf(day)` folds it the way the
 * API does for an "as of" question (events up to then, deadlines included).
 */
import type { Actor, CourtshipEvent, EventOfType, EventType, StoredEvent } from '../../../src/domain/events.js';
import { stateAt } from '../../../src/domain/fold.js';
import { defaultRules, DAY_MS } from '../../../src/domain/rules.js';
import type { RelationshipState } from '../../../src/domain/state.js';

/** Day 0 of every story: Monday 6 January 2025, 09:00 UTC. */
export const DAY0 = Date.UTC(2025, 0, 6, 9, 0, 0);
export const rules = defaultRules;

export function day(n: number): number {
  return DAY0 + Math.round(n * DAY_MS);
}

export function on<T extends EventType>(n: number, type: T, actor: Actor, data: EventOfType<T>['data']): CourtshipEvent {
  return { type, occurredAt: day(n), actor, data } as CourtshipEvent;
}

export function asOf(events: readonly CourtshipEvent[], n: number): RelationshipState {
  return stateAt(stored(events), day(n), rules);
}

export function stored(events: readonly CourtshipEvent[]): StoredEvent[] {
  return events.map((event, revision) => ({ event, revision }));
}

/** The usual beginning: opened on day 0, the vendor's interest on day 1, the prospect's on day 2 (now DATING). */
export function mutualInterest(): CourtshipEvent[] {
  return [
    on(0, 'RelationshipOpened', 'VENDOR', { accountName: 'Northwind Logistics', segment: 'ENTERPRISE', owner: 'ada' }),
    on(1, 'InterestSignaled', 'VENDOR', { channel: 'EMAIL' }),
    on(2, 'InterestSignaled', 'PROSPECT', { channel: 'EVENT' }),
  ];
}

/** A courtship that ends in marriage on `signedOn`, going steady on day 5 and proposing on day 10. */
export function marriedOn(signedOn: number, endsAt?: number): CourtshipEvent[] {
  return [
    ...mutualInterest(),
    on(5, 'ExclusivityGranted', 'PROSPECT', {}),
    on(10, 'ProposalSubmitted', 'VENDOR', { proposalId: 'p1', amount: 120_000, currency: 'EUR' }),
    on(signedOn, 'ContractSigned', 'PROSPECT', {
      contractId: 'c1',
      value: 120_000,
      currency: 'EUR',
      ...(endsAt === undefined ? {} : { endsAt }),
    }),
  ];
}
