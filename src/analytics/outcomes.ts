/**
 * How courtships end: relationships whose current cycle closed by the instant
 * (and, when asked, within a window of end dates), counted by ending and by
 * reason.
 *
 * A reason has a kind and a value: the churn notice's ChurnReason
 * (CHURN_REASON), the free text of a rejection (REJECTION) or a withdrawal
 * (WITHDRAWAL), or the time-based rule when silence or a lapsed contract
 * closed it (DEADLINE_RULE: MOVED_ON_SILENCE — "quit returning phone calls" —,
 * ALTAR_SILENCE, CONTRACT_LAPSE). A closing event without a reason is
 * UNSPECIFIED, with no value.
 */
import { CLOSED_PHASES, isClosedPhase, type ClosedPhase } from '../domain/events.js';
import type { Rules } from '../domain/rules.js';
import type { RelationshipState } from '../domain/state.js';
import { cohort, type AnalyticsScope } from './cohort.js';

export const OUTCOME_REASON_KINDS = ['CHURN_REASON', 'REJECTION', 'WITHDRAWAL', 'DEADLINE_RULE', 'UNSPECIFIED'] as const;
export type OutcomeReasonKind = (typeof OUTCOME_REASON_KINDS)[number];

export interface ReasonCount {
  readonly kind: OutcomeReasonKind;
  /** The reason as recorded, or the rule; null for UNSPECIFIED. */
  readonly value: string | null;
  readonly count: number;
}

export interface OutcomeCount {
  readonly outcome: ClosedPhase;
  readonly count: number;
  /** Most frequent first; ties by kind, then value. */
  readonly reasons: ReasonCount[];
}

/** Epoch ms, inclusive: keep the courtships that ended in this window. */
export interface EndedWindow {
  readonly from?: number | null;
  readonly to?: number | null;
}

export function outcomes(
  states: Iterable<RelationshipState>,
  scope: AnalyticsScope,
  rules: Rules,
  ended: EndedWindow = {},
): OutcomeCount[] {
  const byOutcome = new Map<ClosedPhase, Map<string, ReasonCount>>(CLOSED_PHASES.map((phase) => [phase, new Map()]));
  for (const { state, cycle } of cohort(states, scope, rules)) {
    if (state.phase === null || !isClosedPhase(state.phase) || cycle.endedAt === null) continue;
    if (ended.from != null && cycle.endedAt < ended.from) continue;
    if (ended.to != null && cycle.endedAt > ended.to) continue;
    const reasons = byOutcome.get(state.phase)!;
    const reason = reasonOf(state, state.phase);
    const key = `${reason.kind}\u0000${reason.value ?? ''}`;
    reasons.set(key, { ...reason, count: (reasons.get(key)?.count ?? 0) + 1 });
  }
  return CLOSED_PHASES.map((outcome) => {
    const reasons = [...byOutcome.get(outcome)!.values()];
    reasons.sort((a, b) => b.count - a.count || compare(a.kind, b.kind) || compare(a.value ?? '', b.value ?? ''));
    return { outcome, count: reasons.reduce((sum, r) => sum + r.count, 0), reasons };
  });
}

export function reasonOf(state: RelationshipState, outcome: ClosedPhase): Omit<ReasonCount, 'count'> {
  const closing = state.phaseHistory[state.phaseHistory.length - 1];
  if (closing?.cause.kind === 'DEADLINE') return { kind: 'DEADLINE_RULE', value: closing.cause.rule };
  const [kind, stated]: [OutcomeReasonKind, string | null] =
    outcome === 'DIVORCED'
      ? ['CHURN_REASON', state.churnReason]
      : outcome === 'LEFT_AT_ALTAR'
        ? ['REJECTION', state.rejectionReason]
        : ['WITHDRAWAL', state.withdrawalReason];
  return stated === null ? { kind: 'UNSPECIFIED', value: null } : { kind, value: stated };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
