/**
 * A marriage's decay inputs: only what the signals (decay-signals.ts) read,
 * packed in one Float64Array, and a scorer over them that gives exactly the
 * status and latest score of `decayStatusAt` on the state they came from, at
 * any instant (docs/DECAY.md, "Decay inputs").
 *
 * Every input carries its business time, so scoring at T reads only those at
 * or before T, as the signals do. Layout (all epoch ms unless said):
 *   header: signedAt, endedAt (NaN while the marriage lasts), and the counts
 *           of touchpoints, cases, up-sells, competitor contacts, veto holders;
 *   touchpoints at or after the signing, ascending;
 *   this cycle's support cases, in the state's order: openedAt, closedAt
 *           (Infinity while open), severity and scope (indexes in SEVERITIES, SCOPES);
 *   this cycle's decided up-sells: closedAt, 1 for WON / 0 for LOST;
 *   competitor contacts at or after the signing, ascending;
 *   veto holders: introducedAt, stance (index in STANCES), stanceChangedAt
 *           (-Infinity when it never changed).
 */
import { SCOPES, SEVERITIES, STANCES } from '../events.js';
import type { RelationshipState } from '../state.js';
import { normalisedWeights, round2, statusOf, type DecayStatus } from './decay.js';
import type { DecayRules } from './decay-rules.js';
import { DAY_MS, WEEK_MS } from './duration.js';
import { currentMarriage } from './marriage.js';

export type DecayInputs = Float64Array;

/** The layout's sizes (see above): the header, and the numbers of one case, up-sell and veto holder. */
export const HEADER = 7;
export const CASE = 4;
export const UPSELL = 2;
export const VETO = 3;
export const NEUTRAL = STANCES.indexOf('NEUTRAL');

/** The decay inputs of the state's current marriage; null when its current cycle has not married. */
export function decayInputsOf(state: RelationshipState): DecayInputs | null {
  const marriage = currentMarriage(state);
  if (marriage === null) return null;
  const { signedAt } = marriage;
  const { cycle } = state;
  // Counted first, then written straight into the array: the projector packs every married relationship it rewrites.
  let touchpoints = 0;
  for (const { at } of state.vendorTouchpoints) if (at >= signedAt) touchpoints++;
  let contacts = 0;
  for (const { at } of state.competitorContacts) if (at >= signedAt) contacts++;
  const cases = Object.values(state.supportCases).filter((c) => c.cycle === cycle);
  const upsells = Object.values(state.upsells).filter((u) => u.cycle === cycle && u.closedAt !== null && (u.status === 'WON' || u.status === 'LOST'));
  const vetoes = Object.values(state.stakeholders).filter((s) => s.hasVeto);
  const inputs = new Float64Array(HEADER + touchpoints + CASE * cases.length + UPSELL * upsells.length + contacts + VETO * vetoes.length);
  inputs[0] = signedAt;
  inputs[1] = marriage.endedAt ?? NaN;
  inputs[2] = touchpoints;
  inputs[3] = cases.length;
  inputs[4] = upsells.length;
  inputs[5] = contacts;
  inputs[6] = vetoes.length;
  let i = HEADER;
  for (const { at } of state.vendorTouchpoints) if (at >= signedAt) inputs[i++] = at;
  inputs.subarray(HEADER, i).sort();
  for (const c of cases) {
    inputs[i++] = c.openedAt;
    inputs[i++] = c.closedAt ?? Infinity;
    inputs[i++] = SEVERITIES.indexOf(c.severity);
    inputs[i++] = SCOPES.indexOf(c.scope);
  }
  for (const u of upsells) {
    inputs[i++] = u.closedAt!;
    inputs[i++] = u.status === 'WON' ? 1 : 0;
  }
  const contactsStart = i;
  for (const { at } of state.competitorContacts) if (at >= signedAt) inputs[i++] = at;
  inputs.subarray(contactsStart, i).sort();
  for (const s of vetoes) {
    inputs[i++] = s.introducedAt;
    inputs[i++] = STANCES.indexOf(s.stance);
    inputs[i++] = s.stanceChangedAt ?? -Infinity;
  }
  return inputs;
}

/** The rules' numbers as arrays indexed like the inputs, once per rules object. */
export interface Tables {
  readonly points: Float64Array;
  readonly severityLoad: Float64Array;
  readonly scopeConcern: Float64Array;
  readonly stanceHealth: Float64Array;
}

const TABLES = new WeakMap<DecayRules, Tables>();

