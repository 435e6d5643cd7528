/**
 * Is it time to pop the question? The essay: only when interest is mutual,
 * the prospect has no more questions, the family (every veto holder) is on
 * board, and the prospect has not gone silent.
 */
import { isClosedPhase, isMarriedPhase } from '../events.js';
import type { Rules } from '../rules.js';
import type { RelationshipState } from '../state.js';
import { DAY_MS } from './duration.js';

export const READINESS_REASONS = [
  'RELATIONSHIP_CLOSED',
  'INTEREST_NOT_MUTUAL',
  'OPEN_QUESTIONS',
  'VETO_NOT_SUPPORTIVE',
  'PROSPECT_SILENT',
] as const;
export type ReadinessReasonCode = (typeof READINESS_REASONS)[number];

export interface ReadinessReason {
  readonly code: ReadinessReasonCode;
  /** A sentence for people; the code is what programs compare. */
  readonly message: string;
}

export interface Readiness {
  /** True exactly when `reasons` is empty. */
  readonly ready: boolean;
  readonly reasons: ReadinessReason[];
}

/**
 * Readiness at T, or null once this cycle has reached marriage (married,
 * decaying or divorced: there is no proposal left to make) and before the
 * relationship is opened. Questions and stakeholders count across cycles,
 * as they do for the PREMATURE_PROPOSAL flag: an old question still unanswered
 * is still a question, and the family does not change with a new courtship.
 */
export function readiness(state: RelationshipState, T: number, rules: Pick<Rules, 'readinessActivityDays'>): Readiness | null {
  const { phase } = state;
  if (phase === null || isMarriedPhase(phase) || phase === 'DIVORCED') return null;
  const reasons: ReadinessReason[] = [];
  if (isClosedPhase(phase)) {
    reasons.push({ code: 'RELATIONSHIP_CLOSED', message: `The relationship is closed (${phase}); only reopening it starts a new courtship.` });
  }
  if (!(state.vendorInterested && state.prospectInterested)) {
    const missing = state.vendorInterested ? 'the prospect' : state.prospectInterested ? 'the vendor' : 'either side';
    reasons.push({ code: 'INTEREST_NOT_MUTUAL', message: `Interest is not mutual yet: no sign of interest from ${missing}.` });
  }
  const open = Object.values(state.questions).filter((q) => q.answeredAt === null).length;
  if (open > 0) {
    reasons.push({ code: 'OPEN_QUESTIONS', message: `The prospect still has ${open} open question${open === 1 ? '' : 's'}.` });
  }
  const unconvinced = Object.values(state.stakeholders).filter((s) => s.hasVeto && s.stance !== 'SUPPORTIVE');
  if (unconvinced.length > 0) {
    const names = unconvinced.map((s) => `${s.name} (${s.stance})`).join(', ');
    reasons.push({ code: 'VETO_NOT_SUPPORTIVE', message: `Not every veto holder is supportive: ${names}.` });
  }
  const last = state.lastProspectActivityAt;
  const window = rules.readinessActivityDays * DAY_MS;
  if (last === null || T - last > window) {
    reasons.push({
      code: 'PROSPECT_SILENT',
      message: `The prospect has not been active in the last ${rules.readinessActivityDays} days.`,
    });
  }
  return { ready: reasons.length === 0, reasons };
}
