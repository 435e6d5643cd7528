/**
 * Arrival order does not change history: for random valid histories,
 * delivered with some events arriving late, in random pages, with the
 * deadline scheduler recording whatever is due between pages, the final
 * state and phase history are those of the same history sent in one call.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldHistory, recordFact } from '../../src/domain/history.js';
import { defaultRules } from '../../src/domain/rules.js';
import { initialState, type RelationshipState } from '../../src/domain/state.js';
import { arrivalArbitrary, deliverPages } from './arrivals.js';

const ID = 'rel-prop';
const deliver = deliverPages;

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

const delivery = arrivalArbitrary(40);

describe('late facts, whatever the arrival order', () => {
  it('the final state and phase history do not depend on arrival order or page splits', () => {
    let delivered = 0;
    fc.assert(
      fc.property(delivery, ({ facts, pages }) => {
        const arrived = deliver(pages);
        // An arrival order that makes an event refer to one not told yet (an answer before its question) is refused.
        fc.pre(arrived !== null);
        // The history the arrived log folds to, told in one call, is accepted.
        const oneCall = deliver([facts]);
        expect(oneCall).not.toBeNull();
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
