/**
 * Cohort retention: relationships grouped by the UTC month their current
 * cycle married (or opened), and for each whole month since, how many were
 * still married at its end and how many had churned (DIVORCED) by then.
 *
 * Only months that ended by the instant are shown. A relationship counts by
 * its current cycle, as every statistic does: one divorced and reopened
 * counts by its new courtship.
 */
import type { Rules } from '../domain/rules.js';
import type { CycleMilestones, RelationshipState } from '../domain/state.js';
import { cohort, type AnalyticsScope } from './cohort.js';

export type RetentionCohortBy = 'MARRIAGE' | 'OPENING';

export interface RetentionCell {
  /** 0: the end of the cohort's own month. */
  readonly monthsSince: number;
  /** Married by the end of that month and not divorced by then. */
  readonly stillMarried: number;
  /** Divorced by the end of that month. */
  readonly churned: number;
  /** stillMarried / size, 4 decimals. */
  readonly retention: number;
}

export interface RetentionCohort {
  /** YYYY-MM. */
  readonly cohort: string;
  readonly size: number;
  readonly months: RetentionCell[];
}

export interface CohortRetention {
  readonly by: RetentionCohortBy;
  /** Oldest cohort first. */
  readonly cohorts: RetentionCohort[];
}

export const DEFAULT_RETENTION_MONTHS = 24;

export function cohortRetention(
  states: Iterable<RelationshipState>,
  scope: AnalyticsScope,
  rules: Rules,
  by: RetentionCohortBy,
  maxMonths = DEFAULT_RETENTION_MONTHS,
): CohortRetention {
  const tally = new RetentionTally(scope.at, by, maxMonths);
  for (const member of cohort(states, scope, rules)) tally.add(member);
  return tally.result();
}

/**
 * Accumulates members one at a time (the export reads streams one by one),
 * or as counts of members sharing their months (the read side's aggregates).
 * A month is counted from January 1970, UTC: a milestone falls before the
 * end of month m exactly when its month is at most m.
 */
export class RetentionTally {
  /** By cohort month: how many members married and divorced in which months ("married,divorced", empty for never). */
  private readonly byMonth = new Map<number, Map<string, number>>();

  constructor(
    private readonly at: number,
    private readonly by: RetentionCohortBy,
    private readonly maxMonths: number,
  ) {}

  /** A member of the cohort, by its current cycle's milestones. */
  add({ cycle }: { readonly cycle: CycleMilestones }): void {
    const start = this.by === 'MARRIAGE' ? cycle.marriedAt : cycle.startedAt;
    if (start === null) return;
    const divorcedAt = cycle.outcome === 'DIVORCED' ? cycle.endedAt : null;
    this.addCourses(monthIndex(start), monthOf(cycle.marriedAt), monthOf(divorcedAt), 1);
  }

  /** `count` members of the cohort of month `cohort`, married and divorced in those months (null: not). */
  addCourses(cohort: number, marriedMonth: number | null, divorcedMonth: number | null, count: number): void {
    let courses = this.byMonth.get(cohort);
    if (courses === undefined) this.byMonth.set(cohort, (courses = new Map()));
    const key = `${marriedMonth ?? ''},${divorcedMonth ?? ''}`;
    courses.set(key, (courses.get(key) ?? 0) + count);
  }

  result(): CohortRetention {
    const cohorts = [...this.byMonth.keys()].sort((a, b) => a - b).map((month) => {
      const courses = [...this.byMonth.get(month)!].map(([key, count]) => {
        const [married, divorced] = key.split(',').map((month) => (month === '' ? null : Number(month))) as [number | null, number | null];
        return { married, divorced, count };
      });
      const size = courses.reduce((sum, course) => sum + course.count, 0);
      const months: RetentionCell[] = [];
      for (let k = 0; k <= this.maxMonths; k++) {
        if (monthStart(month + k + 1) > this.at) break;
        let stillMarried = 0;
        let churned = 0;
        for (const { married, divorced, count } of courses) {
          if (divorced !== null && divorced <= month + k) churned += count;
          else if (married !== null && married <= month + k) stillMarried += count;
        }
        months.push({ monthsSince: k, stillMarried, churned, retention: Math.round((stillMarried / size) * 10_000) / 10_000 });
      }
      return { cohort: monthLabel(month), size, months };
    });
    return { by: this.by, cohorts };
  }
}

function monthOf(epochMs: number | null): number | null {
  return epochMs === null ? null : monthIndex(epochMs);
}

/** Months since January 1970, UTC. */
export function monthIndex(epochMs: number): number {
  const date = new Date(epochMs);
  return date.getUTCFullYear() * 12 + date.getUTCMonth() - 1970 * 12;
}

function monthStart(index: number): number {
  return Date.UTC(1970 + Math.floor(index / 12), index % 12, 1);
}

function monthLabel(index: number): string {
  return new Date(monthStart(index)).toISOString().slice(0, 7);
}
