import { describe, expect, it } from 'vitest';
import { decaySummary } from '../../src/analytics/decay.js';
import { distributionOf } from '../../src/analytics/distribution.js';
import { timeToProposalStats } from '../../src/analytics/durations.js';
import { funnel } from '../../src/analytics/funnel.js';
import { outcomes } from '../../src/analytics/outcomes.js';
import { cohortRetention } from '../../src/analytics/retention.js';
import type { Actor, CourtshipEvent } from '../../src/domain/events.js';
import { fold } from '../../src/domain/fold.js';
import { defaultRules, DAY_MS } from '../../src/domain/rules.js';
import { initialState, type RelationshipState } from '../../src/domain/state.js';

const T0 = Date.parse('2025-01-06T00:00:00Z');
const day = (n: number) => T0 + n * DAY_MS;
const e = (type: string, at: number, actor: Actor, data: Record<string, unknown> = {}) =>
  ({ type, occurredAt: at, actor, data }) as unknown as CourtshipEvent;

function relationship(id: string, ...events: CourtshipEvent[]): RelationshipState {
  return fold(events, defaultRules, initialState(id));
}
const opened = (at: number, segment: string) => e('RelationshipOpened', at, 'VENDOR', { accountName: 'A', segment });
const mutual = (at: number) => [e('InterestSignaled', at, 'VENDOR'), e('InterestSignaled', at, 'PROSPECT')];
const proposal = (at: number) => e('ProposalSubmitted', at, 'VENDOR', { proposalId: 'p1' });
const signed = (at: number) => e('ContractSigned', at, 'PROSPECT', { contractId: 'c1' });

/** Four courtships: one married, one proposed on the first date, one dating, one that walked away. */
const pipeline = (): RelationshipState[] => [
  relationship('married', opened(day(0), 'SMB'), ...mutual(day(2)), e('ExclusivityGranted', day(4), 'PROSPECT'), proposal(day(10)), signed(day(20))),
  relationship('hasty', opened(day(0), 'SMB'), proposal(day(1))),
  relationship('dating', opened(day(0), 'ENTERPRISE'), ...mutual(day(5))),
  relationship('gone', opened(day(0), 'ENTERPRISE'), ...mutual(day(1)), e('InterestWithdrawn', day(3), 'PROSPECT', { reason: 'budget' })),
];
const at = day(25);

describe('distributions', () => {
  it('interpolates quantiles between ranks', () => {
    expect(distributionOf([10, 20, 30, 40])).toEqual({ count: 4, mean: 25, median: 25, p75: 32.5, p90: 37 });
  });

  it('has no statistics for no values', () => {
    expect(distributionOf([])).toEqual({ count: 0, mean: null, median: null, p75: null, p90: null });
  });
});

