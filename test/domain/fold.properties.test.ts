import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEADLINE_RULES, type StoredEvent } from '../../src/domain/events.js';
import { evolve } from '../../src/domain/evolve.js';
import { fold, stateAt, StatesAsOf } from '../../src/domain/fold.js';
import { defaultRules } from '../../src/domain/rules.js';
import { initialState, type RelationshipState } from '../../src/domain/state.js';
import { HISTORY_START, historyArbitrary, type History } from './arbitraries.js';
import { DAY } from '../support/events.js';
import { arrivalArbitrary, deliverPages } from './arrivals.js';

const RUNS = { numRuns: 100 };
const histories = historyArbitrary(80);

/**
 * A history and an instant to look at it: often exactly at, or just around, one
 * of its events (where deadlines and transitions sit), otherwise anywhere from
 * its start to 200 days after its last event.
 */
const historyAndInstant: fc.Arbitrary<[History, number]> = histories.chain((history) => {
  const times = history.stream.map(({ event }) => event.occurredAt);
  const last = times.at(-1)!;
  const near = fc.tuple(fc.constantFrom(...times), fc.constantFrom(-1, 0, 1)).map(([t, d]) => t + d);
  const anywhere = fc.integer({ min: HISTORY_START, max: last + 200 * DAY });
  return fc.tuple(fc.constant(history), fc.oneof(near, anywhere));
});

const withoutVersion = (state: RelationshipState) => ({ ...state, version: 0 });

