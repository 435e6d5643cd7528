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

/** Milestones only: what a cell needs of a relationship. */
interface Course {
  readonly marriedAt: number | null;
  readonly divorcedAt: number | null;
}

/** Accumulates members one at a time (the export reads streams one by one). */
export class RetentionTally {
  private readonly byMonth = new Map<number, Course[]>();

  constructor(
    private readonly at: number,
    private readonly by: RetentionCohortBy,
    private readonly maxMonths: number,
  ) {}

  /** A member of the cohort, by its current cycle's milestones. */
  add({ cycle }: { readonly cycle: CycleMilestones }): void {
    const start = this.by === 'MARRIAGE' ? cycle.marriedAt : cycle.startedAt;
    if (start === null) return;
    const month = monthIndex(start);
    let courses = this.byMonth.get(month);
    if (courses === undefined) this.byMonth.set(month, (courses = []));
    courses.push({ marriedAt: cycle.marriedAt, divorcedAt: cycle.outcome === 'DIVORCED' ? cycle.endedAt : null });
  }

  result(): CohortRetention {
    const cohorts = [...this.byMonth.keys()].sort((a, b) => a - b).map((month) => {
      const courses = this.byMonth.get(month)!;
      const months: RetentionCell[] = [];
      for (let k = 0; k <= this.maxMonths; k++) {
        const end = monthStart(month + k + 1);
        if (end > this.at) break;
        let stillMarried = 0;
        let churned = 0;
        for (const course of courses) {
          if (course.divorcedAt !== null && course.divorcedAt < end) churned++;
          else if (course.marriedAt !== null && course.marriedAt < end) stillMarried++;
        }
        months.push({ monthsSince: k, stillMarried, churned, retention: Math.round((stillMarried / courses.length) * 10_000) / 10_000 });
      }
      return { cohort: monthLabel(month), size: courses.length, months };
    });
    return { by: this.by, cohorts };
  }
}

/** Months since January 1970, UTC. */
function monthIndex(epochMs: number): number {
  const date = new Date(epochMs);
  return date.getUTCFullYear() * 12 + date.getUTCMonth() - 1970 * 12;
}

function monthStart(index: number): number {
  return Date.UTC(1970 + Math.floor(index / 12), index % 12, 1);
}

function monthLabel(index: number): string {
  return new Date(monthStart(index)).toISOString().slice(0, 7);
}