describe('the funnel', () => {
  it('counts a proposal on the first date as reaching dating and exclusivity, but skipping them', () => {
    const result = funnel(pipeline(), { at }, defaultRules);
    expect(result.total).toBe(4);
    expect(result.stages.map((s) => [s.phase, s.reached, s.entered, s.skipped])).toEqual([
      ['ATTRACTION', 4, 4, 0],
      ['DATING', 4, 3, 1],
      ['EXCLUSIVE', 2, 1, 1],
      ['PROPOSED', 2, 2, 0],
      ['MARRIED', 1, 1, 0],
    ]);
    expect(result.stages.map((s) => s.conversionToNext)).toEqual([1, 0.5, 1, 0.5, null]);
  });

  it('times each step over those that entered both phases: a skipped phase adds no zero', () => {
    const stages = funnel(pipeline(), { at }, defaultRules).stages;
    // ATTRACTION → DATING: married 2, dating 5, gone 1 day; hasty never dated.
    expect(stages[0]!.countToNext).toBe(3);
    expect(stages[0]!.medianSecondsToNext).toBe(2 * 86_400);
    // p90 of 1, 2, 5 days: 2 + 0.8 × 3 = 4.4 days.
    expect(stages[0]!.p90SecondsToNext).toBe(380_160);
    // EXCLUSIVE → PROPOSED: only the married one was exclusive (6 days); hasty skipped exclusivity.
    expect(stages[2]!.countToNext).toBe(1);
    expect(stages[2]!.medianSecondsToNext).toBe(6 * 86_400);
    expect(stages[3]!.medianSecondsToNext).toBe(10 * 86_400);
    expect(stages[4]!).toMatchObject({ countToNext: 0, medianSecondsToNext: null, p90SecondsToNext: null });
  });

  it('does not count a contract signed without a proposal as having proposed', () => {
    const direct = relationship('direct', opened(day(0), 'SMB'), ...mutual(day(1)), signed(day(4)));
    const proposed = funnel([direct], { at }, defaultRules).stages[3]!;
    expect(proposed).toMatchObject({ reached: 1, entered: 0, skipped: 1, countToNext: 0, medianSecondsToNext: null });
  });

  it('splits into groups like the duration statistics', () => {
    const result = funnel(pipeline(), { at }, defaultRules, 'SEGMENT');
    expect(result.groups.map((g) => [g.key, g.total, g.stages[1]!.entered, g.stages[1]!.skipped])).toEqual([
      ['ENTERPRISE', 2, 2, 0],
      ['SMB', 2, 1, 1],
    ]);
    expect(funnel(pipeline(), { at }, defaultRules).groups).toEqual([]);
  });

  it('keeps to the segment and the cycle start range asked for', () => {
    expect(funnel(pipeline(), { at, segment: 'ENTERPRISE' }, defaultRules).total).toBe(2);
    expect(funnel(pipeline(), { at, from: day(1) }, defaultRules).total).toBe(0);
    expect(funnel(pipeline(), { at: day(0) - 1 }, defaultRules).total).toBe(0);
  });

  it('applies the deadlines due by the instant: a silent prospect has moved on', () => {
    const later = day(200);
    const result = funnel(pipeline(), { at: later }, defaultRules);
    expect(result.total).toBe(4);
    const gone = outcomes(pipeline(), { at: later }, defaultRules).find((o) => o.outcome === 'MOVED_ON')!;
    expect(gone.reasons).toEqual([
      { kind: 'DEADLINE_RULE', value: 'MOVED_ON_SILENCE', count: 1 },
      { kind: 'WITHDRAWAL', value: 'budget', count: 1 },
    ]);
  });
});

describe('time to proposal', () => {
  it('leaves out relationships that have not proposed, and groups by segment', () => {
    const stats = timeToProposalStats(pipeline(), { at }, defaultRules, 'SEGMENT');
    expect(stats.overall.count).toBe(2);
    expect(stats.overall.median).toBe(5.5 * 86_400);
    expect(stats.groups.map((g) => [g.key, g.stats.count])).toEqual([['SMB', 2]]);
  });

  it('counts the durations by whole weeks', () => {
    // 10 days (married) and 1 day (hasty).
    const histogram = timeToProposalStats(pipeline(), { at }, defaultRules).weeklyHistogram;
    expect(histogram).toHaveLength(27);
    expect(histogram.slice(0, 3).map((b) => b.count)).toEqual([1, 1, 0]);
    expect(histogram[1]).toEqual({ fromSeconds: 7 * 86_400, toSeconds: 14 * 86_400, count: 1 });
    expect(histogram[26]!.toSeconds).toBeNull();
  });

  it('groups by the month the cycle started in', () => {
    const stats = timeToProposalStats(pipeline(), { at }, defaultRules, 'COHORT_MONTH');
    expect(stats.groups.map((g) => g.key)).toEqual(['2025-01']);
  });
});

const divorcedOn = (id: string, churnDay: number) =>
  relationship(
    id,
    opened(day(0), 'SMB'),
    ...mutual(day(1)),
    proposal(day(2)),
    signed(day(3)),
    e('ChurnNoticeGiven', day(churnDay), 'PROSPECT', { reason: 'PRICE' }),
  );

