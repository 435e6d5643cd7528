/**
 * Decay across the installed base: how many married relationships are
 * IMPROVING, STABLE or DECAYING at the instant (the domain's decay trend, the
 * same one each relationship shows), and how long marriages last before the
 * vendor first neglects them.
 */
import { isMarriedPhase } from '../domain/events.js';
import { WEEK_MS } from '../domain/metrics/duration.js';
import { decayTrend } from '../domain/metrics/decay.js';
import type { Rules } from '../domain/rules.js';
import type { RelationshipState } from '../domain/state.js';
import { cohort, firstEntry, type AnalyticsScope } from './cohort.js';
import { medianOf } from './distribution.js';

export interface DecaySummary {
  /** Relationships in MARRIED, NEGLECTED or CHEATING at the instant. */
  readonly married: number;
  readonly improving: number;
  readonly stable: number;
  readonly decaying: number;
  /** Relationships whose current marriage (ongoing or ended) was NEGLECTED at least once. */
  readonly everNeglected: number;
  /** Median weeks (2 decimals) from signing to the first NEGLECTED, over those; null when none. */
  readonly medianWeeksToFirstNeglect: number | null;
}

export function decaySummary(states: Iterable<RelationshipState>, scope: AnalyticsScope, rules: Rules): DecaySummary {
  const counts = { IMPROVING: 0, STABLE: 0, DECAYING: 0 };
  let married = 0;
  const weeksToNeglect: number[] = [];
  for (const member of cohort(states, scope, rules)) {
    const { state, cycle } = member;
    if (cycle.marriedAt === null) continue;
    const neglectedAt = firstEntry(member, 'NEGLECTED');
    if (neglectedAt !== null) weeksToNeglect.push((neglectedAt - cycle.marriedAt) / WEEK_MS);
    if (state.phase === null || !isMarriedPhase(state.phase)) continue;
    married++;
    const trend = decayTrend(state, scope.at, rules);
    if (trend !== null) counts[trend.status]++;
  }
  return {
    married,
    improving: counts.IMPROVING,
    stable: counts.STABLE,
    decaying: counts.DECAYING,
    everNeglected: weeksToNeglect.length,
    medianWeeksToFirstNeglect: medianOf(weeksToNeglect),
  };
}
