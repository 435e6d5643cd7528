/**
 * The statistics other than decay as aggregates over the rows of `cycles`
 * (cycles.ts), computed by SQLite over the covering index `cycles_analytics`
 * instead of one JS object per row (cycle-facts.ts):
 * - the funnel's counts as sums, and the gaps between phases as JSON arrays
 *   of numbers (the medians need them all), in one pass;
 * - durations as a JSON array a group of the milestone's distance from the start;
 * - outcomes by GROUP BY of outcome and reason;
 * - retention by GROUP BY of the months of the start, the marriage and the
 *   divorce.
 * As of a past instant, a milestone after it reads as not reached
 * (`CASE WHEN x <= @cut`), as the facts of a replayed relationship are cut. The few
 * relationships the rows cannot answer for (a deadline due by the instant,
 * or replayed by the caller) come as facts and are added to the same tallies
 * the pure functions of src/analytics use, which stay the specification: the
 * property tests hold both readings equal.
 *
 * Over a whole tenant, ungrouped, now or as of T, the funnel, the durations
 * and the outcomes come from the tallies the writers keep instead, less what
 * changed since T (latest-cycle-answers.ts): no pass over the rows.
 */
import type Database from 'better-sqlite3';
import type { AnalyticsAnswers, AnalyticsRequest } from '../../app/read-side.js';
import type { GroupBy } from '../../analytics/cohort.js';
import { DurationTally, secondsTo, wholeSeconds, type DurationMeasure, type DurationStats } from '../../analytics/durations.js';
import { groupKey, type CohortFacts, type OutcomeReason } from '../../analytics/facts.js';
import { FunnelTallies, type Funnel } from '../../analytics/funnel.js';
import { OutcomeTally, type EndedWindow, type OutcomeCount } from '../../analytics/outcomes.js';
import { RetentionTally, type CohortRetention, type RetentionCohortBy } from '../../analytics/retention.js';
import type { ClosedPhase } from '../../domain/events.js';
import { rowsOf, type Where } from './cycle-facts.js';
import { keptAnswer, keptTalliesAnswer } from './latest-cycle-answers.js';

type AggregatedKind = 'FUNNEL' | 'TIME_TO_PROPOSAL' | 'TIME_TO_MARRIAGE' | 'OUTCOMES' | 'RETENTION';

/** The answer from the rows' aggregates, plus `extra`: the facts of the relationships the rows skip (`skip`). */
export function aggregateAnswer(
  db: Database.Database,
  tenant: string,
  request: AnalyticsRequest,
  skip: readonly string[],
  extra: readonly CohortFacts[],
): AnalyticsAnswers[AggregatedKind] {
  // Over the whole tenant: the tallies the writers keep, less what changed since the instant, not a pass over the rows.
  if (keptTalliesAnswer(request)) {
    const kept = keptAnswer(db, tenant, request, skip, extra);
    if (kept !== null) return kept;
  }
  const rows: Rows = { db, where: rowsOf(tenant, request, skip), cut: request.asOf ? cutColumn : (column) => column };
  const { question } = request;
  switch (question.kind) {
    case 'FUNNEL':
      return funnelOf(rows, question.groupBy, extra);
    case 'TIME_TO_PROPOSAL':
      return durationsOf(rows, 'PROPOSAL', question.groupBy, extra);
    case 'TIME_TO_MARRIAGE':
      return durationsOf(rows, 'MARRIAGE', question.groupBy, extra);
    case 'OUTCOMES':
      return outcomesOf(rows, question.ended, extra);
    case 'RETENTION':
      return retentionOf(rows, request.scope.at, question.by, question.months, extra);
    case 'DECAY':
      throw new Error('decay is summarised from facts (cycle-facts.ts), not from aggregates');
  }
}

interface Rows {
  readonly db: Database.Database;
  readonly where: Where;
  /** A milestone column as it stood at the instant (null when it came later). */
  readonly cut: (column: string) => string;
}

function cutColumn(column: string): string {
  return `(CASE WHEN ${column} <= @cut THEN ${column} END)`;
}

function all<T>(rows: Rows, select: string, tail = ''): T[] {
  return rows.db.prepare(`${select} FROM cycles WHERE ${rows.where.sql}${tail}`).safeIntegers(false).raw().all(rows.where.params) as T[];
}

/** The group a row falls in, as `groupKey` gives it (COHORT_MONTH: the UTC month its cycle started, YYYY-MM). */
function groupColumn(groupBy: GroupBy): string {
  switch (groupBy) {
    case 'NONE':
      return 'NULL';
    case 'SEGMENT':
      return 'segment';
    case 'OWNER':
      return 'owner';
    case 'COHORT_MONTH':
      return "strftime('%Y-%m', started / 1000, 'unixepoch')";
  }
}

/** Ungrouped, one aggregate row (SQLite's GROUP BY sorts even by a constant). */
function groupedBy(groupBy: GroupBy): string {
  return groupBy === 'NONE' ? '' : ' GROUP BY 1';
}