export function tablesOf(decay: DecayRules): Tables {
  let tables = TABLES.get(decay);
  if (tables === undefined) {
    const p = normalisedWeights(decay);
    tables = {
      points: Float64Array.of(p.touchpointRecency, p.touchpointCadence, p.supportLoad, p.supportScope, p.upsell, p.competitorContact, p.vetoStance),
      severityLoad: Float64Array.from(SEVERITIES, (s) => decay.severityLoad[s]),
      scopeConcern: Float64Array.from(SCOPES, (s) => decay.scopeConcern[s]),
      stanceHealth: Float64Array.from(STANCES, (s) => decay.stanceHealth[s]),
    };
    TABLES.set(decay, tables);
  }
  return tables;
}

/** The weekly scores of one trend (at most 104 weeks): reused, scoring runs on one thread at a time. */
const SCORES = new Float64Array(104);

/** A trend as the scorer writes it: reused by a caller that scores many marriages, so that none allocates. */
export interface TrendOut {
  status: DecayStatus;
  score: number;
}

/** `decayStatusAt` of the state the inputs came from, at T. */
export function decayStatusOfInputs(inputs: DecayInputs, T: number, rules: { decay: DecayRules }): { status: DecayStatus; score: number } | null {
  const out: TrendOut = { status: 'STABLE', score: 0 };
  return scoreInputsInto(inputs, 0, T, rules, out) ? out : null;
}

/**
 * `decayStatusOfInputs` of the inputs that start at `offset` of `array`
 * (many marriages' inputs packed one after another), written into `out`
 * without allocating; false, and `out` untouched, when there is no trend at T.
 */
export function scoreInputsInto(array: Float64Array, offset: number, T: number, rules: { decay: DecayRules }, out: TrendOut): boolean {
  const decay = rules.decay;
  const signedAt = array[offset]!;
  const endedAt = array[offset + 1]!;
  const latest = Number.isNaN(endedAt) ? T : Math.min(T, endedAt);
  if (latest < signedAt) return false;
  const tables = tablesOf(decay);
  let n = 0;
  for (let k = decay.trendWeeks - 1; k >= 0; k--) {
    const at = latest - k * WEEK_MS;
    if (at < signedAt) continue;
    SCORES[n++] = scoreAt(array, offset, at, decay, tables);
  }
  out.status = statusOf(round2(slopeOf(n)), decay);
  out.score = round2(SCORES[n - 1]!);
  return true;
}

/** How many numbers the inputs that start at `offset` of `array` take. */
export function decayInputsLength(array: Float64Array, offset = 0): number {
  return HEADER + array[offset + 2]! + CASE * array[offset + 3]! + UPSELL * array[offset + 4]! + array[offset + 5]! + VETO * array[offset + 6]!;
}

/** The latest score (rounded) of `decayStatusOfInputs` at T alone, without the weeks before it: what a list orders on. */
export function decayScoreOfInputs(inputs: DecayInputs, T: number, rules: { decay: DecayRules }): number | null {
  const endedAt = inputs[1]!;
  const latest = Number.isNaN(endedAt) ? T : Math.min(T, endedAt);
  if (latest < inputs[0]!) return null;
  return round2(scoreAt(inputs, 0, latest, rules.decay, tablesOf(rules.decay)));
}

/** `leastSquaresSlope` (decay.ts) of the first n weekly scores, in the same order of operations. */
function slopeOf(n: number): number {
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  let sumY = 0;
  for (let x = 0; x < n; x++) sumY += SCORES[x]!;
  const meanY = sumY / n;
  let num = 0;
  let den = 0;
  for (let x = 0; x < n; x++) {
    num += (x - meanX) * (SCORES[x]! - meanY);
    den += (x - meanX) ** 2;
  }
  return num / den;
}

/** The score at one week's end: each signal as decay-signals.ts computes it, summed in DECAY_SIGNALS order. */
function scoreAt(inputs: Float64Array, offset: number, at: number, decay: DecayRules, tables: Tables): number {
  const signedAt = inputs[offset]!;
  const c = countsAt(inputs, offset, at, decay, tables);
  const { fullDays, zeroDays } = decay.recency;
  const recency = clamp01(1 - ((at - c.last) / DAY_MS - fullDays) / (zeroDays - fullDays));
  const baselineEnd = Math.min(signedAt + decay.baselineDays * DAY_MS, at);
  const baselineRate = Math.max(c.baseline / weeksAtLeastOne(baselineEnd - signedAt), decay.minBaselinePerWeek);
  const windowStart = at - decay.windowDays * DAY_MS;
  const cadence = clamp01(c.recent / weeksAtLeastOne(at - Math.max(windowStart, signedAt)) / baselineRate);
  const competitor = c.contact === -Infinity ? 1 : clamp01((at - c.contact) / (decay.competitorMemoryDays * DAY_MS));

  const p = tables.points;
  let sum = 0;
  sum += p[0]! * recency;
  sum += p[1]! * cadence;
  sum += p[2]! * c.supportLoad;
  sum += p[3]! * c.supportScope;
  sum += p[4]! * c.upsell;
  sum += p[5]! * competitor;
  sum += p[6]! * c.veto;
  return sum;
}

