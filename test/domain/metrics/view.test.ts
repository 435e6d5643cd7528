import { describe, expect, it } from 'vitest';
import { describe as describeRelationship } from '../../../src/domain/metrics/view.js';
import { decayExample, exampleDay } from './decay-example.js';
import { asOf, day, mutualInterest, rules } from './timeline.js';
import { on } from '../../support/events.js';

describe('a relationship as the API shows it', () => {
  it('describes a courtship: phase, history, readiness and open questions, without a decay trend', () => {
    const events = [...mutualInterest(), on(day(3), 'QuestionAsked', 'PROSPECT', { questionId: 'q1', topic: 'PRICING' })];
    const view = describeRelationship(asOf(events, 5), day(5), rules);
    expect(view).toMatchObject({
      accountName: 'Northwind Logistics',
      asOf: '2025-01-11T09:00:00.000Z',
      phase: 'DATING',
      phaseSince: '2025-01-08T09:00:00.000Z',
      cycle: 1,
      version: 3,
      timeToProposal: null,
      decay: null,
      flags: [],
      openQuestions: [{ questionId: 'q1', topic: 'PRICING', askedAt: '2025-01-09T09:00:00.000Z', age: { iso: 'P2D' } }],
    });
    expect(view.phaseHistory).toEqual([
      {
        from: 'ATTRACTION',
        to: 'DATING',
        at: '2025-01-08T09:00:00.000Z',
        cycle: 1,
        cause: { kind: 'EVENT', eventType: 'InterestSignaled', revision: 2 },
        // Folded from events without record times: not known when it became known.
        recordedAt: null,
      },
    ]);
    expect(view.readiness?.reasons.map((r) => r.code)).toEqual(['OPEN_QUESTIONS']);
  });

  it('describes a decaying marriage with its weekly scores, flags and family', () => {
    const view = describeRelationship(asOf(decayExample, exampleDay), day(exampleDay), rules);
    expect(view.readiness).toBeNull();
    expect(view.decay).toMatchObject({ status: 'DECAYING', score: 28.76, slope: -10.87 });
    expect(view.decay?.weeks.at(-1)).toEqual({ endsAt: '2025-05-12T09:00:00.000Z', score: 28.76 });
    expect(view.flags).toEqual(['COMPETITOR_CONTACT']);
    expect(view.stakeholders.map((s) => [s.stakeholderId, s.stance])).toEqual([
      ['cfo', 'SUPPORTIVE'],
      ['cio', 'NEUTRAL'],
    ]);
  });

  it('is plain JSON: it survives a round trip unchanged', () => {
    const view = describeRelationship(asOf(decayExample, exampleDay), day(exampleDay), rules);
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
  });
});