describe('decay and outcomes', () => {
  it('counts a marriage the vendor stops showing up to as neglected, and when', () => {
    const neglected = relationship('quiet', opened(day(0), 'SMB'), ...mutual(day(1)), proposal(day(2)), signed(day(3)));
    const summary = decaySummary([neglected], { at: day(100) }, defaultRules);
    expect(summary.currentlyMarried).toBe(1);
    expect(summary.currentlyImproving + summary.currentlyStable + summary.currentlyDecaying).toBe(1);
    expect(summary.currentScoreBuckets.reduce((sum, b) => sum + b.count, 0)).toBe(1);
    expect(summary.marriagesEverNeglected).toBe(1);
    // No vendor event after the signing on day 3: NEGLECTED 60 days later.
    expect(summary.medianWeeksToFirstNeglect).toBe(Math.round((60 / 7) * 100) / 100);
  });

  it('counts a divorced marriage apart, by the trend frozen at its end', () => {
    const summary = decaySummary([divorcedOn('divorced', 10)], { at: day(400) }, defaultRules);
    expect(summary).toMatchObject({ currentlyMarried: 0, currentlyImproving: 0, currentlyStable: 0, currentlyDecaying: 0, endedMarriages: 1 });
    expect(summary.endedImprovingAtEnd + summary.endedStableAtEnd + summary.endedDecayingAtEnd).toBe(1);
    expect(summary.currentScoreBuckets.every((b) => b.count === 0)).toBe(true);
  });

  it('keeps a divorced marriage at the trend it ended with, however much later it is asked', () => {
    const ended = (at: number) => {
      const { endedImprovingAtEnd, endedStableAtEnd, endedDecayingAtEnd } = decaySummary([divorcedOn('divorced', 10)], { at }, defaultRules);
      return [endedImprovingAtEnd, endedStableAtEnd, endedDecayingAtEnd];
    };
    expect(ended(day(400))).toEqual(ended(day(11)));
  });

  it('counts endings by kind and value of reason', () => {
    const result = outcomes([...pipeline(), divorcedOn('divorced', 10)], { at }, defaultRules);
    expect(result).toEqual([
      { outcome: 'DIVORCED', count: 1, reasons: [{ kind: 'CHURN_REASON', value: 'PRICE', count: 1 }] },
      { outcome: 'MOVED_ON', count: 1, reasons: [{ kind: 'WITHDRAWAL', value: 'budget', count: 1 }] },
      { outcome: 'LEFT_AT_ALTAR', count: 0, reasons: [] },
    ]);
  });

  it('calls an ending without a reason UNSPECIFIED, with no value', () => {
    const rejected = relationship('rejected', opened(day(0), 'SMB'), proposal(day(1)), e('ProposalRejected', day(2), 'PROSPECT', { proposalId: 'p1' }));
    const altar = outcomes([rejected], { at }, defaultRules).find((o) => o.outcome === 'LEFT_AT_ALTAR')!;
    expect(altar.reasons).toEqual([{ kind: 'UNSPECIFIED', value: null, count: 1 }]);
  });

  it('keeps to the courtships that ended in the window asked for, whenever they started', () => {
    const states = [divorcedOn('early', 10), divorcedOn('late', 20)];
    const divorced = (from: number | null, to: number | null) =>
      outcomes(states, { at }, defaultRules, { from, to }).find((o) => o.outcome === 'DIVORCED')!.count;
    expect(divorced(null, null)).toBe(2);
    expect(divorced(day(15), null)).toBe(1);
    expect(divorced(null, day(10))).toBe(1);
    expect(divorced(day(11), day(19))).toBe(0);
  });
});

describe('cohort retention', () => {
  it('follows each month of marriages: still married, then churned', () => {
    // Married 2025-01-09 (day 3); one divorced on day 40 (2025-02-15), one still married.
    const states = [divorcedOn('gone', 40), relationship('kept', opened(day(0), 'SMB'), ...mutual(day(1)), proposal(day(2)), signed(day(3)))];
    const result = cohortRetention(states, { at: Date.parse('2025-04-10T00:00:00Z') }, defaultRules, 'MARRIAGE');
    expect(result.cohorts).toEqual([
      {
        cohort: '2025-01',
        size: 2,
        months: [
          { monthsSince: 0, stillMarried: 2, churned: 0, retention: 1 },
          { monthsSince: 1, stillMarried: 1, churned: 1, retention: 0.5 },
          { monthsSince: 2, stillMarried: 1, churned: 1, retention: 0.5 },
        ],
      },
    ]);
  });

  it('by month of opening, counts the ones not married yet as neither', () => {
    const result = cohortRetention(pipeline(), { at: Date.parse('2025-02-01T00:00:00Z') }, defaultRules, 'OPENING');
    expect(result.cohorts).toEqual([{ cohort: '2025-01', size: 4, months: [{ monthsSince: 0, stillMarried: 1, churned: 0, retention: 0.25 }] }]);
  });
});
