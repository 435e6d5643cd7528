import { describe, expect, it } from 'vitest';
import { responsiveness } from '../../../src/domain/metrics/responsiveness.js';
import { asOf, day, mutualInterest } from './timeline.js';
import { on } from '../../support/events.js';

const asked = (d: number, questionId: string) => on(day(d), 'QuestionAsked', 'PROSPECT', { questionId, topic: 'TECHNOLOGY' });
const answered = (d: number, questionId: string) => on(day(d), 'QuestionAnswered', 'VENDOR', { questionId });

describe('how responsive the vendor is', () => {
  it('has nothing to say before the first question', () => {
    expect(responsiveness(asOf(mutualInterest(), 5), day(5))).toEqual({ openQuestions: 0, oldestOpenAge: null, medianTimeToAnswer: null });
  });

  it('counts the questions still waiting and how long the oldest has waited', () => {
    const events = [...mutualInterest(), asked(3, 'q1'), asked(4, 'q2'), asked(5, 'q3'), answered(6, 'q2')];
    const result = responsiveness(asOf(events, 10), day(10));
    expect(result.openQuestions).toBe(2);
    expect(result.oldestOpenAge?.iso).toBe('P7D');
  });

  it('takes the median time to answer over the answered questions (the middle one of an odd count)', () => {
    const events = [...mutualInterest(), asked(3, 'q1'), asked(3, 'q2'), asked(3, 'q3'), answered(4, 'q1'), answered(5, 'q2'), answered(13, 'q3')];
    expect(responsiveness(asOf(events, 14), day(14)).medianTimeToAnswer?.iso).toBe('P2D');
  });

  it('averages the two middle answer times of an even count', () => {
    const events = [...mutualInterest(), asked(3, 'q1'), asked(3, 'q2'), answered(4, 'q1'), answered(6, 'q2')];
    expect(responsiveness(asOf(events, 7), day(7)).medianTimeToAnswer).toEqual({ seconds: 2 * 86_400, days: 2, iso: 'P2D' });
  });
});
