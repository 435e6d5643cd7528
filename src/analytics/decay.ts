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
import { medianOf } from './distribution.js';
import { factsOf, type CohortFacts } from './facts.js';

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
  const current: Record<DecayStatus, number> = { IMPROVING: 0, STABLE: 0, DECAYING: 0 };
  const ended: Record<DecayStatus, number> = { IMPROVING: 0, STABLE: 0, DECAYING: 0 };
  const buckets = Array.from({ length: BUCKETS }, () => 0);
  let currentlyMarried = 0;
  let endedMarriages = 0;
  const weeksToNeglect: number[] = [];
  for (const member of members) {
    const { cycle } = member;
    if (cycle.marriedAt === null) continue;
    const neglectedAt = member.firstNeglectedAt;
    if (neglectedAt !== null) weeksToNeglect.push((neglectedAt - cycle.marriedAt) / WEEK_MS);
    const trend = member.trend ?? null;
    if (member.married) {
      currentlyMarried++;
      if (trend === null) continue;
      current[trend.status]++;
      buckets[Math.min(BUCKETS - 1, Math.floor(trend.score / (100 / BUCKETS)))]!++;
    } else {
      endedMarriages++;
      if (trend !== null) ended[trend.status]++;
    }
  }
  return {
    currentlyMarried,
    currentlyImproving: current.IMPROVING,
    currentlyStable: current.STABLE,
    currentlyDecaying: current.DECAYING,
    currentScoreBuckets: buckets.map((count, k) => ({ from: (k * 100) / BUCKETS, to: ((k + 1) * 100) / BUCKETS, count })),
    endedMarriages,
    endedImprovingAtEnd: ended.IMPROVING,
    endedStableAtEnd: ended.STABLE,
    endedDecayingAtEnd: ended.DECAYING,
    marriagesEverNeglected: weeksToNeglect.length,
    medianWeeksToFirstNeglect: medianOf(weeksToNeglect),
  };
}
