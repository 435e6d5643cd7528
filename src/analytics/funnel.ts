/**
 * The pipeline funnel: how many relationships reached each courtship phase,
 * the conversion from each phase to the next, and the median time between.
 *
 * Reaching a phase means reaching it or any later one: a proposal made on the
 * second date (ATTRACTION → PROPOSED, flagged PREMATURE_PROPOSAL) passed
 * through DATING and EXCLUSIVE in zero time. So the counts never grow down
 * the funnel and every conversion rate lies in [0, 1].
 */
import type { Rules } from '../domain/rules.js';
import type { RelationshipState } from '../domain/state.js';
import { cohort, firstEntry, type AnalyticsScope, type CohortMember } from './cohort.js';
import { medianOf } from './distribution.js';

export const FUNNEL_PHASES = ['ATTRACTION', 'DATING', 'EXCLUSIVE', 'PROPOSED', 'MARRIED'] as const;
export type FunnelPhase = (typeof FUNNEL_PHASES)[number];

export interface FunnelStage {
  readonly phase: FunnelPhase;
  /** Relationships whose current cycle reached this phase (or a later one) by the instant. */
  readonly reached: number;
  /** reached(next) / reached(this), 4 decimals; null for the last phase or when none reached this one. */
  readonly conversionToNext: number | null;
  /** Median seconds from reaching this phase to reaching the next, over those that reached both. */
  readonly medianSecondsToNext: number | null;
}

export interface Funnel {
  /** Relationships in scope (all of them reached ATTRACTION). */
  readonly total: number;
  readonly stages: FunnelStage[];
}

export function funnel(states: Iterable<RelationshipState>, scope: AnalyticsScope, rules: Rules): Funnel {
  const reached = FUNNEL_PHASES.map(() => 0);
  const gaps: number[][] = FUNNEL_PHASES.map(() => []);
  let total = 0;
  for (const member of cohort(states, scope, rules)) {
    total++;
    const times = reachedAt(member);
    times.forEach((at, k) => {
      if (at === null) return;
      reached[k]!++;
      const next = times[k + 1];
      if (next !== undefined && next !== null) gaps[k]!.push(Math.floor((next - at) / 1000));
    });
  }
  return {
    total,
    stages: FUNNEL_PHASES.map((phase, k) => {
      const last = k === FUNNEL_PHASES.length - 1;
      return {
        phase,
        reached: reached[k]!,
        conversionToNext: last || reached[k] === 0 ? null : round4(reached[k + 1]! / reached[k]!),
        medianSecondsToNext: last ? null : medianOf(gaps[k]!),
      };
    }),
  };
}

/**
 * When the current cycle reached each funnel phase or a later one. Proposal
 * and marriage come from the cycle's milestones (the first of each), the
 * others from the phase history; ATTRACTION is the cycle's start.
 */
function reachedAt(member: CohortMember): (number | null)[] {
  const own: (number | null)[] = [
    member.cycle.startedAt,
    firstEntry(member, 'DATING'),
    firstEntry(member, 'EXCLUSIVE'),
    member.cycle.firstProposalAt,
    member.cycle.marriedAt,
  ];
  const times: (number | null)[] = own.slice();
  for (let k = own.length - 2; k >= 0; k--) {
    const later = times[k + 1]!;
    const mine = own[k]!;
    times[k] = mine === null ? later : later === null ? mine : Math.min(mine, later);
  }
  return times;
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
