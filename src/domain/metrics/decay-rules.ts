/**
 * The tunable part of the decay trend (docs/DECAY.md explains every number).
 *
 * The core rules embed this object as `rules.decay`, so a "what if" replay can
 * change how health is scored without touching stored history.
 */
import { z } from 'zod';

/** The signals the essay names; each one yields a health fraction in 0..1. */
export const DECAY_SIGNALS = [
  'touchpointRecency',
  'touchpointCadence',
  'supportLoad',
  'supportScope',
  'upsell',
  'competitorContact',
  'vetoStance',
] as const;
export type DecaySignal = (typeof DECAY_SIGNALS)[number];

const nonNegative = z.number().finite().nonnegative();
const positive = z.number().finite().positive();
const fraction = z.number().finite().min(0).max(1);

const weightsSchema = z
  .object(Object.fromEntries(DECAY_SIGNALS.map((signal) => [signal, nonNegative])) as Record<DecaySignal, typeof nonNegative>)
  .strict()
  .refine((weights) => Object.values(weights).some((w) => w > 0), {
    message: 'at least one decay signal needs a positive weight',
  });

export const decayRulesSchema = z
  .object({
    /** Relative importance of each signal; normalised so the weights sum to 100 points. */
    weights: weightsSchema,
    /** The first days after signing, whose vendor cadence is the customer's normal. */
    baselineDays: positive,
    /** Trailing window, ending at each week's end, for cadence and support cases. */
    windowDays: positive,
    /** Floor for the baseline cadence (touchpoints per week), so a quiet start is not a zero divisor. */
    minBaselinePerWeek: positive,
    /** Days since the vendor last showed up: full health up to `fullDays`, none from `zeroDays`. */
    recency: z
      .object({ fullDays: nonNegative, zeroDays: positive })
      .strict()
      .refine((r) => r.zeroDays > r.fullDays, { message: 'zeroDays must be greater than fullDays', path: ['zeroDays'] }),
    /** Points of load each case severity adds while the case is in the window. */
    severityLoad: z.object({ LOW: nonNegative, MEDIUM: nonNegative, HIGH: nonNegative, CRITICAL: nonNegative }).strict(),
    /** Load at which the support signal is at half health. */
    supportLoadHalf: positive,
    /** How worrying a case's scope is, from 0 (a how-to question) to 1 (asking how to cancel). */
    scopeConcern: z
      .object({
        HOW_TO: fraction,
        DEFECT: fraction,
        OUTAGE: fraction,
        BILLING: fraction,
        CANCELLATION_INQUIRY: fraction,
        OTHER: fraction,
      })
      .strict(),
    /** Up-sells decided (won or lost) within this many days count. */
    upsellWindowDays: positive,
    /** Pseudo-count added to both won and lost: no up-sell at all scores one half. */
    upsellPrior: positive,
    /** A competitor contact costs everything at once and is forgiven linearly over this many days. */
    competitorMemoryDays: positive,
    /** Health of a veto holder's stance. */
    stanceHealth: z.object({ SUPPORTIVE: fraction, NEUTRAL: fraction, OPPOSED: fraction }).strict(),
    /** Weekly scores used for the slope (the brief: the last 8 weeks). */
    trendWeeks: z.number().int().min(2).max(104),
    /** Slope (points per week) at or beyond which the trend is IMPROVING or DECAYING. */
    slopeThreshold: positive,
  })
  .strict();

export type DecayRules = z.infer<typeof decayRulesSchema>;

export const defaultDecayRules: DecayRules = {
  weights: {
    touchpointRecency: 25,
    touchpointCadence: 15,
    supportLoad: 15,
    supportScope: 10,
    upsell: 15,
    competitorContact: 10,
    vetoStance: 10,
  },
  baselineDays: 90,
  windowDays: 28,
  minBaselinePerWeek: 0.25,
  recency: { fullDays: 14, zeroDays: 60 },
  severityLoad: { LOW: 1, MEDIUM: 2, HIGH: 4, CRITICAL: 8 },
  supportLoadHalf: 8,
  scopeConcern: { HOW_TO: 0, OTHER: 0.2, BILLING: 0.3, DEFECT: 0.5, OUTAGE: 0.8, CANCELLATION_INQUIRY: 1 },
  upsellWindowDays: 180,
  upsellPrior: 1,
  competitorMemoryDays: 90,
  stanceHealth: { SUPPORTIVE: 1, NEUTRAL: 0.5, OPPOSED: 0 },
  trendWeeks: 8,
  slopeThreshold: 1.5,
};
