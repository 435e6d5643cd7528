/**
 * Valid histories told out of order: a generated history's client events,
 * some held back a few places (they arrive late), cut into pages, each page
 * one `decide` call with the deadline scheduler recording what is due after
 * it. The resulting stream is a log the product could have written.
 */
import fc from 'fast-check';
import { advanceTo } from '../../src/domain/deadlines.js';
import { decide } from '../../src/domain/decide.js';
import { DomainError } from '../../src/domain/errors.js';
import type { CourtshipEvent, StoredEvent } from '../../src/domain/events.js';
import { foldHistory } from '../../src/domain/history.js';
import { defaultRules } from '../../src/domain/rules.js';
import { initialState, type RelationshipState } from '../../src/domain/state.js';
import { historyArbitrary } from './arbitraries.js';

export const ARRIVAL_NOW = Date.UTC(2100, 0, 1);
const ID = 'rel-prop';

export interface Arrival {
  /**
   * The same events as one call, in the order the fold reads the arrived log: business time, ties in
   * record (arrival) order, as the brief says. Events sharing an instant may arrive in another order
   * than the generated history's, and then their record order is their history.
   */
  readonly facts: CourtshipEvent[];
  /** The same events in arrival order, in pages. */
  readonly pages: CourtshipEvent[][];
}

export function arrivalArbitrary(maxEvents = 40): fc.Arbitrary<Arrival> {
  return historyArbitrary(maxEvents).chain((history) => {
    const facts = history.stream.map((s) => s.event).filter((e) => e.type !== 'DeadlineReached');
    return fc
      .tuple(
        fc.array(fc.nat({ max: 6 }), { minLength: facts.length, maxLength: facts.length }),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: facts.length, maxLength: facts.length }),
      )
      .map(([holdBack, sizes]) => {
        // RelationshipOpened stays first: nothing else can start a stream.
        const order = facts
          .map((event, i) => ({ event, key: i === 0 ? -1 : i + holdBack[i]! + i / facts.length }))
          .sort((a, b) => a.key - b.key)
          .map((x) => x.event);
        const pages: CourtshipEvent[][] = [];
        for (let i = 0, p = 0; i < order.length; p++) {
          pages.push(order.slice(i, i + sizes[p]!));
          i += sizes[p]!;
        }
        const businessOrder = [...order].sort((a, b) => a.occurredAt - b.occurredAt);
        return { facts: businessOrder, pages };
      });
  });
}

/**
 * Appends `pages` one call each, the scheduler running after each; each
 * event's record time is 1 s after the previous one's. Null when a page is
 * refused (an arrival order that refers to something not told yet).
 */
export function deliverPages(pages: readonly CourtshipEvent[][]): StoredEvent[] | null {
  const stream: StoredEvent[] = [];
  // A page and the deadlines the scheduler records at once after it share one record instant (a second
  // per page): a knownAt never falls between a late fact and the deadlines it implies, which the
  // scheduler records in the same moment (a window of milliseconds the tests do not model).
  let recordedAt = 0;
  const push = (event: CourtshipEvent) => stream.push({ event, revision: stream.length, recordedAt });
  for (const page of pages) {
    recordedAt += 1000;
    const state = foldHistory(stream, defaultRules, initialState(ID));
    try {
      decide({ relationshipId: ID, events: page }, state, { now: ARRIVAL_NOW, rules: defaultRules }, stream).forEach(push);
    } catch (error) {
      if (error instanceof DomainError) return null;
      throw error;
    }
    advanceTo(foldHistory(stream, defaultRules, initialState(ID)), ARRIVAL_NOW, defaultRules).applied.forEach(push);
  }
  return stream;
}

/** The states of valid histories told late and in pages (`deliverPages`), folded; refused arrivals left out. */
export function lateToldStates(maxEvents: number): fc.Arbitrary<RelationshipState> {
  return arrivalArbitrary(maxEvents)
    .map((arrival) => deliverPages(arrival.pages))
    .filter((stream) => stream !== null)
    .map((stream) => foldHistory(stream!, defaultRules, initialState(ID)));
}
