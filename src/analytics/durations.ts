/**
 * Time to proposal and time to marriage as distributions (count, mean,
 * median, p75, p90, in seconds), overall and per group. Each relationship
 * contributes its current cycle's duration as the domain computes it
 * (`timeToProposal` / `timeToMarriage`); one that has not got there yet is
 * left out, not counted as zero.
 */
import { durationBetween } from '../domain/metrics/duration.js';
import type { Rules } from '../domain/rules.js';
import type { CycleMilestones, RelationshipState } from '../domain/state.js';
import { cohort, type AnalyticsScope, type GroupBy } from './cohort.js';
import { compareKeys, distributionOfRanked, rankedOf, type Distribution } from './distribution.js';
import { factsOfCohort, groupKey, type CohortFacts } from './facts.js';

export interface DistributionGroup {
  /** The segment, owner or cohort month (YYYY-MM); null for relationships without one. */
  readonly key: string | null;
  readonly stats: Distribution;
}

/** How many durations fall in [fromSeconds, toSeconds); the last bucket has no end. */
export interface HistogramBucket {
  readonly fromSeconds: number;
  readonly toSeconds: number | null;
}

export interface DurationStats {
  readonly overall: Distribution;
  /** Whole weeks, 0–1, 1–2, … up to HISTOGRAM_WEEKS, then one open-ended bucket. */
  readonly weeklyHistogram: (HistogramBucket & { readonly count: number })[];
  /** Sorted by key, the null group last; empty when grouped by NONE. */
  readonly groups: DistributionGroup[];
}

/** Which milestone a duration runs to from the cycle's start. */
export type DurationMeasure = 'PROPOSAL' | 'MARRIAGE';

export function timeToProposalStats(
  states: Iterable<RelationshipState>,
  scope: AnalyticsScope,
  rules: Rules,
  groupBy: GroupBy = 'NONE',
): DurationStats {
  return durationStatsOfFacts(factsOfCohort(cohort(states, scope, rules), scope.at, rules), 'PROPOSAL', groupBy);
}

export function timeToMarriageStats(
  states: Iterable<RelationshipState>,
  scope: AnalyticsScope,
  rules: Rules,
  groupBy: GroupBy = 'NONE',
): DurationStats {
  return durationStatsOfFacts(factsOfCohort(cohort(states, scope, rules), scope.at, rules), 'MARRIAGE', groupBy);
}

/**
 * The seconds from the cycle's start to the milestone, as the domain's
 * `timeToProposal` / `timeToMarriage` give them; null until it is reached.
 */
export function secondsTo(cycle: Pick<CycleMilestones, 'startedAt' | 'firstProposalAt' | 'marriedAt'>, measure: DurationMeasure): number | null {
  const reachedAt = measure === 'PROPOSAL' ? cycle.firstProposalAt : cycle.marriedAt;
  return reachedAt === null ? null : durationBetween(cycle.startedAt, reachedAt).seconds;
}

/** The distribution of relationships given by their facts at the instant. */
export function durationStatsOfFacts(members: Iterable<CohortFacts>, measure: DurationMeasure, groupBy: GroupBy = 'NONE'): DurationStats {
  const tally = new DurationTally(groupBy !== 'NONE');
  for (const member of members) {
    const seconds = secondsTo(member.cycle, measure);
    if (seconds !== null) tally.add(groupBy === 'NONE' ? null : groupKey(member, groupBy), seconds);
  }
  return tally.result();
}

/** Durations overall and per group, one at a time (the read side's aggregates feed it too). */
export class DurationTally {
  private readonly overall: number[] = [];
  private readonly byGroup = new Map<string | null, number[]>();

  constructor(private readonly grouped: boolean) {}

  add(key: string | null, seconds: number): void {
    this.overall.push(seconds);
    if (!this.grouped) return;
    let values = this.byGroup.get(key);
    if (values === undefined) this.byGroup.set(key, (values = []));
    values.push(seconds);
  }

  result(): DurationStats {
    const keys = [...this.byGroup.keys()].sort(compareKeys);
    return {
      overall: distributionOfRanked(rankedOf(this.overall)),
      weeklyHistogram: weeklyHistogram(this.overall),
      groups: keys.map((key) => ({ key, stats: distributionOfRanked(rankedOf(this.byGroup.get(key)!)) })),
    };
  }
}

/**
 * The whole seconds of a span of `ms` from a cycle's start to a milestone, as
 * the domain's `durationBetween` counts them, without building its duration:
 * the read side's aggregates take it of every row (the property tests hold
 * the two equal).
 */
export function wholeSeconds(ms: number): number {
  return Math.max(0, Math.floor(ms / 1000));
}

export const HISTOGRAM_WEEKS = 26;
const WEEK_SECONDS = 7 * 86_400;

function weeklyHistogram(seconds: ArrayLike<number>): (HistogramBucket & { count: number })[] {
  const counts = Array.from({ length: HISTOGRAM_WEEKS + 1 }, () => 0);
  for (let i = 0; i < seconds.length; i++) counts[weekOf(seconds[i]!)]!++;
  return weeklyHistogramOfCounts(counts);
}

/** The histogram bucket of a duration: its whole weeks, the last bucket open-ended. */
export function weekOf(seconds: number): number {
  return Math.min(HISTOGRAM_WEEKS, Math.floor(seconds / WEEK_SECONDS));
}

/** The weekly histogram from its counts (`counts[weekOf(seconds)]`, HISTOGRAM_WEEKS + 1 of them). */
export function weeklyHistogramOfCounts(counts: readonly number[]): (HistogramBucket & { count: number })[] {
  return counts.map((count, week) => ({
    fromSeconds: week * WEEK_SECONDS,
    toSeconds: week === HISTOGRAM_WEEKS ? null : (week + 1) * WEEK_SECONDS,
    count,
  }));
}
