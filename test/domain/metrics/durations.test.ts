import { describe, expect, it } from 'vitest';
import { isoDuration } from '../../../src/domain/metrics/duration.js';
import { cycleDurations, timeInPhases, timeToMarriage, timeToProposal } from '../../../src/domain/metrics/durations.js';
import { asOf, day, marriedOn, mutualInterest } from './timeline.js';
import { on } from '../../support/events.js';

describe('how long it took to pop the question', () => {
  it('is unknown while the vendor has not proposed', () => {
    const state = asOf(mutualInterest(), 30);
    expect(timeToProposal(state)).toBeNull();
    expect(timeToMarriage(state)).toBeNull();
  });

  it('counts from the start of the courtship to the first proposal, in seconds, days and ISO 8601', () => {
    const events = [...mutualInterest(), on(day(12 + 3 / 24), 'ProposalSubmitted', 'VENDOR', { proposalId: 'p1' })];
    expect(timeToProposal(asOf(events, 20))).toEqual({ seconds: 12 * 86_400 + 3 * 3_600, days: 12.125, iso: 'P12DT3H' });
  });

  it('counts to the signed contract for the time to marriage', () => {
    expect(timeToMarriage(asOf(marriedOn(31), 40))).toEqual({ seconds: 31 * 86_400, days: 31, iso: 'P31D' });
  });

  it('starts again when a closed relationship is reopened: the second courtship has its own time to proposal', () => {
    const events = [
      ...mutualInterest(),
      on(day(5), 'InterestWithdrawn', 'PROSPECT', { reason: 'no budget' }),
      on(day(100), 'RelationshipReopened', 'VENDOR', {}),
      on(day(101), 'InterestSignaled', 'VENDOR', {}),
      on(day(102), 'InterestSignaled', 'PROSPECT', {}),
      on(day(107), 'ProposalSubmitted', 'VENDOR', { proposalId: 'p2' }),
    ];
    const state = asOf(events, 110);
    expect(timeToProposal(state)?.iso).toBe('P7D');
    expect(cycleDurations(state).map((c) => [c.cycle, c.timeToProposal?.iso ?? null])).toEqual([
      [1, null],
      [2, 'P7D'],
    ]);
  });
});

describe('time spent in each phase', () => {
  it('counts the current phase up to the instant asked about', () => {
    const { currentCycle } = timeInPhases(asOf(mutualInterest(), 9.5), day(9.5));
    expect(currentCycle.map((p) => [p.phase, p.iso])).toEqual([
      ['ATTRACTION', 'P2D'],
      ['DATING', 'P7DT12H'],
    ]);
  });

  it('credits a closed ending to the cycle it ended, and sums every cycle in the total', () => {
    const events = [
      ...mutualInterest(),
      on(day(5), 'InterestWithdrawn', 'PROSPECT', {}),
      on(day(20), 'RelationshipReopened', 'PROSPECT', {}),
    ];
    const times = timeInPhases(asOf(events, 30), day(30));
    expect(times.currentCycle.map((p) => [p.phase, p.days])).toEqual([['ATTRACTION', 10]]);
    expect(times.total.map((p) => [p.phase, p.days])).toEqual([
      ['ATTRACTION', 12],
      ['DATING', 3],
      ['MOVED_ON', 15],
    ]);
  });

  it('includes the time after a deadline moved the phase, from the deadline instant', () => {
    // Proposed on day 10, then 45 days of prospect silence: left at the altar on day 55.
    const events = [...mutualInterest(), on(day(10), 'ProposalSubmitted', 'VENDOR', { proposalId: 'p1' })];
    const times = timeInPhases(asOf(events, 60), day(60));
    expect(times.currentCycle.map((p) => [p.phase, p.days])).toEqual([
      ['ATTRACTION', 2],
      ['DATING', 8],
      ['PROPOSED', 45],
      ['LEFT_AT_ALTAR', 5],
    ]);
  });
});

describe('ISO 8601 durations', () => {
  it.each([
    [0, 'PT0S'],
    [45 * 60, 'PT45M'],
    [86_400, 'P1D'],
    [2 * 86_400 + 3 * 3_600 + 4 * 60 + 5, 'P2DT3H4M5S'],
    [400 * 86_400 + 1, 'P400DT1S'],
  ])('writes %i seconds as %s', (seconds, iso) => expect(isoDuration(seconds)).toBe(iso));
});