describe('folding valid histories', () => {
  it('the generator produces histories that reach every phase', () => {
    const phases = new Set<string>();
    fc.assert(
      fc.property(histories, (history) => {
        for (const change of fold(history.stream).phaseHistory) phases.add(change.to);
      }),
      // A fixed seed: this checks the generator's reach, not a law, so it must not depend on luck.
      { numRuns: 150, seed: 20250101 },
    );
    expect([...phases].sort()).toEqual(
      ['ATTRACTION', 'CHEATING', 'DATING', 'DIVORCED', 'EXCLUSIVE', 'LEFT_AT_ALTAR', 'MARRIED', 'MOVED_ON', 'NEGLECTED', 'PROPOSED'],
    );
  });

  it('never throws, reading the facts or replaying the rules', () =>
    fc.assert(
      fc.property(histories, (history) => {
        fold(history.stream);
        fold(history.stream, defaultRules);
      }),
      RUNS,
    ));

  it('never moves phase history backwards in time', () =>
    fc.assert(
      fc.property(historyAndInstant, ([history, until]) => {
        for (const state of [fold(history.stream), stateAt(history.stream, until, defaultRules)]) {
          state.phaseHistory.forEach((change, i) => {
            if (i > 0) expect(change.at).toBeGreaterThanOrEqual(state.phaseHistory[i - 1]!.at);
            if (i > 0) expect(change.cycle).toBeGreaterThanOrEqual(state.phaseHistory[i - 1]!.cycle);
          });
        }
      }),
      RUNS,
    ));

  it('gives every transition a cause that exists: a stored event of that type, or a deadline rule', () =>
    fc.assert(
      fc.property(historyAndInstant, ([history, until]) => {
        const check = (state: RelationshipState, deadlinesRecorded: boolean) => {
          for (const change of state.phaseHistory) {
            if (change.cause.kind === 'EVENT') {
              const revision = change.cause.revision!;
              expect(revision).toBeGreaterThanOrEqual(0);
              expect(revision).toBeLessThanOrEqual(state.version);
              const source = history.stream[revision]!.event;
              expect(source.type).toBe(change.cause.eventType);
              expect(source.occurredAt).toBe(change.at);
            } else {
              expect(DEADLINE_RULES).toContain(change.cause.rule);
              if (deadlinesRecorded) {
                const rule = change.cause.rule;
                expect(
                  history.stream.some(({ event }) => event.type === 'DeadlineReached' && event.data.rule === rule && event.occurredAt === change.at),
                ).toBe(true);
              }
            }
          }
        };
        check(fold(history.stream), true);
        check(stateAt(history.stream, until, defaultRules), false);
      }),
      RUNS,
    ));

  it('as of T, the full stream says what the stream said at T (deadlines recorded later included)', () =>
    fc.assert(
      fc.property(historyAndInstant, ([history, until]) => {
        // The stream as it stood at T: only the batches appended by then. A deadline that fell
        // due before T may have been recorded after T, by a later batch.
        const then: StoredEvent[] = [];
        for (const batch of history.batches) {
          if (batch.at > until) break;
          for (const event of batch.events) then.push({ event, revision: then.length });
        }
        const fromFull = stateAt(history.stream, until, defaultRules, initialState(history.id));
        const fromThen = stateAt(then, until, defaultRules, initialState(history.id));
        expect(withoutVersion(fromFull)).toEqual(withoutVersion(fromThen));
      }),
      RUNS,
    ));

  it('replaying under the rules the stream was written with reads exactly the recorded facts', () =>
    fc.assert(
      fc.property(histories, (history) => {
        expect(fold(history.stream, defaultRules)).toEqual(fold(history.stream));
      }),
      RUNS,
    ));

  it('folds the same in one pass or in chunks, as a projector resuming from a checkpoint does', () =>
    fc.assert(
      fc.property(
        histories.chain((history) =>
          fc.tuple(fc.constant(history), fc.uniqueArray(fc.nat({ max: history.stream.length }), { maxLength: 5 })),
        ),
        ([history, cuts]) => {
          const bounds = [0, ...[...cuts].sort((a, b) => a - b), history.stream.length];
          let state = initialState(history.id);
          for (let i = 1; i < bounds.length; i++) state = fold(history.stream.slice(bounds[i - 1], bounds[i]), undefined, state);
          expect(state).toEqual(fold(history.stream, undefined, initialState(history.id)));
        },
      ),
      RUNS,
    ));

  it('evolves immutably: event by event on frozen states gives what the in-place fold gives', () =>
    fc.assert(
      fc.property(histories, (history) => {
        let state = deepFreeze(initialState(history.id));
        for (const { event, revision } of history.stream) state = deepFreeze(evolve(state, event, { revision }));
        expect(state).toEqual(fold(history.stream, undefined, initialState(history.id)));
      }),
      RUNS,
    ));

  it('walks a stream to later and later instants giving, at each, what stateAt gives', () =>
    fc.assert(
      fc.property(
        // A history in record order, or one whose facts arrived late (record order is not business order).
        fc.oneof(
          histories.map((history) => history.stream),
          arrivalArbitrary(30).map(({ pages }) => deliverPages(pages) ?? []),
        ).chain((stream) => {
          const times = stream.map(({ event }) => event.occurredAt);
          const near = fc.tuple(fc.constantFrom(HISTORY_START, ...times), fc.constantFrom(-1, 0, 1)).map(([t, d]) => t + d);
          const anywhere = fc.integer({ min: HISTORY_START - DAY, max: Math.max(HISTORY_START, ...times) + 400 * DAY });
          return fc.tuple(fc.constant(stream), fc.array(fc.oneof(near, anywhere), { maxLength: 12 }));
        }),
        ([stream, instants]) => {
          const walk = new StatesAsOf(stream, defaultRules, initialState('walked'));
          for (const until of [...instants].sort((a, b) => a - b)) {
            expect(walk.at(until)).toEqual(stateAt(stream, until, defaultRules, initialState('walked')));
          }
        },
      ),
      RUNS,
    ));

  it('keeps the state JSON-serialisable', () =>
    fc.assert(
      fc.property(histories, (history) => {
        const state = fold(history.stream);
        expect(JSON.parse(JSON.stringify(state))).toEqual(state);
      }),
      RUNS,
    ));
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
