/**
 * The statements of the rows SQL answers in a page of relationships "now"
 * (`sqlTally` in relationship-list.ts): the page's candidates, and the count
 * with whether rows lie beyond the cursors.
 *
 * A filter on `phase in [...]` cannot be read in order from one index range:
 * each phase value is a range of its own, and one `ORDER BY … LIMIT` over all
 * of them sorts every match (thousands of rows at 100k relationships). When
 * an index serves the page's ordering after (tenant, phase, segment) and the
 * filter pins the segment, the page reads one ordered range per phase, `keep`
 * rows at most from each, and merges them here: `keep` × phases index
 * entries, whatever the number of matches. Each range's filter is the page's
 * with `phase in` narrowed to one of its values, so the ranges are disjoint
 * and together match exactly the page's rows.
 *
 * SQLite (built with STAT4, as better-sqlite3 is) re-plans a statement on
 * every run when a bound value could change its plan (a value compared with
 * an indexed column that has samples): 50-100 µs a run for a list's WHERE,
 * more than reading a range. A ranged page's plan cannot change with the
 * values (an equality on every column before the order's), so its statements
 * bind their values as `+@name`: the same value, which the planner does not
 * probe (`unprobed`).
 */
import type Database from 'better-sqlite3';
import type { EnumFilter, RelationshipFilter, RelationshipOrder, RelationshipOrderField } from '../app/read-side.js';
import type { Phase } from '../domain/events.js';
import type { SortKey, SortValue } from './relationship-order.js';
import type { PageWindow, Ranked, Tally } from './relationship-query.js';
import { keyColumnsSql, keysetSql, orderBySql, SqlParams } from './relationship-sql.js';

/** What runs a page's statements: prepared once per SQL text, on the tenant, at the query's instant. */
export interface SqlScope {
  readonly prepare: (sql: string) => Database.Statement;
  readonly tenant: string;
  readonly at: number;
  /** SQL answers only the rows without a current marriage (decay is asked for: the married ones are evaluated in JS). */
  readonly withoutMarriage: boolean;
}

/**
 * The WHERE of the rows SQL answers, for a filter (the page's, or one range's
 * of it): those stable at the instant (the default), or those due by then
 * (`UNSTABLE`, evaluated in JS instead), or both (`ANY`).
 */
export type RowsWhere = (params: SqlParams, filter: RelationshipFilter | undefined, rows?: 'STABLE' | 'UNSTABLE' | 'ANY') => string;

/**
 * Order fields an index leads with after (tenant, phase, segment)
 * (tables/relationship-rows.ts): a page ordered by one of them reads one
 * ordered range per phase.
 */
const RANGED_BY_PHASE: ReadonlySet<RelationshipOrderField> = new Set(['UPDATED_AT', 'TIME_TO_PROPOSAL']);

/**
 * The filters of the page's ranges, one per phase of `phase in [...]`, when
 * an index serves each range in the page's order; null when the page is one
 * statement (no such list, a single value, or no index for this ordering).
 */
export function phaseRanges(filter: RelationshipFilter | undefined, order: readonly RelationshipOrder[]): RelationshipFilter[] | null {
  const phase = filter?.phase;
  if (filter === undefined || phase?.in === undefined || phase.eq !== undefined) return null;
  if (filter.segment?.eq === undefined || !RANGED_BY_PHASE.has(order[0]!.field)) return null;
  const values = [...new Set(phase.in)];
  // One value is an equality already (SQLite reads `IN (x)` as `= x`).
  if (values.length < 2) return null;
  return values.map((value) => ({ ...filter, phase: onePhase(phase, value) }));
}

/** `phase`'s conditions with its `in` list narrowed to `value`. */
function onePhase(phase: EnumFilter<Phase>, value: Phase): EnumFilter<Phase> {
  const narrowed: EnumFilter<Phase> = { ...phase, eq: value };
  delete narrowed.in;
  return narrowed;
}

/** The page's candidates SQL answers: the `keep` rows nearest the page's starting edge, nearest first. */
export function sqlPageRows(scope: SqlScope, window: PageWindow, filter: RelationshipFilter | undefined, where: RowsWhere): Ranked<string>[] {
  const ranges = phaseRanges(filter, window.ordering.fields);
  if (ranges === null) return rangeRows(scope, window, filter, where);
  // Every range has the same SQL text: one statement, run once per phase.
  const ranged = { ...scope, prepare: (sql: string) => scope.prepare(unprobed(sql)) };
  const merged = ranges.flatMap((range) => rangeRows(ranged, window, range, where));
  return merged.sort((a, b) => window.towardsPage(a.key, b.key)).slice(0, window.keep);
}

/** One ordered range: the `keep` rows of `filter` nearest the page's starting edge. */
function rangeRows(scope: SqlScope, window: PageWindow, filter: RelationshipFilter | undefined, where: RowsWhere): Ranked<string>[] {
  const order = window.ordering.fields;
  const params = new SqlParams();
  let sql = `SELECT id, ${keyColumnsSql(order)} FROM relationship_rows WHERE ${where(params, filter)}`;
  if (window.after) sql += ` AND ${keysetSql(order, window.after, true, params)}`;
  if (window.before) sql += ` AND ${keysetSql(order, window.before, false, params)}`;
  sql += ` ORDER BY ${orderBySql(order, window.backwards)} LIMIT @keep`;
  const found = scope.prepare(sql).safeIntegers(false).raw().all({ ...params.values, tenant: scope.tenant, at: scope.at, keep: window.keep }) as unknown[][];
  return found.map(([id, ...key]) => ({ key: key as SortValue[] as SortKey, row: id as string }));
}

