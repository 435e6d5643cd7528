/**
 * A page of a tenant's relationships "now" (at the query's instant), asked
 * of `relationship_rows` (tables/relationship-rows.ts) in SQL, and exactly
 * the page the JS evaluator (relationship-query.ts) would give over every
 * state (tested property: test/projections/relationship-list.properties.test.ts).
 *
 * The rows split in three disjoint sets:
 * - rows SQL answers: stable at the instant (no deadline due by then) and,
 *   when the filter or the ordering asks for decay, without a marriage in
 *   their current cycle (their decay is null). The filter is a WHERE, the
 *   page a keyset `ORDER BY … LIMIT first + 1` after the cursor, the count
 *   and whether rows lie beyond the cursors one aggregate;
 * - rows evaluated in JS from their states: those with a deadline due but
 *   not recorded yet (the scheduler records it moments later: few);
 * - when decay is asked for, the stable married rows SQL's bound of the
 *   filter leaves (decay moves with the clock: never a column), evaluated
 *   in JS from their list columns and packed decay inputs (column-facts.ts):
 *   a few microseconds each, no state parsed. Without a decay condition in
 *   the filter, SQL's bound is the filter itself and only their sort keys
 *   are evaluated.
 * Both tally the same page window; their merge is the page.
 */
import type Database from 'better-sqlite3';
import type { Page, RelationshipRow } from '../app/read-side.js';
import type { Rules } from '../domain/rules.js';
import { decayStatusAt } from '../domain/metrics/decay.js';
import { decayScoreOfInputs, decayStatusOfInputs, type DecayInputs } from '../domain/metrics/decay-inputs.js';
import { decayReferencesTally, marriagesWithoutReference, readsDecayReferences } from './decay-score-page.js';
import { ColumnFacts, FACT_COLUMNS, orderFactColumns, type DecayScorer, type FactColumns } from './column-facts.js';
import type { DecayTrendFacts } from './relationship-facts.js';
import { PageWindow, pageOf, tallyFacts, tallyRows, type RelationshipQuery, type Tally } from './relationship-query.js';
import { filterSql, filtersOnDecay, SqlParams, STABLE, UNSTABLE } from './relationship-sql.js';
import { sqlCounts, sqlPageRows, type RowsWhere } from './relationship-sql-page.js';
import type { RelationshipStates } from './relationship-states.js';
import { decayInputsOfBlob } from './tables/decay-inputs.js';
import { columnsFrom, COLUMNS_SELECTED, type SelectedColumns } from './tables/relationship-rows.js';

/** Prepares SQL once per text (the text depends only on the query's shape). */
export type PrepareStatement = (sql: string) => Database.Statement;

