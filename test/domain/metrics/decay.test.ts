import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CourtshipEvent } from '../../../src/domain/events.js';
import { fold, stateAt } from '../../../src/domain/fold.js';
import { initialState } from '../../../src/domain/state.js';
import { generateHistory } from '../../../src/domain/generator/index.js';
import { decayTrend } from '../../../src/domain/metrics/decay.js';
import { decayRulesSchema, defaultDecayRules } from '../../../src/domain/metrics/decay-rules.js';
import { DAY_MS } from '../../../src/domain/rules.js';
import { decayExample, exampleDay } from './decay-example.js';
import { asOf, day, marriedOn, mutualInterest, rules } from './timeline.js';
import { on, stored } from '../../support/events.js';

const trendOn = (events: readonly CourtshipEvent[], d: number, withRules = rules) => decayTrend(asOf(events, d), day(d), withRules);

/** Married on day 20; then the vendor calls every week, from day 21 to day `until`. */
function attentive(until: number): CourtshipEvent[] {
  const calls: CourtshipEvent[] = [];
  for (let d = 21; d <= until; d += 7) calls.push(on(day(d), 'InteractionLogged', 'VENDOR', { channel: 'CALL' }));
  return [...marriedOn(20), ...calls];
}

describe('the decay trend', () => {
  it('does not exist before the marriage', () => {
    expect(trendOn(mutualInterest(), 10)).toBeNull();
  });

  it('does not exist yet when the contract is dated a few minutes after now (clock skew the API allows)', () => {
    const signedLater = fold(stored(marriedOn(20)), undefined, initialState('r'));
    expect(decayTrend(signedLater, day(20) - 2 * 60_000, rules)).toBeNull();
  });

  it('scores the worked example of docs/DECAY.md exactly as the page says', () => {
    expect(asOf(decayExample, exampleDay).phase).toBe('CHEATING');
    const trend = trendOn(decayExample, exampleDay)!;
    expect(trend.weeks.map((w) => [(w.endsAt - day(0)) / DAY_MS, w.score])).toEqual([
      [77, 93.75],
      [84, 95],
      [91, 88.04],
      [98, 79.23],
      [105, 57.39],
      [112, 48.09],
      [119, 31.78],
      [126, 28.76],
    ]);
    expect(trend.score).toBe(28.76);
    expect(trend.slope).toBe(-10.87);
    expect(trend.status).toBe('DECAYING');
    expect(trend.drivers).toEqual([
      { signal: 'touchpointRecency', impact: 19.02 },
      { signal: 'touchpointCadence', impact: 15 },
      { signal: 'competitorContact', impact: 9.22 },
      { signal: 'supportLoad', impact: 9 },
      { signal: 'upsell', impact: 7.5 },
      { signal: 'supportScope', impact: 6.5 },
      { signal: 'vetoStance', impact: 5 },
    ]);
  });

  it('is stable for a vendor who keeps calling, with only the missing up-sells holding the score back', () => {
    const trend = trendOn(attentive(200), 200)!;
    expect(trend.status).toBe('STABLE');
    expect(trend.score).toBeGreaterThan(92);
    expect(trend.drivers[0]).toEqual({ signal: 'upsell', impact: 7.5 });
    // A weekly call is the honeymoon's cadence, give or take where the 28-day window cuts.
    expect(trend.drivers.slice(1).every((d) => d.impact < 0.5)).toBe(true);
  });

  it('decays when the vendor stops showing up after the honeymoon', () => {
    const trend = trendOn(attentive(120), 175)!;
    expect(trend.status).toBe('DECAYING');
    expect(trend.drivers.slice(0, 2).map((d) => d.signal).sort()).toEqual(['touchpointCadence', 'touchpointRecency']);
  });

  it('improves when the vendor comes back', () => {
    const back: CourtshipEvent[] = [];
    for (let d = 190; d <= 240; d += 7) back.push(on(day(d), 'InteractionLogged', 'VENDOR', { channel: 'BUSINESS_REVIEW' }));
    const events = [...attentive(120), ...back];
    expect(asOf(events, 185).phase).toBe('NEGLECTED');
    expect(trendOn(events, 240)!.status).toBe('IMPROVING');
  });

  it('has one week and no slope in the first days of the marriage', () => {
    const trend = trendOn(marriedOn(20), 23)!;
    expect(trend.weeks).toHaveLength(1);
    expect(trend).toMatchObject({ slope: 0, status: 'STABLE' });
  });

  it('keeps the trend the marriage ended with after a divorce', () => {
    const events = [...attentive(100), on(day(110), 'ChurnNoticeGiven', 'PROSPECT', { reason: 'PRICE' })];
    expect(trendOn(events, 300)).toEqual(trendOn(events, 110));
  });

  it('is gone once a divorced relationship starts a new courtship', () => {
    const events = [
      ...attentive(100),
      on(day(110), 'ChurnNoticeGiven', 'PROSPECT', { reason: 'PRICE' }),
      on(day(200), 'RelationshipReopened', 'VENDOR', {}),
    ];
    expect(trendOn(events, 210)).toBeNull();
  });

  it('follows the rules it is given: with all the weight on up-sells, no up-sell is a score of 50', () => {
    const onlyUpsell = Object.fromEntries(Object.keys(defaultDecayRules.weights).map((s) => [s, s === 'upsell' ? 1 : 0]));
    const whatIf = { ...rules, decay: { ...defaultDecayRules, weights: onlyUpsell as typeof defaultDecayRules.weights } };
    expect(trendOn(attentive(200), 200, whatIf)!.score).toBe(50);
  });

  // A random instant of a generated history is rarely inside a marriage (where the trend is
  // defined), so the instants of every event of 200 histories, and ten days after each, are
  // checked too, with a floor on how many had a trend.
  it('stays within 0..100, with drivers that account for every point lost, at and after each event of 200 generated histories', () => {
    let trends = 0;
    for (let index = 0; index < 200; index++) {
      const { events } = generateHistory({ seed: 11, relationships: 10_001, start: Date.UTC(2024, 0, 1) }, index);
      for (const { occurredAt } of events) {
        for (const T of [occurredAt, occurredAt + 10 * DAY_MS]) {
          const trend = decayTrend(stateAt(stored(events), T, rules), T, rules);
          if (trend === null) continue;
          trends++;
          expectSound(trend);
        }
      }
    }
    expect(trends).toBeGreaterThan(1000);
  });

  it('stays within 0..100, with drivers that account for every point lost, at any instant of any generated history', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (index, fraction) => {
        const { events } = generateHistory({ seed: 11, relationships: 10_001, start: Date.UTC(2024, 0, 1) }, index);
        const first = events[0]!.occurredAt;
        const T = first + Math.floor(fraction * (events[events.length - 1]!.occurredAt + 100 * DAY_MS - first));
        const trend = decayTrend(stateAt(stored(events), T, rules), T, rules);
        if (trend !== null) expectSound(trend);
      }),
      { numRuns: 200 },
    );
  });
});

