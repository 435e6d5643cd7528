/**
 * Tallies of each tenant's latest cycles (the rows of `cycles` with
 * `next_started IS NULL`), kept by triggers in the writes' own transactions
 * (as relationship_row_counts is), so the statistics "now" over the whole
 * tenant read a few hundred rows instead of every relationship's
 * (latest-cycle-answers.ts):
 * - `latest_cycle_counts`: counters by name: the funnel's total, `entered<k>`
 *   and `reached<k>` for each funnel phase k, and one per ending and reason
 *   (its name the JSON array [outcome, reason kind, reason value]);
 * - `latest_cycle_values`: the whole seconds each latest cycle measures
 *   (MEASURES: time to proposal, to marriage, between funnel phases), in
 *   value order: the values of one hour-wide bucket are a range of it;
 * - `latest_cycle_buckets`: how many values, and their sum, per measure and
 *   hour-wide bucket: a walk over a measure's buckets finds the one holding a
 *   rank, so a median reads one bucket's values, not the tenant's.
 * Every expression is written once here, in SQL, and read back for the few
 * rows a statistic leaves out (latest-cycle-answers.ts), so the kept tallies
 * and the rows mean the same by construction.
 */

/** Width of a bucket of `latest_cycle_buckets`, in seconds (a whole number of them per week). */
export const BUCKET_SECONDS = 3_600;

/** Floor division of SQLite integers (`/` truncates towards zero). */
function floorDiv(x: string, d: number): string {
  return `((${x} - ((${x} % ${d}) + ${d}) % ${d}) / ${d})`;
}

/** The funnel's phases' first entries in a cycle's row (FUNNEL_PHASES: ATTRACTION is the start). */
const FUNNEL_COLUMNS = ['started', 'dating', 'exclusive', 'proposed', 'married_entered'] as const;

/**
 * The kept measures: whole seconds, as the statistics count them — a
 * duration from the cycle's start (`wholeSeconds`), a gap between funnel
 * phases (`Math.floor(ms / 1000)`, FunnelTally) — null when not reached.
 */
export const MEASURES = ['TIME_TO_PROPOSAL', 'TIME_TO_MARRIAGE', 'GAP_0', 'GAP_1', 'GAP_2', 'GAP_3'] as const;
export type Measure = (typeof MEASURES)[number];

/**
 * `SELECT measure, seconds` for each of MEASURES, of the row whose columns
 * are prefixed by `row` ('new.' or 'old.' in a trigger), or of every row of
 * `from` (a table: `row` is then its name and a dot).
 */
export function measuresSelect(row: string, from = ''): string {
  const c = (column: string): string => `${row}${column}`;
  const spans = [
    `max(0, (${c('first_proposal')} - ${c('started')}) / 1000)`,
    `max(0, (${c('married')} - ${c('started')}) / 1000)`,
    ...[0, 1, 2, 3].map((k) => floorDiv(`(${c(FUNNEL_COLUMNS[k + 1]!)} - ${c(FUNNEL_COLUMNS[k]!)})`, 1000)),
  ];
  const of = from === '' ? '' : ` FROM ${from}`;
  return spans.map((span, m) => `SELECT ${m} AS measure, ${span} AS seconds${of}`).join(' UNION ALL ');
}

/** `SELECT name, counted` for every counter, of the row or rows as measuresSelect's. */
export function countersSelect(row: string, from = ''): string {
  const c = (column: string): string => `${row}${column}`;
  const counters: [string, string][] = [["'total'", '1']];
  FUNNEL_COLUMNS.forEach((column, k) => counters.push([`'entered${k}'`, `${c(column)} IS NOT NULL`]));
  FUNNEL_COLUMNS.forEach((_, k) => {
    const later = FUNNEL_COLUMNS.slice(k).map(c);
    counters.push([`'reached${k}'`, `(${later.map((column) => `${column} IS NOT NULL`).join(' OR ')})`]);
  });
  // A JSON array, parsed back by the reader (latest-cycle-answers.ts).
  counters.push([
    `'[' || json_quote(${c('outcome')}) || ',' || json_quote(${c('reason_kind')}) || ',' || json_quote(${c('reason_value')}) || ']'`,
    `${c('outcome')} IS NOT NULL AND ${c('reason_kind')} IS NOT NULL AND ${c('ended')} IS NOT NULL`,
  ]);
  const of = from === '' ? '' : ` FROM ${from}`;
  return counters.map(([name, counted]) => `SELECT ${name} AS name, ${counted} AS counted${of}`).join(' UNION ALL ');
}

