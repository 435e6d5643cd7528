/**
 * How courtships end: relationships whose current cycle closed by the instant,
 * counted by ending and by reason.
 *
 * The reason is what the closing event said (the churn notice's reason, the
 * rejection's or withdrawal's free text), or the time-based rule when silence
 * or a lapsed contract closed it: MOVED_ON_SILENCE ("quit returning phone
 * calls"), ALTAR_SILENCE, CONTRACT_LAPSE. A closing event without a reason
 * counts as UNSPECIFIED.
 */
import { CLOSED_PHASES, isClosedPhase, type ClosedPhase } from '../domain/events.js';
import type { Rules } from '../domain/rules.js';
import type { RelationshipState } from '../domain/state.js';
import { cohort, type AnalyticsScope } from './cohort.js';

export const UNSPECIFIED_REASON = 'UNSPECIFIED';

export interface ReasonCount {
  readonly reason: string;
  readonly count: number;
}

export interface OutcomeCount {
  readonly outcome: ClosedPhase;
  readonly count: number;
  /** Most frequent first; ties by reason. */
  readonly reasons: ReasonCount[];
}

export function outcomes(states: Iterable<RelationshipState>, scope: AnalyticsScope, rules: Rules): OutcomeCount[] {
  const byOutcome = new Map<ClosedPhase, Map<string, number>>(CLOSED_PHASES.map((phase) => [phase, new Map()]));
  for (const { state } of cohort(states, scope, rules)) {
    if (state.phase === null || !isClosedPhase(state.phase)) continue;
    const reasons = byOutcome.get(state.phase)!;
    const reason = reasonOf(state, state.phase);
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  return CLOSED_PHASES.map((outcome) => {
    const reasons = [...byOutcome.get(outcome)!].map(([reason, count]) => ({ reason, count }));
    reasons.sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
    return { outcome, count: reasons.reduce((sum, r) => sum + r.count, 0), reasons };
  });
}

function reasonOf(state: RelationshipState, outcome: ClosedPhase): string {
  const closing = state.phaseHistory[state.phaseHistory.length - 1];
  if (closing?.cause.kind === 'DEADLINE') return closing.cause.rule;
  const stated =
    outcome === 'DIVORCED' ? state.churnReason : outcome === 'LEFT_AT_ALTAR' ? state.rejectionReason : state.withdrawalReason;
  return stated ?? UNSPECIFIED_REASON;
}
