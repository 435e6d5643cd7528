import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold } from '../../../src/domain/fold.js';
import { generateHistory } from '../../../src/domain/generator/index.js';
import { decayStatusAt } from '../../../src/domain/metrics/decay.js';
import { decayInputsOf, decayScoreOfInputs, decayStatusOfInputs } from '../../../src/domain/metrics/decay-inputs.js';
import { defaultDecayRules, type DecayRules } from '../../../src/domain/metrics/decay-rules.js';
import { WEEK_MS } from '../../../src/domain/metrics/duration.js';
import { currentMarriage } from '../../../src/domain/metrics/marriage.js';
import { DAY_MS, defaultRules, type Rules } from '../../../src/domain/rules.js';
import { initialState, type RelationshipState } from '../../../src/domain/state.js';
import { on, stored } from '../../support/events.js';
import { lateToldStates } from '../arrivals.js';
import { decayExample, exampleDay } from './decay-example.js';
import { asOf, day, rules } from './timeline.js';

/** The scorer over the packed inputs gives what the domain gives from the whole state, and so does its latest score alone. */
function expectSameAsDomain(state: RelationshipState, T: number, withRules: Rules = defaultRules): void {
  const inputs = decayInputsOf(state);
  const expected = decayStatusAt(state, T, withRules);
  if (inputs === null) expect(expected).toBeNull();
  else {
    expect(decayStatusOfInputs(inputs, T, withRules)).toEqual(expected);
    // The latest score alone (what a list orders on) is the trend's.
    expect(decayScoreOfInputs(inputs, T, withRules)).toBe(expected?.score ?? null);
  }
}

/** When the signals' facts happened: a week can end exactly on one, or exactly a window after one. */
function factTimes(state: RelationshipState): number[] {
  const marriage = currentMarriage(state);
  const times = [state.openedAt!, ...(marriage ? [marriage.signedAt, marriage.endedAt ?? marriage.signedAt] : [])];
  for (const { at } of [...state.vendorTouchpoints, ...state.competitorContacts]) times.push(at);
  for (const c of Object.values(state.supportCases)) times.push(c.openedAt, c.closedAt ?? c.openedAt);
  for (const u of Object.values(state.upsells)) times.push(u.closedAt ?? u.openedAt);
  for (const s of Object.values(state.stakeholders)) times.push(s.introducedAt, s.stanceChangedAt ?? s.introducedAt);
  return times;
}

/** The windows of the default rules, in days: a fact leaves one exactly that long after it happened. */
const WINDOWS = [0, 14, 28, 60, 90, 180];

/**
 * Instants around the marriage: a fact's time plus a window, a few weeks
 * later (so that an earlier week of the trend ends there), ± 1 ms; every
 * week boundary since the signing; and random ones.
 */
const instantIn = (state: RelationshipState) =>
  fc.oneof(
    fc
      .tuple(fc.constantFrom(...factTimes(state)), fc.constantFrom(...WINDOWS), fc.integer({ min: 0, max: 8 }), fc.integer({ min: -1, max: 1 }))
      .map(([at, window, weeks, ms]) => at + window * DAY_MS + weeks * WEEK_MS + ms),
    fc.tuple(fc.integer({ min: -2, max: 120 }), fc.integer({ min: -1, max: 1 })).map(([week, ms]) => (currentMarriage(state)?.signedAt ?? state.lastEventAt!) + week * WEEK_MS + ms),
    fc.integer({ min: state.openedAt!, max: state.lastEventAt! + 120 * DAY_MS }),
  );

/** Rules a "what if" replay could bring: other weights, loads and concerns that are not whole numbers, a longer trend. */
const decayRulesArbitrary: fc.Arbitrary<DecayRules> = fc
  .record({
    upsell: fc.double({ min: 0, max: 30, noNaN: true }),
    high: fc.double({ min: 0, max: 9, noNaN: true }),
    defect: fc.double({ min: 0, max: 1, noNaN: true }),
    trendWeeks: fc.integer({ min: 2, max: 20 }),
  })
  .map(({ upsell, high, defect, trendWeeks }) => ({
    ...defaultDecayRules,
    weights: { ...defaultDecayRules.weights, upsell },
    severityLoad: { ...defaultDecayRules.severityLoad, HIGH: high },
    scopeConcern: { ...defaultDecayRules.scopeConcern, DEFECT: defect },
    trendWeeks,
  }));

