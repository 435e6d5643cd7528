/**
 * Risk flags at T: what a salesperson or a customer-success manager should
 * look at now. PREMATURE_PROPOSAL and SKIPPED_PHASES are facts the events
 * carried (kept by the fold for the current cycle); the others are read from
 * the state and the clock.
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

/** The flags raised at T, in the order of RISK_FLAGS. */
export function riskFlags(state: RelationshipState, T: number, rules: FlagsRules): RiskFlag[] {
  if (state.phase === null) return [];
  const raised = new Set<RiskFlag>(state.flags);
  if (hasUnansweredQuestion(state, T, rules.flags ?? defaultFlagRules)) raised.add('UNANSWERED_QUESTIONS');
  if (Object.values(state.stakeholders).some((s) => s.hasVeto && s.stance === 'OPPOSED')) raised.add('VETO_OPPOSED');
  if (isGoingSilent(state, T, rules)) raised.add('GOING_SILENT');
  if (isNeglected(state, T, rules)) raised.add('NEGLECT');
  if (hasCompetitorContact(state)) raised.add('COMPETITOR_CONTACT');
  return RISK_FLAGS.filter((flag) => raised.has(flag));
}

function hasUnansweredQuestion(state: RelationshipState, T: number, rules: FlagRules): boolean {
  const limit = rules.unansweredQuestionDays * DAY_MS;
  return Object.values(state.questions).some((q) => q.answeredAt === null && T - q.askedAt > limit);
}

/**
 * Before marriage, the prospect has been quiet for more than half the silence
 * deadline that applies (moved on while courting, left at the altar once
 * proposed), counted as the deadline counts: from the later of the phase's
 * start and the prospect's last activity.
 */
function isGoingSilent(state: RelationshipState, T: number, rules: FlagsRules): boolean {
  const { phase, phaseSince } = state;
  if (phase === null || phaseSince === null) return false;
  const days = phase === 'PROPOSED' ? rules.altarSilenceDays : isCourtingPhase(phase) ? rules.movedOnSilenceDays : null;
  if (days === null) return false;
  return T - later(phaseSince, state.lastProspectActivityAt) > (days * DAY_MS) / 2;
}

/**
 * NEGLECTED, or married (happily or not) with no vendor event for more than
 * half the neglect threshold. While MARRIED the silence counts as the NEGLECT
 * deadline does (from the phase's start); while CHEATING, from the signing.
 */
function isNeglected(state: RelationshipState, T: number, rules: FlagsRules): boolean {
  const { phase, phaseSince } = state;
  if (phase === 'NEGLECTED') return true;
  if ((phase !== 'MARRIED' && phase !== 'CHEATING') || phaseSince === null) return false;
  const marriage = currentMarriage(state);
  const since = phase === 'MARRIED' ? phaseSince : (marriage?.signedAt ?? phaseSince);
  return T - later(since, state.lastVendorActivityAt) > (rules.neglectDays * DAY_MS) / 2;
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
