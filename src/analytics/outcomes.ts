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
import { CLOSED_PHASES, type ClosedPhase } from '../domain/events.js';
import type { Rules } from '../domain/rules.js';
import type { RelationshipState } from '../domain/state.js';
import { cohort, type AnalyticsScope } from './cohort.js';
import { factsOfCohort, type CohortFacts, type OutcomeReason } from './facts.js';

export { reasonOf } from './facts.js';

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
  return outcomesOfFacts(factsOfCohort(cohort(states, scope, rules), scope.at, rules), ended);
}

/** The endings of relationships given by their facts at the instant. */
export function outcomesOfFacts(members: Iterable<CohortFacts>, ended: EndedWindow = {}): OutcomeCount[] {
  const tally = new OutcomeTally();
  for (const { cycle, reason } of members) {
    if (reason === null || cycle.outcome === null || cycle.endedAt === null) continue;
    if (ended.from != null && cycle.endedAt < ended.from) continue;
    if (ended.to != null && cycle.endedAt > ended.to) continue;
    tally.add(cycle.outcome, reason, 1);
  }
  return tally.result();
}

/** Endings counted by outcome and reason (the read side's aggregates add whole groups at once). */
export class OutcomeTally {
  private readonly byOutcome = new Map<ClosedPhase, Map<string, ReasonCount>>(CLOSED_PHASES.map((phase) => [phase, new Map()]));

  add(outcome: ClosedPhase, reason: OutcomeReason, count: number): void {
    const reasons = this.byOutcome.get(outcome)!;
    const key = `${reason.kind}\u0000${reason.value ?? ''}`;
    reasons.set(key, { kind: reason.kind, value: reason.value, count: (reasons.get(key)?.count ?? 0) + count });
  }

  result(): OutcomeCount[] {
    return CLOSED_PHASES.map((outcome) => {
      const reasons = [...this.byOutcome.get(outcome)!.values()];
      reasons.sort((a, b) => b.count - a.count || compare(a.kind, b.kind) || compare(a.value ?? '', b.value ?? ''));
      return { outcome, count: reasons.reduce((sum, r) => sum + r.count, 0), reasons };
    });
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
