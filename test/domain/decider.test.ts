/**
 * The domain's shape (src/domain/decider.ts, refusals.ts): one decider with
 * decide, evolve and an initial state, and one table of refusal texts that
 * covers every refusal code.
 */
import { describe, expect, it } from 'vitest';
import { relationshipDecider } from '../../src/domain/index.js';
import { DomainError, DOMAIN_ERROR_CODES } from '../../src/domain/errors.js';
import { has } from '../../src/domain/records.js';
import { REFUSALS } from '../../src/domain/refusals.js';
import { defaultRules } from '../../src/domain/rules.js';
import { at, opened, questionAnswered, questionAsked } from '../support/events.js';

const context = { now: at('2025-03-10'), rules: defaultRules };

describe('the relationship decider', () => {
  it('decides from the initial state and evolves what it decided into the next state', () => {
    const { decide, evolve, initialState } = relationshipDecider;
    const start = initialState('r1');
    const events = decide({ relationshipId: 'r1', events: [opened('2025-03-01'), questionAsked('q1', '2025-03-02')] }, start, context);
    const state = events.reduce((folded, event) => evolve(folded, event), start);
    expect(state.phase).not.toBeNull();
    expect(has(state.questions, 'q1')).toBe(true);
    expect(() => decide({ relationshipId: 'r1', events: [questionAnswered('q2', '2025-03-03')] }, state, context)).toThrow(DomainError);
  });
});

describe('the refusal texts', () => {
  it('has one text for every refusal code, and none for malformed input (its text comes from the schemas)', () => {
    const malformed = ['INVALID_EVENT', 'UNKNOWN_EVENT_TYPE', 'INVALID_RULES'];
    expect(Object.keys(REFUSALS).sort()).toEqual(DOMAIN_ERROR_CODES.filter((code) => !malformed.includes(code)).sort());
  });

  it("gives the refusal decide makes, naming the event's field", () => {
    const { decide, evolve, initialState } = relationshipDecider;
    const state = evolve(initialState('r1'), opened('2025-03-01'));
    let refusal: unknown;
    try {
      decide({ relationshipId: 'r1', events: [questionAnswered('q9', '2025-03-03')] }, state, context);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({
      code: 'QUESTION_NOT_ASKED',
      field: 'events[0].data.questionId',
      message: 'events[0] refused: question "q9" was never asked, so it cannot be answered.',
    });
  });
});
