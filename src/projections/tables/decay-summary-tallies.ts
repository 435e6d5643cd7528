/**
 * The decay summary "now" over a whole tenant from tallies the writer keeps
 * of the marriages whose trend is frozen (divorced: decay-inputs.ts scores
 * the trend once, at the divorce), so a request scores only the current
 * marriages (a few thousand at 100k relationships) instead of reading every
 * marriage's row:
 * - `decay_frozen`: a row per frozen marriage of `decay_inputs`: the instant
 *   from which the summary counts it as frozen (`since`: its divorce or its
 *   opening, the later; never while a deadline is pending), the status it
 *   froze with (-1: none) and the milliseconds from signing to its first
 *   neglect (null: never neglected), rewritten with the row of decay_inputs;
 * - `decay_frozen_counts`: how many per status; `decay_frozen_buckets`: how
 *   many neglect delays per day, kept by triggers on decay_frozen, so a
 *   median walks the buckets to the one holding its rank and reads only it
 *   (as latest-cycle-answers.ts does for the durations).
 * An answer at the instant T is the tallies less the frozen marriages not
 * yet counted as frozen at T (`since` after T: a range of an index), plus
 * the current marriages and those scored from their rows as the summary
 * scores any row (cycle-facts.ts), plus the relationships with a deadline
 * due. Only now, ungrouped and without a segment, owner or window (as
 * keptTalliesAnswer); at a past instant the rows are read as before.
 */
import type Database from 'better-sqlite3';
import type { AnalyticsRequest } from '../../app/read-side.js';
import { DecayTally, type DecaySummary, type EndedCounts } from '../../analytics/decay.js';
import { DAY_MS, type Rules } from '../../domain/rules.js';
import { BucketedValues, type KeptBuckets } from './bucketed-values.js';
import { dueDeadlineFacts, tallyDecayRowsWhere } from './cycle-facts.js';
import { frozenStatusOf, UNFROZEN_INDEX } from './decay-inputs.js';
import { floorDiv } from './latest-cycle-tallies.js';

/**
 * Width of a bucket of neglect delays, in milliseconds: a day (delays run
 * to years: at 100k relationships, ~500 buckets of ~80 delays; hour-wide
 * ones made 10,000 rows to walk).
 */
const BUCKET_MS = DAY_MS;

/** `since` for a row with a deadline pending: never counted as frozen from the tallies (read from its row). */
const NEVER = Number.MAX_SAFE_INTEGER;

const SCHEMA = `
  -- Tallies of the frozen decay trends: see tables/decay-summary-tallies.ts.
  CREATE TABLE decay_frozen (
    tenant          TEXT    NOT NULL,
    relationship_id TEXT    NOT NULL,
    since           INTEGER NOT NULL,
    status          INTEGER NOT NULL,
    delay           INTEGER,
    PRIMARY KEY (tenant, relationship_id)
  ) WITHOUT ROWID;
  CREATE INDEX decay_frozen_since ON decay_frozen (tenant, since);
  CREATE INDEX decay_frozen_delay ON decay_frozen (tenant, delay) WHERE delay IS NOT NULL;
  CREATE TABLE decay_frozen_counts (
    tenant TEXT    NOT NULL,
    status INTEGER NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (tenant, status)
  ) WITHOUT ROWID;
  CREATE TABLE decay_frozen_buckets (
    tenant TEXT    NOT NULL,
    bucket INTEGER NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (tenant, bucket)
  ) WITHOUT ROWID;
  CREATE TRIGGER decay_frozen_insert AFTER INSERT ON decay_frozen
  BEGIN
    INSERT INTO decay_frozen_counts (tenant, status, n) SELECT new.tenant, new.status, 1 WHERE true
      ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO decay_frozen_buckets (tenant, bucket, n) SELECT new.tenant, ${floorDiv('new.delay', BUCKET_MS)}, 1 WHERE new.delay IS NOT NULL
      ON CONFLICT DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER decay_frozen_delete AFTER DELETE ON decay_frozen
  BEGIN
    UPDATE decay_frozen_counts SET n = n - 1 WHERE tenant = old.tenant AND status = old.status;
    UPDATE decay_frozen_buckets SET n = n - 1 WHERE tenant = old.tenant AND bucket = ${floorDiv('old.delay', BUCKET_MS)};
  END;
`;