const SCHEMA = `
  -- Tallies of the latest cycles: see tables/latest-cycle-tallies.ts.
  CREATE TABLE latest_cycle_counts (
    tenant TEXT    NOT NULL,
    name   TEXT    NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (tenant, name)
  ) WITHOUT ROWID;
  CREATE TABLE latest_cycle_values (
    tenant          TEXT    NOT NULL,
    measure         INTEGER NOT NULL,
    seconds         INTEGER NOT NULL,
    relationship_id TEXT    NOT NULL,
    PRIMARY KEY (tenant, measure, seconds, relationship_id)
  ) WITHOUT ROWID;
  CREATE TABLE latest_cycle_buckets (
    tenant  TEXT    NOT NULL,
    measure INTEGER NOT NULL,
    bucket  INTEGER NOT NULL,
    n       INTEGER NOT NULL,
    total   INTEGER NOT NULL,
    PRIMARY KEY (tenant, measure, bucket)
  ) WITHOUT ROWID;
  CREATE TRIGGER latest_cycle_tallies_insert AFTER INSERT ON cycles WHEN new.next_started IS NULL
  BEGIN
    INSERT INTO latest_cycle_counts (tenant, name, n)
      SELECT new.tenant, name, 1 FROM (${countersSelect('new.')}) WHERE counted
      ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO latest_cycle_values (tenant, measure, seconds, relationship_id)
      SELECT new.tenant, measure, seconds, new.relationship_id FROM (${measuresSelect('new.')}) WHERE seconds IS NOT NULL;
    INSERT INTO latest_cycle_buckets (tenant, measure, bucket, n, total)
      SELECT new.tenant, measure, ${floorDiv('seconds', BUCKET_SECONDS)}, 1, seconds FROM (${measuresSelect('new.')}) WHERE seconds IS NOT NULL
      ON CONFLICT DO UPDATE SET n = n + 1, total = total + excluded.total;
  END;
  CREATE TRIGGER latest_cycle_tallies_delete AFTER DELETE ON cycles WHEN old.next_started IS NULL
  BEGIN
    UPDATE latest_cycle_counts SET n = n - 1
      WHERE tenant = old.tenant AND name IN (SELECT name FROM (${countersSelect('old.')}) WHERE counted);
    DELETE FROM latest_cycle_values
      WHERE tenant = old.tenant AND relationship_id = old.relationship_id
        AND (measure, seconds) IN (SELECT measure, seconds FROM (${measuresSelect('old.')}) WHERE seconds IS NOT NULL);
    UPDATE latest_cycle_buckets SET n = n - 1, total = total - gone.seconds
      FROM (SELECT measure, seconds FROM (${measuresSelect('old.')}) WHERE seconds IS NOT NULL) AS gone
      WHERE latest_cycle_buckets.tenant = old.tenant AND latest_cycle_buckets.measure = gone.measure
        AND latest_cycle_buckets.bucket = ${floorDiv('gone.seconds', BUCKET_SECONDS)};
  END;
`;

/** A DerivedTable (derived-tables.ts lists it after cycles), kept by its triggers: nothing to write per row. */
export const latestCycleTalliesTable = {
  name: 'latest_cycle_tallies',
  schema: SCHEMA,
  writer(): () => void {
    return () => {};
  },
};
