import { describe, expect, it } from 'vitest';
import { decaySummary } from '../../src/analytics/decay.js';
import { distributionOf } from '../../src/analytics/distribution.js';
import { timeToProposalStats } from '../../src/analytics/durations.js';
import { funnel } from '../../src/analytics/funnel.js';
import { outcomes } from '../../src/analytics/outcomes.js';
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
  it('counts a proposal on the first date as passing through dating and exclusivity', () => {
    const result = funnel(pipeline(), { at }, defaultRules);
    expect(result.total).toBe(4);
    expect(result.stages.map((s) => [s.phase, s.reached])).toEqual([
      ['ATTRACTION', 4],
      ['DATING', 4],
      ['EXCLUSIVE', 2],
      ['PROPOSED', 2],
      ['MARRIED', 1],
    ]);
    expect(result.stages.map((s) => s.conversionToNext)).toEqual([1, 0.5, 1, 0.5, null]);
  });

  it('measures the median time from each phase to the next', () => {
    const stages = funnel(pipeline(), { at }, defaultRules).stages;
    // ATTRACTION → DATING: 2, 1 (hasty, via its proposal), 5 and 1 days.
    expect(stages[0]!.medianSecondsToNext).toBe(1.5 * 86_400);
    expect(stages[3]!.medianSecondsToNext).toBe(10 * 86_400);
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
      { reason: 'MOVED_ON_SILENCE', count: 1 },
      { reason: 'budget', count: 1 },
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

  it('groups by the month the cycle started in', () => {
    const stats = timeToProposalStats(pipeline(), { at }, defaultRules, 'COHORT_MONTH');
    expect(stats.groups.map((g) => g.key)).toEqual(['2025-01']);
  });
});

describe('decay and outcomes', () => {
  it('counts a marriage the vendor stops showing up to as neglected, and when', () => {
    const neglected = relationship('quiet', opened(day(0), 'SMB'), ...mutual(day(1)), proposal(day(2)), signed(day(3)));
    const summary = decaySummary([neglected], { at: day(100) }, defaultRules);
    expect(summary.married).toBe(1);
    expect(summary.improving + summary.stable + summary.decaying).toBe(1);
    expect(summary.everNeglected).toBe(1);
    // No vendor event after the signing on day 3: NEGLECTED 60 days later.
    expect(summary.medianWeeksToFirstNeglect).toBe(Math.round((60 / 7) * 100) / 100);
  });

  it('counts endings by reason', () => {
    const divorced = relationship(
      'divorced',
      opened(day(0), 'SMB'),
      ...mutual(day(1)),
      proposal(day(2)),
      signed(day(3)),
      e('ChurnNoticeGiven', day(10), 'PROSPECT', { reason: 'PRICE' }),
    );
    const result = outcomes([...pipeline(), divorced], { at }, defaultRules);
    expect(result).toEqual([
      { outcome: 'DIVORCED', count: 1, reasons: [{ reason: 'PRICE', count: 1 }] },
      { outcome: 'MOVED_ON', count: 1, reasons: [{ reason: 'budget', count: 1 }] },
      { outcome: 'LEFT_AT_ALTAR', count: 0, reasons: [] },
    ]);
  });
});
