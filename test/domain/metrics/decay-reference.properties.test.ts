/**
 * A decay reference (decay-reference.ts) bounds the rounded latest score
 * at every instant of its interval: at its ends, 1 ms inside them, on and
 * around the facts and window ends near it, and anywhere between; for
 * generated marriages, histories with late facts, and other rules.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold } from '../../../src/domain/fold.js';
import { generateHistory } from '../../../src/domain/generator/index.js';
import { decayInputsOf, decayScoreOfInputs, type DecayInputs } from '../../../src/domain/metrics/decay-inputs.js';
import { decayReferenceOf, FOREVER } from '../../../src/domain/metrics/decay-reference.js';
import { defaultDecayRules, type DecayRules } from '../../../src/domain/metrics/decay-rules.js';
import { WEEK_MS } from '../../../src/domain/metrics/duration.js';
import { currentMarriage } from '../../../src/domain/metrics/marriage.js';
import { DAY_MS, defaultRules, type Rules } from '../../../src/domain/rules.js';
import { initialState, type RelationshipState } from '../../../src/domain/state.js';
import { stored } from '../../support/events.js';
import { lateToldStates } from '../arrivals.js';

const HOUR = 60 * 60 * 1000;
const WINDOWS = [0, 14, 28, 60, 90, 180];
const generated = (index: number) => generateHistory({ seed: 12, relationships: 10_001, start: Date.UTC(2024, 0, 1) }, index).events;

/** Every instant the inputs hold, plus each window after it, ± 1 ms. */
function stepsNear(inputs: DecayInputs): number[] {
  const facts = [...inputs].filter((v) => Number.isFinite(v) && v > 1e11);
  return facts.flatMap((t) => WINDOWS.flatMap((w) => [-1, 0, 1].map((ms) => t + w * DAY_MS + ms)));
}

/** Then at each instant of the reference's interval the rounded score lies within its bounds. */
function expectBounded(state: RelationshipState, R: number, horizon: number, rules: Rules, extra: number[] = []): boolean {
  const inputs = decayInputsOf(state);
  if (inputs === null) return false;
  const lastEvent = state.lastEventAt ?? -Infinity;
  const reference = decayReferenceOf(inputs, R, horizon, lastEvent, rules);
  if (reference === null) return false;
  const { from, to, lo, hi } = reference;
  // A list evaluates a row at the query's instant only from its last event on.
  expect(from).toBeGreaterThanOrEqual(lastEvent);
  expect(lo).toBeLessThanOrEqual(hi);
  const end = to === FOREVER ? R + 400 * DAY_MS : to;
  const instants = [from, from + 1, R, end - 1, end, ...extra, ...stepsNear(inputs), ...Array.from({ length: 20 }, (_, k) => from + ((end - from) * k) / 19)];
  for (const T of instants.filter((t) => t >= from && t <= end)) {
    const score = decayScoreOfInputs(inputs, T, rules);
    expect(score, `at ${T} in [${from}, ${to}]`).not.toBeNull();
    expect(score!).toBeGreaterThanOrEqual(lo);
    expect(score!).toBeLessThanOrEqual(hi);
  }
  return true;
}

/** References taken anywhere around a marriage: on facts and window ends ± 1 ms, week ends, random. */
const referenceInstant = (state: RelationshipState) => {
  const inputs = decayInputsOf(state)!;
  const steps = stepsNear(inputs);
  return fc.oneof(
    fc.constantFrom(...steps),
    fc.tuple(fc.integer({ min: 0, max: 120 }), fc.integer({ min: -1, max: 1 })).map(([week, ms]) => inputs[0]! + week * WEEK_MS + ms),
    fc.integer({ min: inputs[0]!, max: state.lastEventAt! + 200 * DAY_MS }),
  );
};

const married = fc
  .integer({ min: 0, max: 10_000 })
  .map((index) => fold(stored(generated(index)), defaultRules, initialState(`r${index}`)))
  .filter((state) => currentMarriage(state) !== null);

const decayRulesArbitrary: fc.Arbitrary<DecayRules> = fc
  .record({ recency: fc.double({ min: 0, max: 60, noNaN: true }), window: fc.integer({ min: 1, max: 60 }), cadence: fc.double({ min: 0, max: 40, noNaN: true }) })
  .map(({ recency, window, cadence }) => ({
    ...defaultDecayRules,
    weights: { ...defaultDecayRules.weights, touchpointRecency: recency, touchpointCadence: cadence },
    windowDays: window,
  }));

describe('a decay reference', () => {
  it('bounds the rounded score at every instant of its interval, for generated marriages', () => {
    let bounded = 0;
    fc.assert(
      fc.property(
        married.chain((state) => fc.tuple(fc.constant(state), referenceInstant(state), fc.constantFrom(HOUR, 6 * HOUR, 3 * DAY_MS))),
        ([state, R, horizon]) => {
          if (expectBounded(state, R, horizon, defaultRules)) bounded++;
        },
      ),
      { numRuns: 200, seed: 2101 },
    );
    // Most references exist: the property is not vacuous.
    expect(bounded).toBeGreaterThan(50);
  });

  it('is narrow: within a point of the score over six hours either side at the default rules', () => {
    let widths = 0;
    let count = 0;
    for (let index = 0; count < 40; index++) {
      const state = fold(stored(generated(index)), defaultRules, initialState(`r${index}`));
      const inputs = decayInputsOf(state);
      if (inputs === null) continue;
      const reference = decayReferenceOf(inputs, state.lastEventAt! + 3 * DAY_MS, 6 * HOUR, state.lastEventAt!, defaultRules);
      if (reference === null) continue;
      widths += reference.hi - reference.lo;
      count++;
    }
    expect(widths / count).toBeLessThan(1);
  });

  it('bounds the score under other rules', () => {
    fc.assert(
      fc.property(
        married.chain((state) => fc.tuple(fc.constant(state), referenceInstant(state), decayRulesArbitrary)),
        ([state, R, decay]) => {
          expectBounded(state, R, 6 * HOUR, { ...defaultRules, decay });
        },
      ),
      { numRuns: 150, seed: 2102 },
    );
  });

  it('bounds the score of histories told with late facts', () => {
    fc.assert(
      fc.property(
        lateToldStates(60)
          .filter((state) => currentMarriage(state) !== null)
          .chain((state) => fc.tuple(fc.constant(state), referenceInstant(state))),
        ([state, R]) => {
          expectBounded(state, R, 6 * HOUR, defaultRules);
        },
      ),
      { numRuns: 200, seed: 2103 },
    );
  });
});