function funnelOf(rows: Rows, groupBy: GroupBy, extra: readonly CohortFacts[]): Funnel {
  const tallies = new FunnelTallies(groupBy);
  // The first entries into each funnel phase (ATTRACTION: the cycle's start), as of the instant, computed once a row
  // by a subquery SQLite keeps apart (its LIMIT), instead of once in every aggregate that reads them.
  const cut = ['started', ...['dating', 'exclusive', 'proposed', 'married_entered'].map(rows.cut)];
  const at = cut.map((_, k) => `a${k}`);
  const phases = at.map((_, k) => k);
  const entered = phases.map((k) => `count(${at[k]})`);
  const reached = phases.map((k) => `count(coalesce(${[...at.slice(k), 'NULL'].join(', ')}))`);
  const gaps = phases.slice(0, -1).map((k) => `json_group_array(${at[k + 1]} - ${at[k]}) FILTER (WHERE ${at[k + 1]} - ${at[k]} IS NOT NULL)`);
  const entries = `SELECT ${groupColumn(groupBy)} AS g, ${cut.map((column, k) => `${column} AS ${at[k]}`).join(', ')} FROM cycles WHERE ${rows.where.sql} LIMIT -1`;
  const groups = rows.db
    .prepare(`SELECT g, count(*), ${[...entered, ...reached, ...gaps].join(', ')} FROM (${entries})${groupedBy(groupBy)}`)
    .safeIntegers(false)
    .raw()
    .all(rows.where.params) as [string | null, number, ...(number | string)[]][];
  const n = phases.length;
  for (const [key, total, ...sums] of groups) {
    const gapsMs = (sums.slice(2 * n) as string[]).map((json) => JSON.parse(json) as number[]);
    tallies.addTotals(key, total, sums.slice(0, n) as number[], sums.slice(n, 2 * n) as number[], gapsMs);
  }
  for (const member of extra) tallies.add(member);
  return tallies.result();
}

function durationsOf(rows: Rows, measure: DurationMeasure, groupBy: GroupBy, extra: readonly CohortFacts[]): DurationStats {
  const tally = new DurationTally(groupBy !== 'NONE');
  const reached = rows.cut(measure === 'PROPOSAL' ? 'first_proposal' : 'married');
  // One JSON array of spans a group: parsed natively, no row objects.
  const groups = all<[string | null, string]>(
    rows,
    `SELECT ${groupColumn(groupBy)}, json_group_array(${reached} - started)`,
    ` AND ${reached} IS NOT NULL${groupedBy(groupBy)}`,
  );
  for (const [key, json] of groups) for (const ms of JSON.parse(json) as number[]) tally.add(key, wholeSeconds(ms));
  for (const member of extra) {
    const seconds = secondsTo(member.cycle, measure);
    if (seconds !== null) tally.add(groupBy === 'NONE' ? null : groupKey(member, groupBy), seconds);
  }
  return tally.result();
}

function outcomesOf(rows: Rows, ended: EndedWindow, extra: readonly CohortFacts[]): OutcomeCount[] {
  const tally = new OutcomeTally();
  // An older cycle's row without a reason is replayed (replaysNeeded), or, now, never counted: its cycle is not the current one.
  let window = ' AND outcome IS NOT NULL AND reason_kind IS NOT NULL';
  if (ended.from != null) (window += ' AND ended >= @endedFrom'), (rows.where.params.endedFrom = ended.from);
  if (ended.to != null) (window += ' AND ended <= @endedTo'), (rows.where.params.endedTo = ended.to);
  const groups = all<[ClosedPhase, OutcomeReason['kind'], string | null, number]>(
    rows,
    'SELECT outcome, reason_kind, reason_value, count(*)',
    `${window} GROUP BY 1, 2, 3`,
  );
  for (const [outcome, kind, value, count] of groups) tally.add(outcome, { kind, value }, count);
  for (const { cycle, reason } of extra) {
    if (reason === null || cycle.outcome === null || cycle.endedAt === null) continue;
    if (ended.from != null && cycle.endedAt < ended.from) continue;
    if (ended.to != null && cycle.endedAt > ended.to) continue;
    tally.add(cycle.outcome, reason, 1);
  }
  return tally.result();
}

function retentionOf(rows: Rows, at: number, by: RetentionCohortBy, months: number, extra: readonly CohortFacts[]): CohortRetention {
  const tally = new RetentionTally(at, by, months);
  const married = rows.cut('married');
  const start = by === 'MARRIAGE' ? married : 'started';
  const courses = all<[number | null, number | null, number | null, number]>(
    rows,
    `SELECT ${yearMonth(start)}, ${yearMonth(married)}, CASE WHEN outcome = 'DIVORCED' THEN ${yearMonth(rows.cut('ended'))} END, count(*)`,
    ' GROUP BY 1, 2, 3',
  );
  for (const [cohort, marriedIn, divorcedIn, count] of courses) {
    if (cohort !== null) tally.addCourses(monthOfYearMonth(cohort), monthOfYearMonth(marriedIn), monthOfYearMonth(divorcedIn), count);
  }
  for (const member of extra) tally.add(member);
  return tally.result();
}

/** The UTC year and month of an epoch-ms column as YYYYMM (null stays null). */
function yearMonth(column: string): string {
  return `CAST(strftime('%Y%m', ${column} / 1000, 'unixepoch') AS INTEGER)`;
}

/** YYYYMM as months since January 1970 (retention.ts's `monthIndex`). */
function monthOfYearMonth<T extends number | null>(yyyymm: T): T {
  return (yyyymm === null ? null : (Math.floor(yyyymm / 100) - 1970) * 12 + (yyyymm % 100) - 1) as T;
}
