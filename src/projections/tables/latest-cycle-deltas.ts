/**
 * What the kept tallies (latest-cycle-tallies.ts) hold otherwise than the
 * rows read at an instant, summed by SQLite instead of read into JS row by
 * row (latest-cycle-answers.ts adds these to the tallies):
 * - less the latest cycles `changed` since the instant, opened after it or
 *   with a deadline due by it, as they read now;
 * - plus, as they read at the instant (milestones after it not reached),
 *   those of them in scope there (`i`) and the older cycles current at it.
 * A changed cycle in scope at the instant reads the same there as now in
 * each part it has reached by then, so the two readings cancel row by row
 * in SQL: a measure's value (both its milestones by the instant) or an
 * ending (ended by the instant) is returned only when it differs, and the
 * funnel's counters are sums. Reading ~2,900 rows of 12 columns into JS
 * cost ~1.5 µs a row; SQLite sums them for a tenth of that.
 */
import type Database from 'better-sqlite3';
import type { AnalyticsRequest } from '../../app/read-side.js';
import type { ClosedPhase } from '../../domain/events.js';
import type { OutcomeReasonKind } from '../../analytics/outcomes.js';
import { cutOf, rowsOf } from './cycle-facts.js';
import { FUNNEL_COLUMNS, MEASURE_COLUMNS, measureSpans } from './latest-cycle-tallies.js';

/** The columns the deltas read of a row of cycles. */
const COLUMNS = [...FUNNEL_COLUMNS, 'first_proposal', 'married', 'ended', 'outcome', 'reason_kind', 'reason_value'].join(', ');

/** A column as it reads now. */
const now = (column: string): string => column;
/** The milestones cut at the instant (the start is the cycle's, in scope only when by the instant). */
const CUT = [...FUNNEL_COLUMNS.slice(1), 'first_proposal', 'married', 'ended'];
/** A column as it reads at the instant: a milestone after it not reached (computed once a row by `rows`). */
const atCut = (column: string): string => (CUT.includes(column) ? `${column}_at` : column);

/** The funnel phases a row entered, a bit each (latest_cycle_shapes' `entered`), reading its columns by `c`. */
const enteredBits = (c: (column: string) => string): string => FUNNEL_COLUMNS.map((column, k) => `((${c(column)} IS NOT NULL) << ${k})`).join(' | ');
/** Whether the row has an ending counted by the outcomes, reading its columns by `c`. */
const ending = (c: (column: string) => string): string => `(${c('ended')} IS NOT NULL AND outcome IS NOT NULL AND reason_kind IS NOT NULL)`;

/** The statements compiled, per connection: the queries are long, and the same few texts come again (STATEMENTS_KEPT at most). */
const statementsOf = new WeakMap<Database.Database, Map<string, Database.Statement>>();
const STATEMENTS_KEPT = 64;

/** `sql` compiled once per connection, reading rows as arrays of numbers (not BigInts). */
function prepared(db: Database.Database, sql: string): Database.Statement {
  let statements = statementsOf.get(db);
  if (statements === undefined) statementsOf.set(db, (statements = new Map()));
  let statement = statements.get(sql);
  if (statement === undefined) {
    if (statements.size >= STATEMENTS_KEPT) statements.clear();
    statements.set(sql, (statement = db.prepare(sql).safeIntegers(false).raw()));
  }
  return statement;
}

/** The net changes of the counters and values at the request's instant, read lazily (each a query). */
export class ChangedCycles {
  private readonly sql: string;
  private readonly params: Record<string, unknown>;
  private readonly asOf: boolean;

  constructor(
    private readonly db: Database.Database,
    tenant: string,
    request: AnalyticsRequest,
    skip: readonly string[],
  ) {
    const { sql, params } = rowsOf(tenant, request, skip);
    this.sql = sql;
    this.params = { ...params, cut: cutOf(request) };
    this.asOf = request.asOf;
  }

  /**
   * The rows: the changed ones (`w`, counted now: taken out; `i`, in scope at
   * the instant: added) and the older ones (`i`), with COLUMNS and the
   * milestones at the instant (atCut).
   */
  private rows(): string {
    const latest = `SELECT ${COLUMNS}, coalesce(${this.sql}, 0) AS i, 1 AS w FROM cycles WHERE tenant = @tenant AND next_started IS NULL`;
    // Three disjoint ranges: changed since the instant (cycles_latest_changed), a deadline due (cycles_latest_deadline), opened after it
    // (cycles_latest_opened); `+changed` keeps the last two off cycles_latest_changed, whose range they would read whole.
    let rows =
      `${latest} AND changed > @cut` +
      ` UNION ALL ${latest} AND next_deadline <= @at AND +changed <= @cut` +
      ` UNION ALL ${latest} AND cycle >= 1 AND opened_at > @at AND +changed <= @cut AND (next_deadline IS NULL OR next_deadline > @at)`;
    if (this.asOf) rows += ` UNION ALL SELECT ${COLUMNS}, 1 AS i, 0 AS w FROM cycles WHERE ${this.sql} AND next_started > @cut`;
    return `SELECT *, ${CUT.map((column) => `CASE WHEN ${column} <= @cut THEN ${column} END AS ${column}_at`).join(', ')} FROM (${rows}) LIMIT -1`;
  }

