/**
 * The health of a marriage at one instant, signal by signal (docs/DECAY.md).
 *
 * Each signal is a fraction in 0..1 (1 = healthy) computed only from facts at
 * or before the instant, so that every past week is scored as it stood then.
 */
import type { RelationshipState } from '../state.js';
import type { DecayRules, DecaySignal } from './decay-rules.js';
import { DAY_MS, WEEK_MS } from './duration.js';
import type { Marriage } from './marriage.js';

export type SignalHealth = Record<DecaySignal, number>;

/** The id-keyed records the signals read, as lists: gathered once to score a state at several instants (a trend's weeks). */
export interface SignalRecords {
  readonly supportCases: readonly RelationshipState['supportCases'][string][];
  readonly upsells: readonly RelationshipState['upsells'][string][];
  readonly stakeholders: readonly RelationshipState['stakeholders'][string][];
}

export function signalRecords(state: RelationshipState): SignalRecords {
  return { supportCases: Object.values(state.supportCases), upsells: Object.values(state.upsells), stakeholders: Object.values(state.stakeholders) };
}

export function signalHealth(
  state: RelationshipState,
  marriage: Marriage,
  at: number,
  rules: DecayRules,
  records: SignalRecords = signalRecords(state),
): SignalHealth {
  return {
    touchpointRecency: touchpointRecency(state, marriage, at, rules),
    touchpointCadence: touchpointCadence(state, marriage, at, rules),
    supportLoad: supportLoad(state, records, at, rules),
    supportScope: supportScope(state, records, at, rules),
    upsell: upsell(state, records, at, rules),
    competitorContact: competitorContact(state, marriage, at, rules),
    vetoStance: vetoStance(records, at, rules),
  };
}

/** Days since the vendor's last touchpoint (or the signing): full health up to fullDays, none from zeroDays. */
function touchpointRecency(state: RelationshipState, marriage: Marriage, at: number, rules: DecayRules): number {
  let last = marriage.signedAt;
  for (const touchpoint of state.vendorTouchpoints) {
    if (touchpoint.at <= at && touchpoint.at > last) last = touchpoint.at;
  }
  const days = (at - last) / DAY_MS;
  const { fullDays, zeroDays } = rules.recency;
  return clamp01(1 - (days - fullDays) / (zeroDays - fullDays));
}

/**
 * Touchpoints per week in the trailing window, against the rate of the first
 * `baselineDays` after signing (the customer's normal). Both spans count at
 * least one week, so a single call on the first day is not a huge rate.
 */
function touchpointCadence(state: RelationshipState, marriage: Marriage, at: number, rules: DecayRules): number {
  const baselineEnd = Math.min(marriage.signedAt + rules.baselineDays * DAY_MS, at);
  const windowStart = at - rules.windowDays * DAY_MS;
  let baseline = 0;
  let recent = 0;
  for (const { at: t } of state.vendorTouchpoints) {
    if (t < marriage.signedAt || t > at) continue;
    if (t <= baselineEnd) baseline += 1;
    if (t > windowStart) recent += 1;
  }
  const baselineRate = Math.max(baseline / weeksAtLeastOne(baselineEnd - marriage.signedAt), rules.minBaselinePerWeek);
  const recentRate = recent / weeksAtLeastOne(at - Math.max(windowStart, marriage.signedAt));
  return clamp01(recentRate / baselineRate);
}

/** Cases open at the instant or opened in the window, weighted by severity; half health at supportLoadHalf. */
function supportLoad(state: RelationshipState, records: SignalRecords, at: number, rules: DecayRules): number {
  const windowStart = at - rules.windowDays * DAY_MS;
  let load = 0;
  for (const c of records.supportCases) {
    if (c.cycle !== state.cycle || c.openedAt > at) continue;
    const openAtInstant = c.closedAt === null || c.closedAt > at;
    if (openAtInstant || c.openedAt > windowStart) load += rules.severityLoad[c.severity];
  }
  return rules.supportLoadHalf / (rules.supportLoadHalf + load);
}

/** One minus the mean scope concern of the cases opened in the window: how-to questions turning into defects, outages, cancellation inquiries. */
function supportScope(state: RelationshipState, records: SignalRecords, at: number, rules: DecayRules): number {
  const windowStart = at - rules.windowDays * DAY_MS;
  let count = 0;
  let concern = 0;
  for (const c of records.supportCases) {
    if (c.cycle !== state.cycle || c.openedAt > at || c.openedAt <= windowStart) continue;
    count += 1;
    concern += rules.scopeConcern[c.scope];
  }
  return count === 0 ? 1 : clamp01(1 - concern / count);
}

/** Up-sells won vs lost, decided within the window, with a prior: none at all is one half ("up-sell opportunities dry up"). */
function upsell(state: RelationshipState, records: SignalRecords, at: number, rules: DecayRules): number {
  const windowStart = at - rules.upsellWindowDays * DAY_MS;
  let won = 0;
  let lost = 0;
  for (const u of records.upsells) {
    if (u.cycle !== state.cycle || u.closedAt === null || u.closedAt > at || u.closedAt <= windowStart) continue;
    if (u.status === 'WON') won += 1;
    else if (u.status === 'LOST') lost += 1;
  }
  return (won + rules.upsellPrior) / (won + lost + 2 * rules.upsellPrior);
}

/** The last competitor contact of this marriage costs everything at once, forgiven linearly over competitorMemoryDays. */
function competitorContact(state: RelationshipState, marriage: Marriage, at: number, rules: DecayRules): number {
  let last: number | null = null;
  for (const contact of state.competitorContacts) {
    if (contact.at < marriage.signedAt || contact.at > at) continue;
    if (last === null || contact.at > last) last = contact.at;
  }
  return last === null ? 1 : clamp01((at - last) / (rules.competitorMemoryDays * DAY_MS));
}

/**
 * The least convinced veto holder's stance: a veto is only as safe as its
 * weakest holder. No veto holder at all is healthy.
 *
 * The state keeps each stakeholder's current stance and when it last changed,
 * not the whole history: a stance changed after the instant is read as
 * NEUTRAL (every stakeholder's stance before their first change), which is
 * exact for stakeholders who changed stance at most once.
 */
function vetoStance(records: SignalRecords, at: number, rules: DecayRules): number {
  let health = 1;
  for (const s of records.stakeholders) {
    if (!s.hasVeto || s.introducedAt > at) continue;
    const stance = s.stanceChangedAt !== null && s.stanceChangedAt > at ? 'NEUTRAL' : s.stance;
    health = Math.min(health, rules.stanceHealth[stance]);
  }
  return health;
}

function weeksAtLeastOne(ms: number): number {
  return Math.max(ms, WEEK_MS) / WEEK_MS;
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
