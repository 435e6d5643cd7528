/**
 * Thresholds of the risk flags that are not phase rules, embedded in the core
 * rules as `rules.flags`, like `rules.decay`.
 */
import { z } from 'zod';

export const flagRulesSchema = z
  .object({
    /** UNANSWERED_QUESTIONS: a question open longer than this many days. */
    unansweredQuestionDays: z.number().finite().positive(),
  })
  .strict();

export type FlagRules = z.infer<typeof flagRulesSchema>;

export const defaultFlagRules: FlagRules = { unansweredQuestionDays: 7 };