/** Every week's score within 0..100, the drivers account for every point lost, no more weeks than the rules keep. */
function expectSound(trend: NonNullable<ReturnType<typeof decayTrend>>): void {
  for (const week of trend.weeks) {
    expect(week.score).toBeGreaterThanOrEqual(0);
    expect(week.score).toBeLessThanOrEqual(100);
  }
  const lost = trend.drivers.reduce((sum, d) => sum + d.impact, 0);
  expect(Math.abs(100 - lost - trend.score)).toBeLessThan(0.05);
  expect(trend.weeks.length).toBeLessThanOrEqual(defaultDecayRules.trendWeeks);
}

describe('the decay rules', () => {
  it('accept the defaults', () => {
    expect(decayRulesSchema.parse(defaultDecayRules)).toEqual(defaultDecayRules);
  });

  it('refuse weights that are all zero', () => {
    const zero = Object.fromEntries(Object.keys(defaultDecayRules.weights).map((s) => [s, 0]));
    expect(decayRulesSchema.safeParse({ ...defaultDecayRules, weights: zero }).success).toBe(false);
  });

  it('refuse a recency that reaches zero health before it stops being full', () => {
    const result = decayRulesSchema.safeParse({ ...defaultDecayRules, recency: { fullDays: 30, zeroDays: 20 } });
    expect(result.error?.issues[0]?.path).toEqual(['recency', 'zeroDays']);
  });

  it('refuse an unknown signal', () => {
    const weights = { ...defaultDecayRules.weights, vibes: 3 };
    expect(decayRulesSchema.safeParse({ ...defaultDecayRules, weights }).success).toBe(false);
  });
});
