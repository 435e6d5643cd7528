/**
 * How well the vendor answers: "a customer who waits for an answer becomes
 * cautious". Counts every question the relationship has seen, across cycles.
 */
import type { RelationshipState } from '../state.js';
import { durationBetween, durationOfSeconds, SECOND_MS, type Duration } from './duration.js';

export interface Responsiveness {
  readonly openQuestions: number;
  /** Age at T of the question waiting longest; null when none is open. */
  readonly oldestOpenAge: Duration | null;
  /** Median of asked → answered over answered questions; null when none was answered. */
  readonly medianTimeToAnswer: Duration | null;
}

export function responsiveness(state: RelationshipState, T: number): Responsiveness {
  let openQuestions = 0;
  let oldestAskedAt: number | null = null;
  const answerSeconds: number[] = [];
  for (const id in state.questions) {
    const question = state.questions[id]!;
    if (question.answeredAt === null) {
      openQuestions += 1;
      if (oldestAskedAt === null || question.askedAt < oldestAskedAt) oldestAskedAt = question.askedAt;
    } else {
      answerSeconds.push(Math.floor((question.answeredAt - question.askedAt) / SECOND_MS));
    }
  }
  return {
    openQuestions,
    oldestOpenAge: oldestAskedAt === null ? null : durationBetween(oldestAskedAt, T),
    medianTimeToAnswer: answerSeconds.length === 0 ? null : durationOfSeconds(median(answerSeconds)),
  };
}

/** The middle value; for an even count, the mean of the two middle ones, in whole seconds. */
function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.floor((sorted[mid - 1]! + sorted[mid]!) / 2);
}