export function listRelationshipsNow(
  prepare: PrepareStatement,
  states: Pick<RelationshipStates, 'get' | 'decayInputs' | 'shown' | 'scan'>,
  tenant: string,
  query: RelationshipQuery,
  rules: Rules,
): Page<RelationshipRow> {
  const window = new PageWindow(query);
  const decay = asksForDecay(query);
  const bySql = sqlTally(prepare, tenant, query, window, decay);

  const unstable = prepare(
    `SELECT tenant, id, state, position FROM relationships WHERE tenant = @tenant AND id IN
       (SELECT id FROM relationship_rows WHERE tenant = @tenant AND ${UNSTABLE})`,
  );
  // Streamed: each state is parsed, evaluated and dropped (only the page's rows are kept).
  const byState = tallyRows(states.scan(unstable, { tenant, at: query.at }), query, window, rules);
  const byDecay = decay ? marriagesTally(prepare, states, tenant, query, window, rules) : null;

  return pageOf<RelationshipRow | string>(window, byDecay === null ? [bySql, byState] : [bySql, byState, byDecay], query.at, (kept) => {
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
 * How many marriages a page of this shape scores in JS: the married rows
 * the filter's bound leaves when decay is asked for (decay moves with the
 * clock), else none. Each is scored from its list columns and decay inputs
 * (a few microseconds); the read side sends pages that score many to a read
 * worker. The rows with a deadline due, evaluated from their states, are
 * few (the scheduler records a deadline moments after it falls due).
 */
export function marriagesScoredInJs(prepare: PrepareStatement, tenant: string, query: RelationshipQuery): number {
  if (!asksForDecay(query)) return 0;
  const params = new SqlParams();
  // Ordered by decay without a decay condition: the marriages whose reference does not hold (and those near the page's edges).
  if (!filtersOnDecay(query.filter) && readsDecayReferences(new PageWindow(query))) {
    return marriagesWithoutReference(prepare, tenant, query.at, { sql: marriedWithinBound(query, params), params: params.values });
  }
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

/**
 * The married rows within the filter's bound whose columns hold at the
 * instant, evaluated from their columns and decay inputs (`ColumnFacts`):
 * no state parsed. The page keeps their ids.
 */
function marriagesTally(
  prepare: PrepareStatement,
  states: Pick<RelationshipStates, 'get' | 'decayInputs'>,
  tenant: string,
  query: RelationshipQuery,
  window: PageWindow,
  rules: Rules,
): Tally<string> {
  const params = new SqlParams();
  // Without a decay condition the filter's bound is the filter (the rows hold at the instant): only the key is evaluated,
  // from the few columns it reads (an index covers them).
  const matched = !filtersOnDecay(query.filter);
  if (matched && readsDecayReferences(window)) {
    const bound = { sql: marriedWithinBound(query, params), params: params.values };
    return decayReferencesTally(prepare, tenant, query, window, bound, (ids) => decayInputsOf(prepare, states, tenant, ids), rules);
  }
  const columns = matched ? orderFactColumns(window.ordering.fields) : FACT_COLUMNS;
  const married = prepare(`SELECT ${columns} FROM relationship_rows WHERE ${marriedWithinBound(query, params)} AND ${STABLE}`).safeIntegers(false);
  const rows = married.all({ ...params.values, tenant, at: query.at }) as FactColumns[];
  const inputs = decayInputsOf(prepare, states, tenant, rows.map((row) => row.id));
  // A marriage without decay inputs (not expected) is scored from its state: exact either way.
  const fromState = (c: FactColumns, at: number): DecayTrendFacts => {
    const row = states.get(tenant, c.id);
    return row === undefined ? null : decayStatusAt(row.state, at, rules);
  };
  const scoreDecay: DecayScorer = {
    trend(c, at) {
      const found = inputs.get(c.id) ?? null;
      return found === null ? fromState(c, at) : decayStatusOfInputs(found, at, rules);
    },
    score(c, at) {
      const found = inputs.get(c.id) ?? null;
      return found === null ? (fromState(c, at)?.score ?? null) : decayScoreOfInputs(found, at, rules);
    },
  };
  const evaluated = matched ? { ...query, filter: undefined } : query;
  const factsOf = (c: FactColumns) => new ColumnFacts(c, rowInstant(c.updated_at, query.at), scoreDecay);
  const { best, ...tally } = tallyFacts(rows, factsOf, evaluated, window);
  return { ...tally, best: best.map(({ key, row }) => ({ key, row: row.id })) };
}

/** The rows' decay inputs: kept ones, the others read by key in one query. */
function decayInputsOf(
  prepare: PrepareStatement,
  states: Pick<RelationshipStates, 'decayInputs'>,
  tenant: string,
  ids: readonly string[],
): Map<string, DecayInputs | null> {
  const read = prepare('SELECT relationship_id, inputs FROM decay_inputs WHERE tenant = ? AND relationship_id IN (SELECT value FROM json_each(?))');
  return states.decayInputs(
    tenant,
    ids,
    (missing) => (read.raw().all(tenant, JSON.stringify(missing)) as [string, Buffer][]).map(([id, blob]) => [id, decayInputsOfBlob(blob)]),
  );
}

/** `evaluationInstant` of a row whose last event is at `updatedAt`. */
function rowInstant(updatedAt: number | null, at: number): number {
  return updatedAt !== null && updatedAt > at ? updatedAt : at;
}

/** The rows SQL answers exactly: the page's candidates (ids), the count, and whether rows lie beyond the cursors. */
function sqlTally(prepare: PrepareStatement, tenant: string, query: RelationshipQuery, window: PageWindow, decay: boolean): Tally<string> {
  const where: RowsWhere = (params, filter, rows = 'STABLE') =>
    `tenant = @tenant${rows === 'ANY' ? '' : ` AND ${rows === 'STABLE' ? STABLE : UNSTABLE}`}${decay ? ' AND married = 0' : ''}` +
    (filter ? ` AND ${filterSql(filter, params, 'NO_MARRIAGE')}` : '');
  const scope = { prepare, tenant, at: query.at, withoutMarriage: decay };
  return { best: sqlPageRows(scope, window, query.filter, where), ...sqlCounts(scope, window, query.filter, where) };
}
