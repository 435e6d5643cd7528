/**
 * Arrival order does not change history: for random valid histories,
 * delivered with some events arriving late, in random pages, with the
 * deadline scheduler recording whatever is due between pages, the final
 * state and phase history are those of the same history sent in one call.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advanceTo } from '../../src/domain/deadlines.js';
import { decide } from '../../src/domain/decide.js';
import { DomainError } from '../../src/domain/errors.js';
import type { CourtshipEvent, StoredEvent } from '../../src/domain/events.js';
import { foldHistory, recordFact } from '../../src/domain/history.js';
import { defaultRules } from '../../src/domain/rules.js';
import { initialState, type RelationshipState } from '../../src/domain/state.js';
import { historyArbitrary } from './arbitraries.js';

const NOW = Date.UTC(2100, 0, 1);
const ID = 'rel-prop';

/** Appends `pages` one call each, the scheduler running after each; null when a page is refused. */
function deliver(pages: readonly CourtshipEvent[][]): StoredEvent[] | null {
  const stream: StoredEvent[] = [];
  const push = (event: CourtshipEvent) => stream.push({ event, revision: stream.length });
  for (const page of pages) {
    const state = foldHistory(stream, defaultRules, initialState(ID));
    try {
      decide({ relationshipId: ID, events: page }, state, { now: NOW, rules: defaultRules }, stream).forEach(push);
    } catch (error) {
      if (error instanceof DomainError) return null;
      throw error;
    }
    advanceTo(foldHistory(stream, defaultRules, initialState(ID)), NOW, defaultRules).applied.forEach(push);
  }
  return stream;
}

/** The state without what two logs of one history may differ in: revisions, positions, record times, skipped deadlines. */
function comparable(state: RelationshipState): unknown {
  return {
    ...state,
    version: 0,
    skippedDeadlines: [],
    phaseHistory: state.phaseHistory.map((c) => ({
      from: c.from,
      to: c.to,
      at: c.at,
      cycle: c.cycle,
      cause: c.cause.kind === 'EVENT' ? c.cause.eventType : c.cause.rule,
    })),
  };
}

/** A history's client events, and an arrival order: some events held back a few places, then cut into pages. */
const delivery = historyArbitrary(40).chain((history) => {
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
      return { facts, pages };
    });
});

describe('late facts, whatever the arrival order', () => {
  it('the final state and phase history do not depend on arrival order or page splits', () => {
    let delivered = 0;
    fc.assert(
      fc.property(delivery, ({ facts, pages }) => {
        const oneCall = deliver([facts]);
        expect(oneCall).not.toBeNull();
        const arrived = deliver(pages);
        // An arrival order that makes an event refer to one not told yet (an answer before its question) is refused.
        fc.pre(arrived !== null);
        delivered++;
        expect(comparable(foldHistory(arrived!, defaultRules, initialState(ID)))).toEqual(
          comparable(foldHistory(oneCall!, defaultRules, initialState(ID))),
        );
      }),
      { numRuns: 150 },
    );
    expect(delivered).toBeGreaterThan(50);
  });

  it('recording events one by one, late ones re-folding, gives the fold of the whole stream in business order', () =>
    fc.assert(
      fc.property(delivery, ({ pages }) => {
        const stream = deliver(pages);
        fc.pre(stream !== null);
        let state = initialState(ID);
        stream!.forEach((item, i) => {
          state = recordFact(state, item, defaultRules, () => stream!.slice(0, i)).state;
        });
        expect(comparable(state)).toEqual(comparable(foldHistory(stream!, defaultRules, initialState(ID))));
      }),
      { numRuns: 100 },
    ));
});
