/**
 * The pipeline funnel: for each courtship phase, how many relationships
 * reached it, how many actually entered it and how many skipped it, the
 * conversion to the next phase, and the time it took those that went through
 * both phases.
 *
 * Reaching a phase means entering it or any later one: a proposal made on the
 * second date (ATTRACTION → PROPOSED, flagged PREMATURE_PROPOSAL) reached
 * DATING and EXCLUSIVE but skipped them, so `reached` never grows down the
 * funnel and `entered + skipped = reached`. The times to the next phase count
 * only relationships that entered both phases: a skipped phase adds no zero.
 */
import type { Rules } from '../domain/rules.js';
import type { RelationshipState } from '../domain/state.js';
import { cohort, type AnalyticsScope, type GroupBy } from './cohort.js';
import { compareKeys, quantileOfRanked, rankedOf, round2, type RankedValues } from './distribution.js';
import { factsOfCohort, FUNNEL_PHASES, groupKey, type CohortFacts, type FunnelPhase } from './facts.js';

export { FUNNEL_PHASES, type FunnelPhase };

export interface FunnelStage {
  readonly phase: FunnelPhase;
  /** Relationships whose current cycle entered this phase or a later one by the instant. */
  readonly reached: number;
  /** Relationships whose current cycle entered this very phase. */
  readonly entered: number;
  /** reached − entered: went on to a later phase without entering this one. */
  readonly skipped: number;
  /** reached(next) / reached(this), 4 decimals; null for the last phase or when none reached this one. */
  readonly conversionToNext: number | null;
  /** Relationships that entered this phase and then the next one: the times below are over them. */
  readonly countToNext: number;
  /** Median seconds from entering this phase to first entering the next; null when countToNext is 0. */
  readonly medianSecondsToNext: number | null;
  readonly p90SecondsToNext: number | null;
}

export interface FunnelGroup {
  /** The segment, owner or cohort month (YYYY-MM); null for relationships without one. */
  readonly key: string | null;
  readonly total: number;
  readonly stages: FunnelStage[];
}

export interface Funnel {
  /** Relationships in scope (all of them entered ATTRACTION). */
  readonly total: number;
  readonly stages: FunnelStage[];
  /** Sorted by key, the null group last; empty when grouped by NONE. */
  readonly groups: FunnelGroup[];
}

export function funnel(states: Iterable<RelationshipState>, scope: AnalyticsScope, rules: Rules, groupBy: GroupBy = 'NONE'): Funnel {
  return funnelOfFacts(factsOfCohort(cohort(states, scope, rules), scope.at, rules), groupBy);
}

/** The funnel of relationships given by their facts at the instant. */
export function funnelOfFacts(members: Iterable<CohortFacts>, groupBy: GroupBy = 'NONE'): Funnel {
  const tallies = new FunnelTallies(groupBy);
  for (const member of members) tallies.add(member);
  return tallies.result();
}

/**
 * The funnel overall and per group, fed one relationship at a time (`add`)
 * or, by the read side's aggregates, as counts of relationships sharing the
 * phases they entered (`addCounts`) and their gaps one by one (`addGap`).
 */
export class FunnelTallies {
  private readonly overall = new FunnelTally();
  private readonly byGroup = new Map<string | null, FunnelTally>();

  constructor(private readonly groupBy: GroupBy) {}

  add(member: CohortFacts): void {
    this.overall.add(member.entered);
    if (this.groupBy !== 'NONE') this.group(groupKey(member, this.groupBy)).add(member.entered);
  }

  /**
   * `total` relationships of group `key`, of which `entered[k]` entered phase k
   * and `reached[k]` it or a later one, and `gapsMs[k]` the milliseconds from
   * entering phase k to entering k + 1 of those that entered both.
   */
  addTotals(key: string | null, total: number, entered: readonly number[], reached: readonly number[], gapsMs: readonly (readonly number[])[]): void {
    this.overall.addTotals(total, entered, reached, gapsMs);
    if (this.groupBy !== 'NONE') this.group(key).addTotals(total, entered, reached, gapsMs);
  }

  result(): Funnel {
    return {
      ...this.overall.result(),
      groups: [...this.byGroup.keys()].sort(compareKeys).map((key) => ({ key, ...this.byGroup.get(key)!.result() })),
    };
  }

  private group(key: string | null): FunnelTally {
    let tally = this.byGroup.get(key);
    if (tally === undefined) this.byGroup.set(key, (tally = new FunnelTally()));
    return tally;
  }
}

/** Counts and gaps of one set of relationships. */
class FunnelTally {
  private total = 0;
  private readonly reached = FUNNEL_PHASES.map(() => 0);
  private readonly entered = FUNNEL_PHASES.map(() => 0);
  private readonly gaps: number[][] = FUNNEL_PHASES.map(() => []);

  add(entries: readonly (number | null)[]): void {
    this.total++;
    let reachedLater = false;
    for (let k = entries.length - 1; k >= 0; k--) {
      const at = entries[k]!;
      if (at !== null) {
        this.entered[k]!++;
        const next = entries[k + 1];
        if (next !== undefined && next !== null) this.gaps[k]!.push(Math.floor((next - at) / 1000));
      }
      reachedLater ||= at !== null;
      if (reachedLater) this.reached[k]!++;
    }
  }

  addTotals(total: number, entered: readonly number[], reached: readonly number[], gapsMs: readonly (readonly number[])[]): void {
    this.total += total;
    for (let k = 0; k < FUNNEL_PHASES.length; k++) {
      this.entered[k]! += entered[k]!;
      this.reached[k]! += reached[k]!;
      const gaps = this.gaps[k]!;
      for (const ms of gapsMs[k] ?? []) gaps.push(Math.floor(ms / 1000));
    }
  }

  result(): { total: number; stages: FunnelStage[] } {
    return { total: this.total, stages: funnelStages(this.reached, this.entered, this.gaps.map(rankedOf)) };
  }
}

/**
 * The stages of a funnel from its counts per phase (`reached`, `entered`) and
 * the seconds from entering each phase to entering the next, read by rank
 * (a sorted array, or the values the read model keeps).
 */
export function funnelStages(
  reached: readonly number[],
  entered: readonly number[],
  gaps: readonly Pick<RankedValues, 'length' | 'at'>[],
): FunnelStage[] {
  return FUNNEL_PHASES.map((phase, k) => {
    const last = k === FUNNEL_PHASES.length - 1;
    const some = gaps[k]!.length > 0;
    return {
      phase,
      reached: reached[k]!,
      entered: entered[k]!,
      skipped: reached[k]! - entered[k]!,
      conversionToNext: last || reached[k] === 0 ? null : round4(reached[k + 1]! / reached[k]!),
      countToNext: gaps[k]!.length,
      medianSecondsToNext: some ? round2(quantileOfRanked(gaps[k]!, 0.5)) : null,
      p90SecondsToNext: some ? round2(quantileOfRanked(gaps[k]!, 0.9)) : null,
    };
  });
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