/**
 * The ids of the tenant's rows due by the instant, from their index (it holds
 * only rows with a deadline; few are due): named, as the planner cannot tell
 * from unprobed values that the range is short.
 */
const DUE_IDS = 'SELECT id FROM relationship_rows INDEXED BY relationship_rows_unstable WHERE tenant = @tenant AND stable_until <= @at';

/**
 * The matches of a filter that is only `phase in [...]` and one segment, from
 * the kept counts (tables/relationship-row-counts.ts); null for any other filter.
 */
function keptCount(filter: RelationshipFilter, params: SqlParams, withoutMarriage: boolean): string | null {
  const only = (object: object, keys: readonly string[]): boolean => Object.entries(object).every(([key, value]) => value === undefined || keys.includes(key));
  const { phase, segment } = filter;
  if (phase?.in === undefined || segment?.eq === undefined || !only(filter, ['phase', 'segment']) || !only(phase, ['in']) || !only(segment, ['eq'])) return null;
  const phases = [...new Set(phase.in)].map((value) => params.add(value)).join(', ');
  return (
    `SELECT IFNULL(SUM(n), 0) FROM relationship_row_counts WHERE tenant = @tenant AND segment = ${params.add(segment.eq)} AND phase IN (${phases})` +
    (withoutMarriage ? ' AND married = 0' : '')
  );
}

interface CountRow {
  total: number;
  up_to_after: number;
  from_before: number;
}

/** How many rows SQL answers, and whether some lie at or beyond either cursor. */
export function sqlCounts(scope: SqlScope, window: PageWindow, filter: RelationshipFilter | undefined, where: RowsWhere): Omit<Tally<string>, 'best'> {
  const ranges = phaseRanges(filter, window.ordering.fields);
  if (ranges !== null) return rangedCounts(scope, window, filter!, ranges, where);
  const order = window.ordering.fields;
  const params = new SqlParams();
  const base = where(params, filter);
  const afterSql = window.after ? keysetSql(order, window.after, true, params) : null;
  const beforeSql = window.before ? keysetSql(order, window.before, false, params) : null;
  const upToAfter = afterSql === null ? '0' : `IFNULL(MAX(NOT ${afterSql}), 0)`;
  // A row at or before `after` counts there only, as the evaluator's scan does.
  const fromBefore = beforeSql === null ? '0' : `IFNULL(MAX(${afterSql === null ? '' : `${afterSql} AND `}NOT ${beforeSql}), 0)`;
  const counts = scope
    .prepare(`SELECT COUNT(*) AS total, ${upToAfter} AS up_to_after, ${fromBefore} AS from_before FROM relationship_rows WHERE ${base}`)
    .safeIntegers(false)
    .get({ ...params.values, tenant: scope.tenant, at: scope.at }) as CountRow;
  return { totalCount: counts.total, rowsUpToAfter: counts.up_to_after !== 0, rowsFromBefore: counts.from_before !== 0 };
}

/**
 * A ranged page's count and cursor edges, without testing each match for
 * stability: the matches (from the kept counts when the filter is only phase
 * and segment, else from the (tenant, phase, segment) index entries alone),
 * less the few due by the instant (read from the index of due rows).
 * Whether rows lie at or before `after` is whether the first row of some
 * range (in the page's order) does; whether rows lie beyond `before` (and
 * after `after`), whether the last row of some range does.
 */
function rangedCounts(scope: SqlScope, window: PageWindow, filter: RelationshipFilter, ranges: readonly RelationshipFilter[], where: RowsWhere): Omit<Tally<string>, 'best'> {
  const params = new SqlParams();
  const all = keptCount(filter, params, scope.withoutMarriage) ?? `SELECT COUNT(*) FROM relationship_rows WHERE ${where(params, filter, 'ANY')}`;
  const due = where(params, filter, 'UNSTABLE');
  const total = scope
    .prepare(unprobed(`SELECT (${all}) - (SELECT COUNT(*) FROM relationship_rows WHERE ${due} AND id IN (${DUE_IDS})) AS total`))
    .pluck()
    .safeIntegers(false)
    .get({ ...params.values, tenant: scope.tenant, at: scope.at }) as number;

  const { ordering, after, before } = window;
  const edge = (range: RelationshipFilter, last: boolean): SortKey | null => {
    const edgeParams = new SqlParams();
    const sql = `SELECT ${keyColumnsSql(ordering.fields)} FROM relationship_rows WHERE ${where(edgeParams, range)} ORDER BY ${orderBySql(ordering.fields, last)} LIMIT 1`;
    const key = scope.prepare(unprobed(sql)).safeIntegers(false).raw().get({ ...edgeParams.values, tenant: scope.tenant, at: scope.at }) as SortValue[] | undefined;
    return key ?? null;
  };
  const rowsUpToAfter = after !== undefined && ranges.some((range) => {
    const first = edge(range, false);
    return first !== null && ordering.compare(first, after) <= 0;
  });
  const rowsFromBefore = before !== undefined && ranges.some((range) => {
    const last = edge(range, true);
    return last !== null && ordering.compare(last, before) >= 0 && (after === undefined || ordering.compare(last, after) > 0);
  });
  return { totalCount: total, rowsUpToAfter, rowsFromBefore };
}

/**
 * The statement with each bound value read as `+@name`: unary plus returns
 * its operand unchanged (text, number or null) and an index still serves the
 * comparison, but the planner no longer reads the value against its STAT4
 * samples, so a run does not re-plan the statement.
 */
export function unprobed(sql: string): string {
  return sql.replace(/(?<!\+)@(\w+)/g, '+@$1');
}
