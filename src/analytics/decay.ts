/**
 * Decay across the installed base: how the current marriages are trending at
 * the instant (the domain's decay trend, the same one each relationship
 * shows), how the ended ones were trending when they ended, and how long
 * marriages last before the vendor first neglects them.
 *
 * A divorced relationship's trend is frozen at the divorce (the domain scores
 * it at the end), and it is counted apart from the current marriages: every
 * field name says which marriages it counts.
 */
import { WEEK_MS } from '../domain/metrics/duration.js';
import type { DecayStatus } from '../domain/metrics/decay.js';
import type { Rules } from '../domain/rules.js';
import type { RelationshipState } from '../domain/state.js';
import { cohort, type AnalyticsScope } from './cohort.js';
import { quantileOfRanked, rankedOf, round2, type RankedValues } from './distribution.js';
import { factsOf, type CohortFacts, type TrendFacts } from './facts.js';

/** How many current marriages score in [from, to) (the last bucket includes 100). */
export interface ScoreBucket {
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

export interface DecaySummary {
  /** Relationships in MARRIED, NEGLECTED or CHEATING at the instant. */
  readonly currentlyMarried: number;
  readonly currentlyImproving: number;
  readonly currentlyStable: number;
  readonly currentlyDecaying: number;
  /** The current marriages' latest weekly scores, in ten buckets of 10 points. */
  readonly currentScoreBuckets: ScoreBucket[];
  /** Relationships whose current cycle married and has since ended (DIVORCED). */
  readonly endedMarriages: number;
  /** The ended marriages by the trend they ended with. */
  readonly endedImprovingAtEnd: number;
  readonly endedStableAtEnd: number;
  readonly endedDecayingAtEnd: number;
  /** Relationships whose current cycle married (ongoing or ended) and was NEGLECTED at least once. */
  readonly marriagesEverNeglected: number;
  /** Median weeks (2 decimals) from signing to the first NEGLECTED, over those; null when none. */
  readonly medianWeeksToFirstNeglect: number | null;
}

const BUCKETS = 10;

export function decaySummary(states: Iterable<RelationshipState>, scope: AnalyticsScope, rules: Rules): DecaySummary {
  const married: CohortFacts[] = [];
  for (const member of cohort(states, scope, rules)) {
    if (member.cycle.marriedAt !== null) married.push(factsOf(member, scope.at, rules, true));
  }
  return decaySummaryOfFacts(married);
}

/** The summary of relationships given by their facts at the instant, trends included (members never married are left out). */
export function decaySummaryOfFacts(members: Iterable<CohortFacts>): DecaySummary {
  const tally = new DecayTally();
  for (const member of members) tally.addFacts(member);
  return tally.result();
}

/** A tally's counts as plain data (structured-clonable: a read worker counts, the request thread adds the replayed). */
export interface DecayTallyCounts {
  readonly current: Record<DecayStatus, number>;
  readonly ended: Record<DecayStatus, number>;
  readonly buckets: number[];
  readonly currentlyMarried: number;
  readonly endedMarriages: number;
  /** Milliseconds from signing to the first neglect (whole numbers: the weeks are divided at the end). */
  readonly neglectDelays: number[];
}

/** Ended marriages counted elsewhere (a kept tally), by the trend they ended with; `NONE`: without one. */
export type EndedCounts = Record<DecayStatus | 'NONE', number>;

/**
 * The summary counted one marriage at a time, from its facts or straight
 * from a table's columns (no facts object for each of tens of thousands).
 */
export class DecayTally {
  private readonly current: Record<DecayStatus, number> = { IMPROVING: 0, STABLE: 0, DECAYING: 0 };
  private readonly ended: Record<DecayStatus, number> = { IMPROVING: 0, STABLE: 0, DECAYING: 0 };
  private readonly buckets = Array.from({ length: BUCKETS }, () => 0);
  private currentlyMarried = 0;
  private endedMarriages = 0;
  private neglectDelays: number[] = [];

  /** A tally that goes on from `counts` (another tally's). */
  static from(counts: DecayTallyCounts): DecayTally {
    const tally = new DecayTally();
    Object.assign(tally.current, counts.current);
    Object.assign(tally.ended, counts.ended);
    tally.buckets.splice(0, BUCKETS, ...counts.buckets);
    tally.currentlyMarried = counts.currentlyMarried;
    tally.endedMarriages = counts.endedMarriages;
    tally.neglectDelays = counts.neglectDelays.slice();
    return tally;
  }

  counts(): DecayTallyCounts {
    const { current, ended, buckets, currentlyMarried, endedMarriages, neglectDelays } = this;
    return { current: { ...current }, ended: { ...ended }, buckets: [...buckets], currentlyMarried, endedMarriages, neglectDelays: neglectDelays.slice() };
  }

  /** A member given by its facts; left out when its cycle never married. */
  addFacts(member: CohortFacts): void {
    if (member.cycle.marriedAt !== null) this.add(member.cycle.marriedAt, member.firstNeglectedAt, member.married, member.trend ?? null);
  }

  /** A marriage of the cycle in scope: signed at `marriedAt`, `married` while it lasts, with its trend (null: none). */
  add(marriedAt: number, firstNeglectedAt: number | null, married: boolean, trend: TrendFacts | null): void {
    if (firstNeglectedAt !== null) this.neglectDelays.push(firstNeglectedAt - marriedAt);
    if (married) {
      this.currentlyMarried++;
      if (trend === null) return;
      this.current[trend.status]++;
      this.buckets[Math.min(BUCKETS - 1, Math.floor(trend.score / (100 / BUCKETS)))]!++;
    } else {
      this.endedMarriages++;
      if (trend !== null) this.ended[trend.status]++;
    }
  }

  /** Ended marriages counted elsewhere (their neglect delays go to `result`'s). */
  addEnded(counts: EndedCounts): void {
    for (const status of ['IMPROVING', 'STABLE', 'DECAYING'] as const) this.ended[status] += counts[status];
    this.endedMarriages += counts.IMPROVING + counts.STABLE + counts.DECAYING + counts.NONE;
  }

  /** The neglect delays counted here, in milliseconds. */
  delays(): readonly number[] {
    return this.neglectDelays;
  }

  /**
   * The summary; `delays`: every neglect delay in ms by rank, when they are
   * not only this tally's (a kept tally's merged with `delays()`). Ranks in
   * ms are ranks in weeks (a division by a positive constant keeps order).
   */
  result(delays: Pick<RankedValues, 'length' | 'at'> = rankedOf(this.neglectDelays)): DecaySummary {
    const { current, ended } = this;
    return {
      currentlyMarried: this.currentlyMarried,
      currentlyImproving: current.IMPROVING,
      currentlyStable: current.STABLE,
      currentlyDecaying: current.DECAYING,
      currentScoreBuckets: this.buckets.map((count, k) => ({ from: (k * 100) / BUCKETS, to: ((k + 1) * 100) / BUCKETS, count })),
      endedMarriages: this.endedMarriages,
      endedImprovingAtEnd: ended.IMPROVING,
      endedStableAtEnd: ended.STABLE,
      endedDecayingAtEnd: ended.DECAYING,
      marriagesEverNeglected: delays.length,
      medianWeeksToFirstNeglect: delays.length === 0 ? null : round2(quantileOfRanked({ length: delays.length, at: (rank) => delays.at(rank) / WEEK_MS }, 0.5)),
    };
  }
}
