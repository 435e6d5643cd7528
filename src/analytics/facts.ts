/**
 * What the statistics need of one relationship at the instant, and no more:
 * its group fields, its current cycle's milestones, when that cycle first
 * entered each funnel phase, why it ended, and (for decay) its trend.
 *
 * Every statistic is computed from these facts, whether they come from
 * states (`factsOf` over a `cohort`) or from the read model's rows of cycles
 * (src/projections/tables/cycles.ts), so both readings answer alike.
 */
import { isMarriedPhase, type ClosedPhase, type Phase } from '../domain/events.js';
import { decayTrend, type DecayStatus } from '../domain/metrics/decay.js';
import type { Rules } from '../domain/rules.js';
import type { CycleMilestones, RelationshipState } from '../domain/state.js';
import type { CohortMember, GroupBy } from './cohort.js';
import type { OutcomeReasonKind } from './outcomes.js';

/** The phases of the funnel, in order (ATTRACTION is entered when the cycle starts). */
export const FUNNEL_PHASES = ['ATTRACTION', 'DATING', 'EXCLUSIVE', 'PROPOSED', 'MARRIED'] as const;
export type FunnelPhase = (typeof FUNNEL_PHASES)[number];

export interface OutcomeReason {
  readonly kind: OutcomeReasonKind;
  /** The reason as recorded, or the rule; null for UNSPECIFIED. */
  readonly value: string | null;
}

/** A marriage's trend at the instant, as the decay summary counts it. */
export interface TrendFacts {
  readonly status: DecayStatus;
  readonly score: number;
}

export interface CohortFacts {
  readonly segment: string | null;
  readonly owner: string | null;
  /** The current cycle's milestones at the instant. */
  readonly cycle: CycleMilestones;
  /** When the cycle first entered each of FUNNEL_PHASES (ATTRACTION: its start); null for a phase it never entered. */
  readonly entered: readonly (number | null)[];
  /** When the cycle first entered NEGLECTED; null if it never did. */
  readonly firstNeglectedAt: number | null;
  /** Why the cycle ended; null while it is open. */
  readonly reason: OutcomeReason | null;
  /** The phase at the instant is MARRIED, NEGLECTED or CHEATING. */
  readonly married: boolean;
  /** The decay trend at the instant; absent unless asked for (it costs a scoring of every week). */
  readonly trend?: TrendFacts | null;
}

/** The facts of a cohort member; its decay trend at `at` only when `withTrend`. */
export function factsOf(member: CohortMember, at: number, rules: Rules, withTrend = false): CohortFacts {
  const { state, cycle } = member;
  const closed = cycle.outcome !== null && cycle.endedAt !== null && state.phase === cycle.outcome;
  const facts: CohortFacts = {
    segment: state.segment,
    owner: state.owner,
    cycle,
    entered: FUNNEL_PHASES.map((phase) => (phase === 'ATTRACTION' ? cycle.startedAt : firstEntry(state, cycle.cycle, phase))),
    firstNeglectedAt: firstEntry(state, cycle.cycle, 'NEGLECTED'),
    reason: closed ? reasonOf(state, cycle.outcome!) : null,
    married: state.phase !== null && isMarriedPhase(state.phase),
  };
  return withTrend ? { ...facts, trend: trendFacts(state, at, rules) } : facts;
}

/** The decay trend of `state` at `at`, reduced to what the summary counts. */
export function trendFacts(state: RelationshipState, at: number, rules: Rules): TrendFacts | null {
  const trend = decayTrend(state, at, rules);
  return trend === null ? null : { status: trend.status, score: trend.score };
}

/** When `cycle` first entered `phase`, from the phase history; null if it never did. */
export function firstEntry(state: RelationshipState, cycle: number, phase: Phase): number | null {
  for (const change of state.phaseHistory) {
    if (change.cycle === cycle && change.to === phase) return change.at;
  }
  return null;
}

/** The group a relationship falls in; null when the grouping field is unset (no segment, no owner). */
export function groupKey(facts: CohortFacts, groupBy: GroupBy): string | null {
  switch (groupBy) {
    case 'NONE':
      return null;
    case 'SEGMENT':
      return facts.segment;
    case 'OWNER':
      return facts.owner;
    case 'COHORT_MONTH':
      // The UTC month the cycle started in, e.g. 2025-03.
      return new Date(facts.cycle.startedAt).toISOString().slice(0, 7);
  }
}

/** The facts of every member of a cohort. */
export function* factsOfCohort(members: Iterable<CohortMember>, at: number, rules: Rules, withTrend = false): Generator<CohortFacts> {
  for (const member of members) yield factsOf(member, at, rules, withTrend);
}

/** Why a closed cycle ended: the rule that closed it, or the reason its closing event gave. */
export function reasonOf(state: RelationshipState, outcome: ClosedPhase): OutcomeReason {
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
