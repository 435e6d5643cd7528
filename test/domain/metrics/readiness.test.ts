import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stateAt } from '../../../src/domain/fold.js';
import { generateHistory } from '../../../src/domain/generator/index.js';
import { readiness } from '../../../src/domain/metrics/readiness.js';
import { DAY_MS } from '../../../src/domain/rules.js';
import { isClosedPhase, type CourtshipEvent } from '../../../src/domain/events.js';
import type { RelationshipState } from '../../../src/domain/state.js';
import { asOf, day, marriedOn, mutualInterest, rules } from './timeline.js';
import { on, stored } from '../../support/events.js';

const readinessOn = (events: readonly CourtshipEvent[], d: number) => readiness(asOf(events, d), day(d), rules);
const codes = (events: readonly CourtshipEvent[], d: number) => readinessOn(events, d)?.reasons.map((r) => r.code);

/** A prospect with nothing left to ask and a supportive family: interest mutual, the CFO (a veto holder) on board. */
const courted = [
  ...mutualInterest(),
  on(day(3), 'StakeholderIntroduced', 'PROSPECT', { stakeholderId: 'cfo', name: 'Priya Rossi', role: 'DECISION_MAKER', hasVeto: true }),
  on(day(4), 'QuestionAsked', 'PROSPECT', { questionId: 'q1', topic: 'FINANCIAL' }),
  on(day(6), 'QuestionAnswered', 'VENDOR', { questionId: 'q1' }),
  on(day(8), 'StakeholderStanceChanged', 'PROSPECT', { stakeholderId: 'cfo', stance: 'SUPPORTIVE' }),
];

describe('is it time to pop the question?', () => {
  it('is ready when interest is mutual, no question is open, the family supports it and the prospect is active', () => {
    expect(readinessOn(courted, 10)).toEqual({ ready: true, reasons: [] });
  });

  it('is not ready while only the vendor is interested', () => {
    expect(codes(courted.slice(0, 2), 3)).toEqual(['INTEREST_NOT_MUTUAL', 'PROSPECT_SILENT']);
  });

  it('is not ready while the prospect still has a question', () => {
    const events = [...courted, on(day(9), 'QuestionAsked', 'PROSPECT', { questionId: 'q2', topic: 'SECURITY' })];
    expect(codes(events, 10)).toEqual(['OPEN_QUESTIONS']);
  });

  it('is not ready while a veto holder is merely neutral', () => {
    const events = [...courted, on(day(9), 'StakeholderStanceChanged', 'PROSPECT', { stakeholderId: 'cfo', stance: 'NEUTRAL' })];
    expect(readinessOn(events, 10)?.reasons).toEqual([{ code: 'VETO_NOT_SUPPORTIVE', message: 'Not every veto holder is supportive: Priya Rossi (NEUTRAL).' }]);
  });

  it('is not ready once the prospect has been quiet for more than 14 days', () => {
    expect(codes(courted, 8 + 14)).toEqual([]);
    expect(codes(courted, 8 + 14.01)).toEqual(['PROSPECT_SILENT']);
  });

  it('no longer applies once married', () => {
    expect(readinessOn(marriedOn(20), 25)).toBeNull();
  });

  it('says the relationship is closed after the prospect walked away', () => {
    const events = [...courted, on(day(9), 'InterestWithdrawn', 'PROSPECT', {})];
    expect(codes(events, 10)).toEqual(['RELATIONSHIP_CLOSED']);
  });

  // Random instants of generated histories are rarely ready (most fall in silences or after
  // the wedding), so the instants of every event of 200 histories are checked too, with a
  // floor on both outcomes: the equivalence is seen to hold both ways.
  it('is ready exactly when every condition holds, at each event of 200 generated histories', () => {
    const outcomes = { ready: 0, notReady: 0 };
    for (let index = 0; index < 200; index++) {
      const { events } = generateHistory({ seed: 7, relationships: 10_001, start: Date.UTC(2024, 0, 1) }, index);
      for (const { occurredAt: T } of events) {
        const state = stateAt(stored(events), T, rules);
        const result = readiness(state, T, rules);
        if (result === null) continue;
        expect(result.ready).toBe(everythingInPlace(state, T));
        expect(result.reasons.length === 0).toBe(result.ready);
        outcomes[result.ready ? 'ready' : 'notReady']++;
      }
    }
    expect(outcomes.ready).toBeGreaterThan(100);
    expect(outcomes.notReady).toBeGreaterThan(100);
  });

  it('is ready exactly when every condition holds, and then gives no reason, at any instant of any generated history', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (index, fraction) => {
        const { events } = generateHistory({ seed: 7, relationships: 10_001, start: Date.UTC(2024, 0, 1) }, index);
        const first = events[0]!.occurredAt;
        const T = first + Math.floor(fraction * (events[events.length - 1]!.occurredAt + 100 * DAY_MS - first));
        const state = stateAt(stored(events), T, rules);
        const result = readiness(state, T, rules);
        if (result === null) return;
        expect(result.ready).toBe(everythingInPlace(state, T));
        expect(result.reasons.length === 0).toBe(result.ready);
      }),
      { numRuns: 200 },
    );
  });
});

/** The conditions of readiness, spelled out from the essay, independently of the metric's code. */
function everythingInPlace(state: RelationshipState, T: number): boolean {
  return (
    !isClosedPhase(state.phase!) &&
    state.vendorInterested &&
    state.prospectInterested &&
    Object.values(state.questions).every((q) => q.answeredAt !== null) &&
    Object.values(state.stakeholders).every((s) => !s.hasVeto || s.stance === 'SUPPORTIVE') &&
    T - state.lastProspectActivityAt! <= rules.readinessActivityDays * DAY_MS
  );
}
