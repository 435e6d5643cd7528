/**
 * Which relationships a statistic counts, and in what state.
 *
 * Each relationship counts once, by its current courtship cycle (the one the
 * API shows: a reopened relationship is counted by its new cycle). Its state
 * is taken at the instant `at`: the caller passes states holding nothing
 * recorded after `at` (a read-model row for now, `stateAt` for a past
 * instant), and the deadlines due by `at` that were not recorded yet are
 * applied here with the domain's `advanceTo`, exactly as the API does.
 */
import { advanceTo } from '../domain/deadlines.js';
import { currentMilestones } from '../domain/metrics/marriage.js';
import type { Rules } from '../domain/rules.js';
import type { CycleMilestones, RelationshipState } from '../domain/state.js';

export interface AnalyticsScope {
  /** Epoch ms: the instant the statistics describe (now, or an `asOf`). */
  readonly at: number;
  /** Epoch ms, inclusive: only cycles that started at or after it. */
  readonly from?: number | null;
  /** Epoch ms, inclusive: only cycles that started at or before it. */
  readonly to?: number | null;
  readonly segment?: string | null;
  readonly owner?: string | null;
}

export type GroupBy = 'NONE' | 'SEGMENT' | 'OWNER' | 'COHORT_MONTH';

/** A relationship in scope: its state at `at`, and its current cycle's milestones. */
export interface CohortMember {
  readonly state: RelationshipState;
  readonly cycle: CycleMilestones;
}

export function* cohort(
  states: Iterable<RelationshipState>,
  scope: AnalyticsScope,
  rules: Rules,
): Generator<CohortMember> {
  for (const recorded of states) {
    if (recorded.phase === null || recorded.openedAt === null || recorded.openedAt > scope.at) continue;
    if (!matches(scope.segment, recorded.segment) || !matches(scope.owner, recorded.owner)) continue;
    const state = advanceTo(recorded, scope.at, rules).state;
    const cycle = currentMilestones(state);
    if (cycle === null) continue;
    if (scope.from != null && cycle.startedAt < scope.from) continue;
    if (scope.to != null && cycle.startedAt > scope.to) continue;
    yield { state, cycle };
  }
}

function matches(wanted: string | null | undefined, actual: string | null): boolean {
  return wanted == null || wanted === actual;
}
