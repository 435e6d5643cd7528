/**
 * Retention counts a milestone by the month it fell in: one at the very
 * start of a month falls after the end of the month before, one a
 * millisecond earlier before it (the tally compares months, not instants).
 */
import { describe, expect, it } from 'vitest';
import { RetentionTally } from '../../src/analytics/retention.js';
import type { CycleMilestones } from '../../src/domain/state.js';

const at = (iso: string): number => Date.parse(iso);

function divorced(marriedAt: string, endedAt: string): { cycle: CycleMilestones } {
  return {
    cycle: { cycle: 1, startedAt: at('2024-12-01T00:00:00Z'), firstProposalAt: null, marriedAt: at(marriedAt), endedAt: at(endedAt), outcome: 'DIVORCED' },
  };
}

describe('retention at month boundaries', () => {
  it('counts a divorce a millisecond before a month starts in the month before, one at its start in that month', () => {
    // Given two January marriages, one divorced at the last millisecond of January, one at the first of February
    const tally = new RetentionTally(at('2025-03-01T00:00:00Z'), 'MARRIAGE', 24);
    tally.add(divorced('2025-01-15T00:00:00Z', '2025-01-31T23:59:59.999Z'));
    tally.add(divorced('2025-01-20T00:00:00Z', '2025-02-01T00:00:00Z'));
    // When the cohorts are tallied on March 1st
    const { cohorts } = tally.result();
    // Then at the end of January one has churned and one is still married; at the end of February both have churned
    expect(cohorts).toEqual([
      {
        cohort: '2025-01',
        size: 2,
        months: [
          { monthsSince: 0, stillMarried: 1, churned: 1, retention: 0.5 },
          { monthsSince: 1, stillMarried: 0, churned: 2, retention: 0 },
        ],
      },
    ]);
  });

  it('puts a marriage at the first millisecond of a month in that month', () => {
    // Given a marriage at the very start of February
    const tally = new RetentionTally(at('2025-03-01T00:00:00Z'), 'MARRIAGE', 24);
    tally.add({ cycle: { ...divorced('2025-02-01T00:00:00Z', '2025-02-01T00:00:00Z').cycle, endedAt: null, outcome: null } });
    // When tallied
    const { cohorts } = tally.result();
    // Then it is February's cohort, married at the end of February
    expect(cohorts).toEqual([{ cohort: '2025-02', size: 1, months: [{ monthsSince: 0, stillMarried: 1, churned: 0, retention: 1 }] }]);
  });
});
