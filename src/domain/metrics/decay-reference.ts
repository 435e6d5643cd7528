/**
 * A marriage's decay reference: an interval of instants [from, to] and
 * bounds [lo, hi] that hold the rounded latest score (`decayScoreOfInputs`)
 * at every instant of the interval. A list ordered by decay reads the
 * references from an index, best first, and scores exactly only the rows
 * whose bounds can reach its page (docs/DECAY.md, "Decay references").
 *
 * The interval holds no instant where a fact enters the scorer or leaves one
 * of its windows (a touchpoint, a case opened or closed, an up-sell decided,
 * a competitor contact, a veto holder introduced or changing stance, the
 * divorce, and each of these plus the window that counts it): inside it the
 * counts are fixed, and only three signals move, each monotone in the
 * instant: recency falls, competitor health rises, and cadence is a fixed
 * count over one span that grows and a baseline rate that falls. Evaluating
 * each at the interval's ends (with the worst pairing for cadence) bounds the
 * health; the weighted sum is bounded by the sums of the bounds (the weights
 * are non-negative) and rounding to cents is monotone. A margin far above
 * the floating-point error of the sum keeps the bounds safe.
 *
 * A divorced marriage's score is frozen at the divorce: one value from then
 * on, forever.
 */
import { round2 } from './decay.js';
import { CASE, clamp01, countsAt, decayScoreOfInputs, HEADER, tablesOf, UPSELL, VETO, weeksAtLeastOne, type DecayInputs } from './decay-inputs.js';
import type { DecayRules } from './decay-rules.js';
import { DAY_MS } from './duration.js';

export interface DecayReference {
  /** The interval (epoch ms, both ends included) the bounds hold over. */
  readonly from: number;
  readonly to: number;
  /** Bounds on the rounded latest score at any instant of the interval. */
  readonly lo: number;
  readonly hi: number;
}

/** Far beyond any instant asked about (the largest valid Date). */
export const FOREVER = 8.64e15;

/** Far above the rounding error of a sum of seven products of numbers in [0, 100]. */
const MARGIN = 1e-9;

/**
 * The reference of these inputs around R: the interval reaches at most
 * `horizonMs` on either side of R, never starts before `notBefore` (the
 * row's last event: a list evaluates a row at the query's instant only from
 * then), and ends 1 ms short of the nearest instant where a fact enters or
 * leaves the scorer. Null when there is none around R (before the signing,
 * or a fact within a millisecond of R).
 */
export function decayReferenceOf(inputs: DecayInputs, R: number, horizonMs: number, notBefore: number, rules: { decay: DecayRules }): DecayReference | null {
  const signedAt = inputs[0]!;
  const endedAt = inputs[1]!;
  if (!Number.isNaN(endedAt) && endedAt <= R) {
    // Frozen at the divorce: the same score at every instant from then on.
    const score = decayScoreOfInputs(inputs, endedAt, rules);
    return score === null ? null : { from: Math.max(endedAt, notBefore), to: FOREVER, lo: score, hi: score };
  }
  if (R < signedAt) return null;
  const [previous, next] = stepsAround(inputs, R, rules.decay);
  const from = Math.max(previous + 1, R - horizonMs, notBefore);
  const to = Math.min(next - 1, R + horizonMs);
  if (from > to) return null;
  const [lo, hi] = boundsOver(inputs, from, to, rules.decay);
  return { from, to, lo: round2(lo - MARGIN), hi: round2(hi + MARGIN) };
}

/** The last instant at or before R and the first after R where a fact enters or leaves the scorer (the divorce included). */
function stepsAround(inputs: DecayInputs, R: number, decay: DecayRules): [number, number] {
  let previous = inputs[0]!;
  let next = Number.isNaN(inputs[1]!) ? Infinity : inputs[1]!;
  const step = (t: number): void => {
    if (!Number.isFinite(t)) return;
    if (t <= R) previous = Math.max(previous, t);
    else next = Math.min(next, t);
  };
  const window = decay.windowDays * DAY_MS;
  const upsellWindow = decay.upsellWindowDays * DAY_MS;
  const { touchEnd, casesEnd, upsellsEnd, contactsEnd, vetoEnd } = sections(inputs);
  for (let i = HEADER; i < touchEnd; i++) {
    step(inputs[i]!);
    step(inputs[i]! + window);
  }
  for (let i = touchEnd; i < casesEnd; i += CASE) {
    step(inputs[i]!);
    step(inputs[i]! + window);
    step(inputs[i + 1]!);
  }
  for (let i = casesEnd; i < upsellsEnd; i += UPSELL) {
    step(inputs[i]!);
    step(inputs[i]! + upsellWindow);
  }
  for (let i = upsellsEnd; i < contactsEnd; i++) step(inputs[i]!);
  for (let i = contactsEnd; i < vetoEnd; i += VETO) {
    step(inputs[i]!);
    step(inputs[i + 2]!);
  }
  return [previous, next];
}

function sections(inputs: DecayInputs): { touchEnd: number; casesEnd: number; upsellsEnd: number; contactsEnd: number; vetoEnd: number } {
  const touchEnd = HEADER + inputs[2]!;
  const casesEnd = touchEnd + CASE * inputs[3]!;
  const upsellsEnd = casesEnd + UPSELL * inputs[4]!;
  const contactsEnd = upsellsEnd + inputs[5]!;
  return { touchEnd, casesEnd, upsellsEnd, contactsEnd, vetoEnd: contactsEnd + VETO * inputs[6]! };
}

/**
 * Bounds on the unrounded score at every instant of [from, to], an interval
 * without a step (`stepsAround`): the counts are read at `from`, as the
 * scorer (decay-inputs.ts, `scoreAt`) reads them, then the moving signals
 * are taken at whichever end bounds them.
 */
function boundsOver(inputs: DecayInputs, from: number, to: number, decay: DecayRules): [number, number] {
  const tables = tablesOf(decay);
  const signedAt = inputs[0]!;
  const window = decay.windowDays * DAY_MS;
  const { last, baseline, recent, supportLoad, supportScope, upsell, contact, veto } = countsAt(inputs, 0, from, decay, tables);
  const { fullDays, zeroDays } = decay.recency;
  const baselineEndOf = (at: number) => Math.min(signedAt + decay.baselineDays * DAY_MS, at);
  const recencyAt = (at: number) => clamp01(1 - ((at - last) / DAY_MS - fullDays) / (zeroDays - fullDays));
  const baselineRateAt = (at: number) => Math.max(baseline / weeksAtLeastOne(baselineEndOf(at) - signedAt), decay.minBaselinePerWeek);
  const recentWeeksAt = (at: number) => weeksAtLeastOne(at - Math.max(at - window, signedAt));
  // More weeks in the window lower cadence; a lower baseline rate raises it.
  const cadenceLo = clamp01(recent / recentWeeksAt(to) / baselineRateAt(from));
  const cadenceHi = clamp01(recent / recentWeeksAt(from) / baselineRateAt(to));
  const competitorAt = (at: number) => (contact === -Infinity ? 1 : clamp01((at - contact) / (decay.competitorMemoryDays * DAY_MS)));

  const p = tables.points;
  const sum = (recency: number, cadence: number, competitor: number) =>
    p[0]! * recency + p[1]! * cadence + p[2]! * supportLoad + p[3]! * supportScope + p[4]! * upsell + p[5]! * competitor + p[6]! * veto;
  return [sum(recencyAt(to), cadenceLo, competitorAt(from)), sum(recencyAt(from), cadenceHi, competitorAt(to))];
}
