import { describe, expect, it } from 'vitest';
import { alternateRounds } from '../../src/bench/measure.js';

describe('alternateRounds', () => {
  it('runs baseline then subject in turn and returns the round with the median ratio', async () => {
    // Given a baseline and a subject whose times vary from round to round
    const calls: string[] = [];
    const baselineSeconds = [2, 4, 1];
    const subjectSeconds = [4, 4, 4];
    // When they are alternated over three rounds (ratio: baseline time over subject time)
    const { median, rounds } = await alternateRounds(
      3,
      async (round) => (calls.push(`baseline ${round}`), baselineSeconds[round]!),
      async (round) => (calls.push(`subject ${round}`), subjectSeconds[round]!),
      (baseline, subject) => baseline / subject,
    );
    // Then the runs alternate, every round is kept in order, and the median round is the middle ratio
    expect(calls).toEqual(['baseline 0', 'subject 0', 'baseline 1', 'subject 1', 'baseline 2', 'subject 2']);
    expect(rounds.map((round) => round.ratio)).toEqual([0.5, 1, 0.25]);
    expect(median).toEqual({ baseline: 2, subject: 4, ratio: 0.5 });
  });

  it('takes the lower middle round of an even count and refuses no rounds', async () => {
    const ratios = [3, 1, 4, 2];
    const { median } = await alternateRounds(4, async (round) => ratios[round]!, async () => 1, (baseline, subject) => baseline / subject);
    expect(median.ratio).toBe(2);
    await expect(alternateRounds(0, async () => 1, async () => 1, () => 1)).rejects.toThrow(RangeError);
  });
});
