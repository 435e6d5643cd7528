/**
 * The decay trend of a marriage (docs/DECAY.md): a health score for each week
 * ending at T, the least-squares slope of the last weeks, a status, and the
 * drivers that explain the latest score.
 */
import type { RelationshipState } from '../state.js';
import { DECAY_SIGNALS, type DecayRules, type DecaySignal } from './decay-rules.js';
import { signalHealth, signalRecords, type SignalHealth } from './decay-signals.js';
import { WEEK_MS } from './duration.js';
import { currentMarriage } from './marriage.js';

export type DecayStatus = 'IMPROVING' | 'STABLE' | 'DECAYING';

export interface WeeklyScore {
  /** Epoch ms: the instant the week ends, at which it is scored. */
  readonly endsAt: number;
  /** 0..100, rounded to 2 decimals. */
  readonly score: number;
}

export interface DecayDriver {
  readonly signal: DecaySignal;
  /** Points this signal takes off a perfect 100 in the latest week (≥ 0, 2 decimals). */
  readonly impact: number;
}

export interface DecayTrend {
  readonly status: DecayStatus;
  /** Least-squares slope of the weekly scores, points per week (2 decimals). */
  readonly slope: number;
  /** The latest week's score. */
  readonly score: number;
  /** Sorted by impact, largest first; ties in the signals' documented order. */
  readonly drivers: DecayDriver[];
  /** Oldest first; only weeks ending after the signing; at most `trendWeeks`. */
  readonly weeks: WeeklyScore[];
}

/**
 * The trend at T, or null when the current cycle has not reached marriage.
 * After a divorce, the trend is the one the marriage ended with (scored at
 * the divorce instant): that is what the analysts' decay cohorts compare.
 */
export function decayTrend(state: RelationshipState, T: number, rules: { decay: DecayRules }): DecayTrend | null {
  const scored = weeklyScores(state, T, rules.decay);
  if (scored === null) return null;
  const { endsAt, scores, latestHealth, points } = scored;
  const weeks = endsAt.map((at, k): WeeklyScore => ({ endsAt: at, score: round2(scores[k]!) }));
  const slope = round2(leastSquaresSlope(scores));
  return {
    status: statusOf(slope, rules.decay),
    slope,
    score: weeks[weeks.length - 1]!.score,
    drivers: drivers(latestHealth, points),
    weeks,
  };
}

/**
 * The trend's status and latest score alone, as `decayTrend` gives them, for
 * a caller that writes them at many instants (the snapshots table): no
 * drivers, no weekly objects.
 */
export function decayStatusAt(state: RelationshipState, T: number, rules: { decay: DecayRules }): { status: DecayStatus; score: number } | null {
  const scored = weeklyScores(state, T, rules.decay);
  if (scored === null) return null;
  const { scores } = scored;
  return { status: statusOf(round2(leastSquaresSlope(scores)), rules.decay), score: round2(scores[scores.length - 1]!) };
}

/** Each week's score (unrounded, oldest first) and when it ends, with the latest week's health; null without a marriage by T. */
function weeklyScores(
  state: RelationshipState,
  T: number,
  decay: DecayRules,
): { endsAt: number[]; scores: number[]; latestHealth: SignalHealth; points: Record<DecaySignal, number> } | null {
  const marriage = currentMarriage(state);
  if (marriage === null) return null;
  const latest = marriage.endedAt === null ? T : Math.min(T, marriage.endedAt);
  // Signed after T (an event may be dated a few minutes ahead of the clock): not married yet at T.
  if (latest < marriage.signedAt) return null;
  const points = normalisedWeights(decay);
  const records = signalRecords(state);
  const endsAt: number[] = [];
  const scores: number[] = [];
  let latestHealth: SignalHealth | null = null;
  for (let k = decay.trendWeeks - 1; k >= 0; k--) {
    const at = latest - k * WEEK_MS;
    if (at < marriage.signedAt) continue;
    latestHealth = signalHealth(state, marriage, at, decay, records);
    endsAt.push(at);
    scores.push(scoreOf(latestHealth, points));
  }
  return { endsAt, scores, latestHealth: latestHealth!, points };
}

export function statusOf(slope: number, decay: DecayRules): DecayStatus {
  return slope <= -decay.slopeThreshold ? 'DECAYING' : slope >= decay.slopeThreshold ? 'IMPROVING' : 'STABLE';
}

/** Each signal's share of 100 points, once per rules object (a trend is scored for every relationship, at many instants). */
const WEIGHTS = new WeakMap<DecayRules, Record<DecaySignal, number>>();

export function normalisedWeights(decay: DecayRules): Record<DecaySignal, number> {
  let points = WEIGHTS.get(decay);
  if (points === undefined) {
    points = Object.freeze(weightsOf(decay));
    WEIGHTS.set(decay, points);
  }
  return points;
}

function weightsOf(decay: DecayRules): Record<DecaySignal, number> {
  const total = DECAY_SIGNALS.reduce((sum, signal) => sum + decay.weights[signal], 0);
  return Object.fromEntries(DECAY_SIGNALS.map((signal) => [signal, (100 * decay.weights[signal]) / total])) as Record<
    DecaySignal,
    number
  >;
}

function scoreOf(health: SignalHealth, points: Record<DecaySignal, number>): number {
  // A loop, not a reduce with a closure: a trend scores every week, for every relationship.
  let sum = 0;
  for (const signal of DECAY_SIGNALS) sum += points[signal] * health[signal];
  return sum;
}

function drivers(health: SignalHealth, points: Record<DecaySignal, number>): DecayDriver[] {
  return DECAY_SIGNALS.map((signal) => ({ signal, impact: round2(points[signal] * (1 - health[signal])) })).sort(
    (a, b) => b.impact - a.impact || DECAY_SIGNALS.indexOf(a.signal) - DECAY_SIGNALS.indexOf(b.signal),
  );
}

/** Slope of y over x = 0, 1, 2… (one step per week); 0 with fewer than two points. */
export function leastSquaresSlope(ys: readonly number[]): number {
  const n = ys.length;
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  const meanY = ys.reduce((sum, y) => sum + y, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return num / den;
}

export function round2(x: number): number {
  const rounded = Math.round(x * 100) / 100;
  return rounded === 0 ? 0 : rounded;
}