/** A DerivedTable (derived-tables.ts lists it after decay_inputs): each write copies the relationship's frozen row, if any. */
export const decaySummaryTalliesTable = {
  name: 'decay_summary_tallies',
  schema: SCHEMA,
  writer(db: Database.Database): (row: { readonly tenant: string; readonly id: string }) => void {
    const remove = db.prepare('DELETE FROM decay_frozen WHERE tenant = ? AND relationship_id = ?');
    const copy = db.prepare(
      `INSERT INTO decay_frozen (tenant, relationship_id, since, status, delay)
       SELECT tenant, relationship_id, CASE WHEN next_deadline IS NULL THEN max(frozen_at, opened_at) ELSE ${NEVER} END, frozen_status, neglected - married
       FROM decay_inputs WHERE tenant = ? AND relationship_id = ? AND frozen_at IS NOT NULL`,
    );
    return (row) => {
      remove.run(row.tenant, row.id);
      copy.run(row.tenant, row.id);
    };
  },
};

/** Whether the kept tallies can answer the decay summary `request` (see the module comment). */
export function keptDecayAnswer(request: AnalyticsRequest): boolean {
  const { question, scope } = request;
  return question.kind === 'DECAY' && !request.asOf && scope.segment == null && scope.owner == null && scope.from == null && scope.to == null;
}

/** The decay summary now from the kept tallies and the rows of the marriages not counted by them. */
export function keptDecaySummary(db: Database.Database, tenant: string, request: AnalyticsRequest, rules: Rules): DecaySummary {
  const at = request.scope.at;
  // The frozen marriages the tallies count that are not frozen (or not in scope, or not read from their row) at the instant.
  const left = db
    .prepare('SELECT relationship_id, status, delay FROM decay_frozen WHERE tenant = ? AND since > ?')
    .safeIntegers(false)
    .raw()
    .all(tenant, at) as [string, number, number | null][];
  const tally = new DecayTally();
  tallyDecayRowsWhere(db, tenant, request, rules, tally, { sql: 'frozen_at IS NULL', params: {} }, UNFROZEN_INDEX);
  if (left.length > 0) {
    tallyDecayRowsWhere(db, tenant, request, rules, tally, {
      sql: 'relationship_id IN (SELECT value FROM json_each(@left))',
      params: { left: JSON.stringify(left.map(([id]) => id)) },
    });
  }
  for (const { facts } of dueDeadlineFacts(db, tenant, request, rules)) tally.addFacts(facts);
  const ended: EndedCounts = { IMPROVING: 0, STABLE: 0, DECAYING: 0, NONE: 0 };
  const counts = db.prepare('SELECT status, n FROM decay_frozen_counts WHERE tenant = ?').safeIntegers(false).raw().all(tenant) as [number, number][];
  for (const [status, n] of counts) ended[frozenStatusOf(status) ?? 'NONE'] += n;
  for (const [, status] of left) ended[frozenStatusOf(status) ?? 'NONE']--;
  tally.addEnded(ended);
  const leftDelays = left.flatMap(([, , delay]) => (delay === null ? [] : [delay]));
  return tally.result(keptDelays(db, tenant, leftDelays, tally.delays()));
}

/** The neglect delays by rank (bucketed-values.ts): the kept ones less `left`, plus `added`. */
function keptDelays(db: Database.Database, tenant: string, left: readonly number[], added: readonly number[]): BucketedValues {
  const kept: KeptBuckets = {
    width: BUCKET_MS,
    counts: () =>
      db.prepare('SELECT bucket, n FROM decay_frozen_buckets WHERE tenant = ? AND n > 0 ORDER BY bucket').safeIntegers(false).raw().all(tenant) as [number, number][],
    valuesIn: (bucket) =>
      db
        .prepare('SELECT delay FROM decay_frozen WHERE tenant = ? AND delay >= ? AND delay < ?')
        .safeIntegers(false)
        .pluck()
        .all(tenant, bucket * BUCKET_MS, (bucket + 1) * BUCKET_MS) as number[],
  };
  return new BucketedValues(kept, left, added);
}
