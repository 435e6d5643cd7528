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
import { compareKeys, quantileOfSorted, round2, sortedNumbers } from './distribution.js';
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

  /** `count` relationships of group `key` that entered the phases `entered` says (ATTRACTION always). */
  addCounts(key: string | null, entered: readonly boolean[], count: number): void {
    this.overall.addCounts(entered, count);
    if (this.groupBy !== 'NONE') this.group(key).addCounts(entered, count);
  }

  /** A relationship of group `key` that entered phase k and then k + 1, `ms` apart. */
  addGap(key: string | null, k: number, ms: number): void {
    const seconds = Math.floor(ms / 1000);
    this.overall.addGap(k, seconds);
    if (this.groupBy !== 'NONE') this.group(key).addGap(k, seconds);
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
    this.addCounts(
      entries.map((at) => at !== null),
      1,
    );
    for (let k = 0; k + 1 < entries.length; k++) {
      const at = entries[k]!;
      const next = entries[k + 1]!;
      if (at !== null && next !== null) this.gaps[k]!.push(Math.floor((next - at) / 1000));
    }
  }

  addCounts(entered: readonly boolean[], count: number): void {
    this.total += count;
    let reachedLater = false;
    for (let k = entered.length - 1; k >= 0; k--) {
      if (entered[k]) this.entered[k]! += count;
      reachedLater ||= entered[k]!;
      if (reachedLater) this.reached[k]! += count;
    }
  }

  addGap(k: number, seconds: number): void {
    this.gaps[k]!.push(seconds);
  }

  result(): { total: number; stages: FunnelStage[] } {
    return {
      total: this.total,
      stages: FUNNEL_PHASES.map((phase, k) => {
        const last = k === FUNNEL_PHASES.length - 1;
        const reached = this.reached[k]!;
        const gaps = sortedNumbers(this.gaps[k]!);
        const some = gaps.length > 0;
        return {
          phase,
          reached,
          entered: this.entered[k]!,
          skipped: reached - this.entered[k]!,
          conversionToNext: last || reached === 0 ? null : round4(this.reached[k + 1]! / reached),
          countToNext: gaps.length,
          medianSecondsToNext: some ? round2(quantileOfSorted(gaps, 0.5)) : null,
          p90SecondsToNext: some ? round2(quantileOfSorted(gaps, 0.9)) : null,
        };
      }),
    };
  }
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
