/**
 * Risk flags at T: what a salesperson or a customer-success manager should
 * look at now. PREMATURE_PROPOSAL and SKIPPED_PHASES are facts the events
 * carried (kept by the fold for the current cycle); the others are read from
 * the state and the clock.
 *
 * The clock alone raises three of them (UNANSWERED_QUESTIONS, GOING_SILENT,
 * NEGLECT while married): each is raised at T exactly when T is past a
 * threshold the state gives (`clockFlagThresholds`), so a read model can
 * store the threshold and stay exact at any instant until the next event.
 */
import { isCourtingPhase, RISK_FLAGS, type RiskFlag } from '../events.js';
import type { Rules } from '../rules.js';
import type { RelationshipState } from '../state.js';
import { DAY_MS } from './duration.js';
import { defaultFlagRules, type FlagRules } from './flag-rules.js';
import { currentMarriage } from './marriage.js';

export type FlagsRules = Pick<Rules, 'altarSilenceDays' | 'movedOnSilenceDays' | 'neglectDays'> & {
  readonly flags?: FlagRules;
};

/** The flags the clock raises, and the instant after which (T > it) each is raised; null: not under this state. */
export interface ClockFlagThresholds {
  readonly UNANSWERED_QUESTIONS: number | null;
  readonly GOING_SILENT: number | null;
  readonly NEGLECT: number | null;
}

export const CLOCK_FLAGS = ['UNANSWERED_QUESTIONS', 'GOING_SILENT', 'NEGLECT'] as const satisfies readonly RiskFlag[];

/** The flags raised at T, in the order of RISK_FLAGS. */
export function riskFlags(state: RelationshipState, T: number, rules: FlagsRules): RiskFlag[] {
  if (state.phase === null) return [];
  return flagsRaisedAt(standingFlags(state), clockFlagThresholds(state, rules), T);
}

/** The flags raised at T by a state's standing flags and clock thresholds (a read model keeps both), in the order of RISK_FLAGS. */
export function flagsRaisedAt(standing: readonly RiskFlag[], thresholds: ClockFlagThresholds, T: number): RiskFlag[] {
  const raised = new Set<RiskFlag>(standing);
  for (const flag of CLOCK_FLAGS) {
    const after = thresholds[flag];
    if (after !== null && T > after) raised.add(flag);
  }
  return RISK_FLAGS.filter((flag) => raised.has(flag));
}

/** The flags raised whatever the clock says (until the next event or deadline), in the order of RISK_FLAGS. */
export function standingFlags(state: RelationshipState): RiskFlag[] {
  if (state.phase === null) return [];
  const raised = new Set<RiskFlag>(state.flags);
  if (Object.values(state.stakeholders).some((s) => s.hasVeto && s.stance === 'OPPOSED')) raised.add('VETO_OPPOSED');
  if (state.phase === 'NEGLECTED') raised.add('NEGLECT');
  if (hasCompetitorContact(state)) raised.add('COMPETITOR_CONTACT');
  return RISK_FLAGS.filter((flag) => raised.has(flag));
}

export function clockFlagThresholds(state: RelationshipState, rules: FlagsRules): ClockFlagThresholds {
  return {
    UNANSWERED_QUESTIONS: unansweredQuestionThreshold(state, rules),
    GOING_SILENT: goingSilentThreshold(state, rules),
    NEGLECT: neglectThreshold(state, rules),
  };
}

/** A question open longer than the limit: after the oldest open question's ask plus the limit. */
function unansweredQuestionThreshold(state: RelationshipState, rules: FlagsRules): number | null {
  const limit = (rules.flags ?? defaultFlagRules).unansweredQuestionDays * DAY_MS;
  let oldest: number | null = null;
  for (const q of Object.values(state.questions)) {
    if (q.answeredAt === null && (oldest === null || q.askedAt < oldest)) oldest = q.askedAt;
  }
  return oldest === null ? null : oldest + limit;
}

/**
 * Before marriage, the prospect has been quiet for more than half the silence
 * deadline that applies (moved on while courting, left at the altar once
 * proposed), counted as the deadline counts: from the later of the phase's
 * start and the prospect's last activity.
 */
function goingSilentThreshold(state: RelationshipState, rules: FlagsRules): number | null {
  const { phase, phaseSince } = state;
  if (phase === null || phaseSince === null) return null;
  const days = phase === 'PROPOSED' ? rules.altarSilenceDays : isCourtingPhase(phase) ? rules.movedOnSilenceDays : null;
  if (days === null) return null;
  return later(phaseSince, state.lastProspectActivityAt) + (days * DAY_MS) / 2;
}

/**
 * Married (happily or not) with no vendor event for more than half the
 * neglect threshold (NEGLECTED itself is a standing flag). While MARRIED the
 * silence counts as the NEGLECT deadline does (from the phase's start); while
 * CHEATING, from the signing.
 */
function neglectThreshold(state: RelationshipState, rules: FlagsRules): number | null {
  const { phase, phaseSince } = state;
  if ((phase !== 'MARRIED' && phase !== 'CHEATING') || phaseSince === null) return null;
  const marriage = currentMarriage(state);
  const since = phase === 'MARRIED' ? phaseSince : (marriage?.signedAt ?? phaseSince);
  return later(since, state.lastVendorActivityAt) + (rules.neglectDays * DAY_MS) / 2;
}

/** A rival in the current marriage: a detected competitor contact since the signing, or CHEATING itself. */
function hasCompetitorContact(state: RelationshipState): boolean {
  if (state.phase === 'CHEATING') return true;
  const marriage = currentMarriage(state);
  if (marriage === null) return false;
  return state.competitorContacts.some((c) => c.cycle === state.cycle && c.at >= marriage.signedAt);
}

function later(a: number, b: number | null): number {
  return b !== null && b > a ? b : a;
}
