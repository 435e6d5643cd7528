/**
 * A page of a tenant's relationships "now" (at the query's instant), asked
 * of `relationship_rows` (tables/relationship-rows.ts) in SQL, and exactly
 * the page the JS evaluator (relationship-query.ts) would give over every
 * state (tested property: test/projections/relationship-list.test.ts).
 *
 * The rows split in two disjoint sets:
 * - rows SQL answers: stable at the instant (no deadline due by then) and,
 *   when the filter or the ordering asks for decay, without a marriage in
 *   their current cycle (their decay is null). The filter is a WHERE, the
 *   page a keyset `ORDER BY … LIMIT first + 1` after the cursor, the count
 *   and whether rows lie beyond the cursors one aggregate;
 * - rows evaluated in JS from their states: those with a deadline due but
 *   not recorded yet (the scheduler records it moments later: few), and,
 *   when decay is asked for, the married ones SQL's bound of the filter
 *   leaves (decay moves with the clock: never a column).
 * Both tally the same page window; their merge is the page.
 */
import type Database from 'better-sqlite3';
import type { Page, RelationshipRow } from '../app/read-side.js';
import type { Rules } from '../domain/rules.js';
import { PageWindow, pageOf, tallyRows, type RelationshipQuery, type Tally } from './relationship-query.js';
import { filterSql, filtersOnDecay, SqlParams, STABLE, UNSTABLE } from './relationship-sql.js';
import { sqlCounts, sqlPageRows, type RowsWhere } from './relationship-sql-page.js';
import type { RelationshipStates } from './relationship-states.js';
import { columnsFrom, COLUMNS_SELECTED, type SelectedColumns } from './tables/relationship-rows.js';

/** Prepares SQL once per text (the text depends only on the query's shape). */
export type PrepareStatement = (sql: string) => Database.Statement;

export function listRelationshipsNow(
  prepare: PrepareStatement,
  states: Pick<RelationshipStates, 'shown' | 'scan'>,
  tenant: string,
  query: RelationshipQuery,
  rules: Rules,
): Page<RelationshipRow> {
  const window = new PageWindow(query);
  const decay = asksForDecay(query);
  const bySql = sqlTally(prepare, tenant, query, window, decay);

  const evaluated = new SqlParams();
  // A UNION rather than an OR: each side then has its index.
  const married = decay ? ` UNION SELECT id FROM relationship_rows WHERE ${marriedWithinBound(query, evaluated)}` : '';
  const candidates = prepare(
    `SELECT tenant, id, state, position FROM relationships WHERE tenant = @tenant AND id IN
       (SELECT id FROM relationship_rows WHERE tenant = @tenant AND ${UNSTABLE}${married})`,
  );
  // Streamed: each state is parsed, evaluated and dropped (only the page's rows are kept).
  const byJs = tallyRows(states.scan(candidates, { ...evaluated.values, tenant, at: query.at }), query, window, rules);

  return pageOf<RelationshipRow | string>(window, [bySql, byJs], query.at, (kept) => {
    const wanted = kept.filter((row): row is string => typeof row === 'string');
    const read = wanted.length === 0 ? new Map<string, RelationshipRow>() : rowsOf(prepare, states, tenant, wanted);
    return kept.map((row) => {
      if (typeof row !== 'string') return row;
      const found = read.get(row);
      if (!found) throw new Error(`relationship ${row} of ${tenant} left its list table while a page was read`);
      return found;
    });
  });
}

/** The page's rows SQL answered: cached, or read from their list columns (their states only when a field asks). */
function rowsOf(prepare: PrepareStatement, states: Pick<RelationshipStates, 'shown'>, tenant: string, ids: readonly string[]): Map<string, RelationshipRow> {
  const statement = prepare(`SELECT ${COLUMNS_SELECTED} FROM relationship_rows WHERE tenant = ? AND id IN (SELECT value FROM json_each(?))`);
  return states.shown(tenant, ids, (missing) =>
    (statement.safeIntegers(false).all(tenant, JSON.stringify(missing)) as SelectedColumns[]).map(columnsFrom),
  );
}

/**
 * How many states a page of this shape would evaluate in JS: the married
 * rows the filter's bound leaves when decay is asked for (decay moves with
 * the clock), else none worth counting (only the few rows with a deadline
 * due). The read side sends the large ones to a read worker.
 */
export function statesEvaluatedInJs(prepare: PrepareStatement, tenant: string, query: RelationshipQuery): number {
  if (!asksForDecay(query)) return 0;
  const params = new SqlParams();
  const counted = prepare(`SELECT COUNT(*) AS n FROM relationship_rows WHERE ${marriedWithinBound(query, params)}`);
  const row = counted.get({ ...params.values, tenant, at: query.at }) as { n: number | bigint };
  return Number(row.n);
}

/** Whether the filter or the ordering asks for decay (then the married rows are evaluated in JS). */
function asksForDecay(query: RelationshipQuery): boolean {
  return filtersOnDecay(query.filter) || (query.orderBy ?? []).some((o) => o.field === 'DECAY_SCORE');
}

/** The tenant's married rows within the filter's upper bound: those whose decay a page scores in JS. */
function marriedWithinBound(query: RelationshipQuery, params: SqlParams): string {
  return `tenant = @tenant AND married = 1${query.filter ? ` AND ${filterSql(query.filter, params, 'UPPER')}` : ''}`;
}

/** The rows SQL answers exactly: the page's candidates (ids), the count, and whether rows lie beyond the cursors. */
function sqlTally(prepare: PrepareStatement, tenant: string, query: RelationshipQuery, window: PageWindow, decay: boolean): Tally<string> {
  const where: RowsWhere = (params, filter, rows = 'STABLE') =>
    `tenant = @tenant${rows === 'ANY' ? '' : ` AND ${rows === 'STABLE' ? STABLE : UNSTABLE}`}${decay ? ' AND married = 0' : ''}` +
    (filter ? ` AND ${filterSql(filter, params, 'NO_MARRIAGE')}` : '');
  const scope = { prepare, tenant, at: query.at, withoutMarriage: decay };
  return { best: sqlPageRows(scope, window, query.filter, where), ...sqlCounts(scope, window, query.filter, where) };
}
