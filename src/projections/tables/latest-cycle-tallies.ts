/**
 * Tallies of each tenant's latest cycles (the rows of `cycles` with
 * `next_started IS NULL`), kept by triggers in the writes' own transactions
 * (as relationship_row_counts is), so the statistics "now" over the whole
 * tenant read a few hundred rows instead of every relationship's
 * (latest-cycle-answers.ts):
 * - `latest_cycle_shapes`: how many latest cycles share a shape: the funnel
 *   phases they entered (a bit each, FUNNEL_COLUMNS' order) and their ending
 *   (the JSON array [outcome, reason kind, reason value], '' while open or
 *   without a reason): the funnel's and the outcomes' counts are sums of it;
 * - `latest_cycle_values`: the whole seconds each latest cycle measures
 *   (MEASURES: time to proposal, to marriage, between funnel phases), in
 *   value order: the values of one hour-wide bucket are a range of it;
 * - `latest_cycle_buckets`: how many values, and their sum, per measure and
 *   hour-wide bucket: a walk over a measure's buckets finds the one holding a
 *   rank, so a median reads one bucket's values, not the tenant's.
 * The reader (latest-cycle-answers.ts) counts the facts of the few
 * relationships it leaves out or adds by the same rules in JS (`countInto`,
 * `measureOf`); the property tests hold the two readings equal to replays.
 */

/** Width of a bucket of `latest_cycle_buckets`, in seconds (a whole number of them per week). */
export const BUCKET_SECONDS = 3_600;

/** Floor division of SQLite integers (`/` truncates towards zero). */
export function floorDiv(x: string, d: number): string {
  return `((${x} - ((${x} % ${d}) + ${d}) % ${d}) / ${d})`;
}

/** The funnel's phases' first entries in a cycle's row (FUNNEL_PHASES: ATTRACTION is the start). */
export const FUNNEL_COLUMNS = ['started', 'dating', 'exclusive', 'proposed', 'married_entered'] as const;

/**
 * The kept measures: whole seconds, as the statistics count them — a
 * duration from the cycle's start (`wholeSeconds`), a gap between funnel
 * phases (`Math.floor(ms / 1000)`, FunnelTally) — null when not reached.
 */
export const MEASURES = ['TIME_TO_PROPOSAL', 'TIME_TO_MARRIAGE', 'GAP_0', 'GAP_1', 'GAP_2', 'GAP_3'] as const;
export type Measure = (typeof MEASURES)[number];

/** The two milestones each of MEASURES spans, from and to (columns of cycles). */
export const MEASURE_COLUMNS: readonly (readonly [string, string])[] = [
  ['started', 'first_proposal'],
  ['started', 'married'],
  ...[0, 1, 2, 3].map((k) => [FUNNEL_COLUMNS[k]!, FUNNEL_COLUMNS[k + 1]!] as const),
];

/** Each of MEASURES as an SQL expression over a row's columns, as `column` names them (null when not reached). */
export function measureSpans(column: (name: string) => string): string[] {
  return MEASURE_COLUMNS.map(([from, to], m) =>
    m < 2 ? `max(0, (${column(to)} - ${column(from)}) / 1000)` : floorDiv(`(${column(to)} - ${column(from)})`, 1000),
  );
}

/** `SELECT measure, seconds` for each of MEASURES, of the row whose columns are prefixed by `row` ('new.' or 'old.' in a trigger). */
function measuresSelect(row: string): string {
  return measureSpans((column) => `${row}${column}`)
    .map((span, m) => `SELECT ${m} AS measure, ${span} AS seconds`)
    .join(' UNION ALL ');
}