const generated = (index: number) => generateHistory({ seed: 11, relationships: 10_001, start: Date.UTC(2024, 0, 1) }, index).events;

describe('the decay inputs', () => {
  it('score the worked example of docs/DECAY.md as the domain does', () => {
    // Given Globex on day 126 (DECAYING, 28.76)
    const state = asOf(decayExample, exampleDay);
    // When its inputs are scored that day, then the status and score are the domain's
    expect(decayStatusOfInputs(decayInputsOf(state)!, day(exampleDay), rules)).toEqual({ status: 'DECAYING', score: 28.76 });
    expectSameAsDomain(state, day(exampleDay), rules);
  });

  it("read a veto holder's stance as NEUTRAL before its change and as changed from the change on, as the domain does", () => {
    // Given Globex's CFO turning OPPOSED on day 120 at 09:00
    const turned = [...decayExample, on(day(120), 'StakeholderStanceChanged', 'PROSPECT', { stakeholderId: 'cfo', stance: 'OPPOSED' })];
    const state = asOf(turned, exampleDay);
    // When weeks end 1 ms before, at and 1 ms after the change, then the inputs and the state agree
    for (const weeks of [0, 1]) for (const ms of [-1, 0, 1]) expectSameAsDomain(state, day(120) + weeks * WEEK_MS + ms, rules);
    expect(decayStatusOfInputs(decayInputsOf(state)!, day(120), rules)!.score).toBeLessThan(decayStatusOfInputs(decayInputsOf(state)!, day(120) - 1, rules)!.score);
  });

  it('do not exist before the current cycle marries', () => {
    expect(decayInputsOf(initialState('r'))).toBeNull();
  });

  it('give the domain status and score of generated marriages at any instant, week boundaries included', () => {
    // Given a generated relationship's state after its whole history (as decay_inputs holds it)
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 10_000 })
          .map((index) => fold(stored(generated(index)), defaultRules, initialState(`r${index}`)))
          .filter((state) => currentMarriage(state) !== null)
          .chain((state) => fc.tuple(fc.constant(state), fc.array(instantIn(state), { minLength: 1, maxLength: 20 }))),
        ([state, instants]) => {
          // When it is scored at any instant, then the inputs and the state agree
          for (const T of instants) expectSameAsDomain(state, T);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('give the domain status and score exactly on and around every fact of generated marriages and its windows', () => {
    // Given the first 60 generated marriages
    let checked = 0;
    for (let index = 0, marriages = 0; marriages < 60; index++) {
      const state = fold(stored(generated(index)), defaultRules, initialState(`r${index}`));
      if (currentMarriage(state) === null) continue;
      marriages++;
      // When a week (the latest, the one before, the oldest) ends on a fact, a window after it, or 1 ms either side
      for (const at of new Set(factTimes(state))) {
        for (const window of WINDOWS) {
          for (const weeks of [0, 1, 7]) {
            for (const ms of [-1, 0, 1]) {
              // Then the inputs and the state agree
              expectSameAsDomain(state, at + window * DAY_MS + weeks * WEEK_MS + ms);
              checked++;
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  it('give the domain status and score under other rules', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 10_000 })
          .map((index) => fold(stored(generated(index)), defaultRules, initialState(`r${index}`)))
          .filter((state) => currentMarriage(state) !== null)
          .chain((state) => fc.tuple(fc.constant(state), instantIn(state), decayRulesArbitrary)),
        ([state, T, decay]) => expectSameAsDomain(state, T, { ...defaultRules, decay }),
      ),
      { numRuns: 150 },
    );
  });

  it('give the domain status and score of histories told with late facts', () => {
    // Given a valid history whose facts arrive out of order, in pages
    fc.assert(
      fc.property(
        lateToldStates(60)
          .chain((state) => fc.tuple(fc.constant(state), fc.array(instantIn(state), { minLength: 1, maxLength: 10 }))),
        ([state, instants]) => {
          // When the folded state is scored at any instant, then the inputs agree with it
          for (const T of instants) expectSameAsDomain(state, T);
        },
      ),
      { numRuns: 200 },
    );
  });
});