/**
 * What the signals read from a marriage's inputs at one instant: the touchpoint counts, and the signals that only
 * step with facts (decay-signals.ts). The signals that move with the instant itself (recency, cadence, competitor)
 * are the caller's, from `last`, `baseline`, `recent` and `contact`.
 */
export interface InputCounts {
  /** The last touchpoint at or before the instant (the signature when none). */
  last: number;
  /** Touchpoints in the baseline period, and in the window ending at the instant. */
  baseline: number;
  recent: number;
  supportLoad: number;
  supportScope: number;
  upsell: number;
  /** The last competitor contact at or before the instant (-Infinity when none). */
  contact: number;
  veto: number;
}

const COUNTS: InputCounts = { last: 0, baseline: 0, recent: 0, supportLoad: 0, supportScope: 0, upsell: 0, contact: 0, veto: 0 };

/** The counts of the inputs at `offset` of `inputs` at instant `at`: one shared object, valid until the next call (no allocation per week scored). */
export function countsAt(inputs: Float64Array, offset: number, at: number, decay: DecayRules, tables: Tables): Readonly<InputCounts> {
  const signedAt = inputs[offset]!;
  const touchEnd = offset + HEADER + inputs[offset + 2]!;
  const casesEnd = touchEnd + CASE * inputs[offset + 3]!;
  const upsellsEnd = casesEnd + UPSELL * inputs[offset + 4]!;
  const contactsEnd = upsellsEnd + inputs[offset + 5]!;
  const vetoEnd = contactsEnd + VETO * inputs[offset + 6]!;
  const windowStart = at - decay.windowDays * DAY_MS;

  // touchpointRecency and touchpointCadence (ascending: stop at the first after `at`).
  const baselineEnd = Math.min(signedAt + decay.baselineDays * DAY_MS, at);
  let last = signedAt;
  let baseline = 0;
  let recent = 0;
  for (let i = offset + HEADER; i < touchEnd; i++) {
    const t = inputs[i]!;
    if (t > at) break;
    if (t > last) last = t;
    if (t <= baselineEnd) baseline += 1;
    if (t > windowStart) recent += 1;
  }

  // supportLoad and supportScope.
  let load = 0;
  let count = 0;
  let concern = 0;
  for (let i = touchEnd; i < casesEnd; i += CASE) {
    const openedAt = inputs[i]!;
    if (openedAt > at) continue;
    const recentCase = openedAt > windowStart;
    if (inputs[i + 1]! > at || recentCase) load += tables.severityLoad[inputs[i + 2]!]!;
    if (recentCase) {
      count += 1;
      concern += tables.scopeConcern[inputs[i + 3]!]!;
    }
  }

  // upsell.
  const upsellStart = at - decay.upsellWindowDays * DAY_MS;
  let won = 0;
  let lost = 0;
  for (let i = casesEnd; i < upsellsEnd; i += UPSELL) {
    const closedAt = inputs[i]!;
    if (closedAt > at || closedAt <= upsellStart) continue;
    if (inputs[i + 1] === 1) won += 1;
    else lost += 1;
  }

  // competitorContact (ascending: the last one at or before `at`).
  let contact = -Infinity;
  for (let i = upsellsEnd; i < contactsEnd && inputs[i]! <= at; i++) contact = inputs[i]!;

  // vetoStance.
  let veto = 1;
  for (let i = contactsEnd; i < vetoEnd; i += VETO) {
    if (inputs[i]! > at) continue;
    const stance = inputs[i + 2]! > at ? NEUTRAL : inputs[i + 1]!;
    veto = Math.min(veto, tables.stanceHealth[stance]!);
  }

  COUNTS.last = last;
  COUNTS.baseline = baseline;
  COUNTS.recent = recent;
  COUNTS.supportLoad = decay.supportLoadHalf / (decay.supportLoadHalf + load);
  COUNTS.supportScope = count === 0 ? 1 : clamp01(1 - concern / count);
  COUNTS.upsell = (won + decay.upsellPrior) / (won + lost + 2 * decay.upsellPrior);
  COUNTS.contact = contact;
  COUNTS.veto = veto;
  return COUNTS;
}

export function weeksAtLeastOne(ms: number): number {
  return Math.max(ms, WEEK_MS) / WEEK_MS;
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