  // Each query below computes a row's changes once in a subquery: its LIMIT keeps SQLite from copying
  // the expressions into every aggregate reading them (subquery flattening).

  /** The endings' changes, keyed JSON.stringify([outcome, reason kind, reason value]) as countInto keys them. */
  endingCounts(): Map<string, number> {
    // Ended by the instant implies ended now, with the same ending: a changed row in scope that ended by then cancels.
    const change = `CASE WHEN w THEN -(${ending(now)} AND NOT (i AND ${ending(atCut)})) ELSE ${ending(atCut)} END`;
    const rows = prepared(
      this.db,
      `SELECT outcome, reason_kind, reason_value, sum(n) FROM (SELECT outcome, reason_kind, reason_value, ${change} AS n FROM (${this.rows()}) LIMIT -1) WHERE n <> 0 GROUP BY 1, 2, 3`,
    ).all(this.params) as [ClosedPhase, OutcomeReasonKind, string | null, number][];
    return new Map(rows.map(([outcome, kind, value, n]) => [JSON.stringify([outcome, kind, value]), n]));
  }

  /**
   * In one pass grouped by SQLite: the funnel shapes' changes (when
   * `shapes`: how many more or fewer rows entered each set of phases,
   * latest_cycle_shapes' `entered`) and, for each of `measures` (indexes of
   * MEASURES), the values to take out of the tallies (`left`) and to add
   * (`added`). A value reads the same at the instant when both its
   * milestones were reached by then, so a changed row in scope gives one
   * only when it reached one after the instant.
   */
  changes(measures: readonly number[], shapes: boolean): Changes {
    const spans = [measureSpans(now), measureSpans(atCut)] as const;
    // n, c: the phases entered of a row taken out (`w`), of a row added (`i`), at the instant; l, a: a measure's value taken out, added.
    const columns = [
      ...(shapes ? [`CASE WHEN w THEN ${enteredBits(now)} END`, `CASE WHEN i THEN ${enteredBits(atCut)} END`] : []),
      ...measures.flatMap((m) => [
        `CASE WHEN w AND NOT (i AND ${MEASURE_COLUMNS[m]!.map((column) => `${atCut(column)} IS NOT NULL`).join(' AND ')}) THEN ${spans[0][m]!} END`,
        `CASE WHEN NOT w THEN ${spans[1][m]!} END`,
      ]),
    ];
    const result: Changes = { shapes: [], values: new Map(measures.map((m) => [m, { left: [], added: [] }])) };
    if (columns.length === 0) return result;
    const keys = columns.map((_, k) => `c${k}`);
    // Without the shapes, only the rows with a value to change are grouped.
    const some = shapes ? '' : ` WHERE ${keys.map((key) => `${key} IS NOT NULL`).join(' OR ')}`;
    const rows = prepared(
      this.db,
      `SELECT ${keys.join(', ')}, count(*) FROM (SELECT ${columns.map((column, k) => `${column} AS c${k}`).join(', ')} FROM (${this.rows()}) LIMIT -1)` +
        `${some} GROUP BY ${keys.join(', ')}`,
    ).all(this.params) as (number | null)[][];
    const first = shapes ? 2 : 0;
    for (const row of rows) {
      const n = row[columns.length]!;
      if (shapes && row[0] !== null) result.shapes.push([row[0]!, -n]);
      if (shapes && row[1] !== null) result.shapes.push([row[1]!, n]);
      measures.forEach((m, j) => {
        const [left, added] = [row[first + 2 * j], row[first + 2 * j + 1]];
        const values = result.values.get(m)!;
        for (let k = 0; k < n; k++) {
          if (left != null) values.left.push(left);
          if (added != null) values.added.push(added);
        }
      });
    }
    return result;
  }
}

/** What ChangedCycles.changes returns. */
export interface Changes {
  readonly shapes: [entered: number, n: number][];
  readonly values: Map<number, { readonly left: number[]; readonly added: number[] }>;
}