/** The shape of the row whose columns are prefixed by `row`: `[entered bits, ending]` as SQL expressions. */
function shapeOf(row: string): [string, string] {
  const c = (column: string): string => `${row}${column}`;
  const entered = FUNNEL_COLUMNS.map((column, k) => `((${c(column)} IS NOT NULL) << ${k})`).join(' | ');
  const ending =
    `CASE WHEN ${c('outcome')} IS NOT NULL AND ${c('reason_kind')} IS NOT NULL AND ${c('ended')} IS NOT NULL` +
    ` THEN '[' || json_quote(${c('outcome')}) || ',' || json_quote(${c('reason_kind')}) || ',' || json_quote(${c('reason_value')}) || ']' ELSE '' END`;
  return [entered, ending];
}

/** The columns of cycles the tallies read: an update that changes none of them changes no tally. */
const TALLIED = ['next_started', 'started', ...FUNNEL_COLUMNS.slice(1), 'first_proposal', 'married', 'ended', 'outcome', 'reason_kind', 'reason_value'];

/** A trigger's statements adding the row `new` to the tallies, when `guard` holds. */
function added(guard: string): string {
  return `
    INSERT INTO latest_cycle_shapes (tenant, entered, ending, n)
      SELECT new.tenant, ${shapeOf('new.').join(', ')}, 1 WHERE ${guard}
      ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO latest_cycle_values (tenant, measure, seconds, relationship_id)
      SELECT new.tenant, measure, seconds, new.relationship_id FROM (${measuresSelect('new.')}) WHERE seconds IS NOT NULL AND ${guard};
    INSERT INTO latest_cycle_buckets (tenant, measure, bucket, n, total)
      SELECT new.tenant, measure, ${floorDiv('seconds', BUCKET_SECONDS)}, 1, seconds FROM (${measuresSelect('new.')}) WHERE seconds IS NOT NULL AND ${guard}
      ON CONFLICT DO UPDATE SET n = n + 1, total = total + excluded.total;`;
}

/** A trigger's statements taking the row `old` out of the tallies, when `guard` holds. */
function removed(guard: string): string {
  return `
    UPDATE latest_cycle_shapes SET n = n - 1
      WHERE tenant = old.tenant AND ${guard} AND entered = ${shapeOf('old.')[0]} AND ending = ${shapeOf('old.')[1]};
    DELETE FROM latest_cycle_values
      WHERE tenant = old.tenant AND relationship_id = old.relationship_id AND ${guard}
        AND (measure, seconds) IN (SELECT measure, seconds FROM (${measuresSelect('old.')}) WHERE seconds IS NOT NULL);
    UPDATE latest_cycle_buckets SET n = n - 1, total = total - gone.seconds
      FROM (SELECT measure, seconds FROM (${measuresSelect('old.')}) WHERE seconds IS NOT NULL) AS gone
      WHERE latest_cycle_buckets.tenant = old.tenant AND latest_cycle_buckets.measure = gone.measure AND ${guard}
        AND latest_cycle_buckets.bucket = ${floorDiv('gone.seconds', BUCKET_SECONDS)};`;
}

const SCHEMA = `
  -- Tallies of the latest cycles: see tables/latest-cycle-tallies.ts.
  CREATE TABLE latest_cycle_shapes (
    tenant  TEXT    NOT NULL,
    entered INTEGER NOT NULL,
    ending  TEXT    NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (tenant, entered, ending)
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
    ${added('new.next_started IS NULL')}
  END;
  CREATE TRIGGER latest_cycle_tallies_delete AFTER DELETE ON cycles WHEN old.next_started IS NULL
  BEGIN
    ${removed('old.next_started IS NULL')}
  END;
  -- The writer rewrites a relationship's cycles with every change; most change none of the tallied columns.
  CREATE TRIGGER latest_cycle_tallies_update AFTER UPDATE ON cycles
    WHEN (old.next_started IS NULL OR new.next_started IS NULL) AND (${TALLIED.map((column) => `old.${column} IS NOT new.${column}`).join(' OR ')})
  BEGIN
    ${removed('old.next_started IS NULL')}
    ${added('new.next_started IS NULL')}
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
