/**
 * `relationship_rows`: one row per relationship with every column a list of
 * relationships filters or orders on (RelationshipFilter, RelationshipOrder
 * in app/read-side.ts), as the recorded state gives them, so that a page of
 * relationships "now" is an index scan (relationship-list.ts).
 *
 * Some values move with time alone; the row keeps what makes them exact at
 * any instant T (a row is evaluated at max(T, updated_at), see
 * `evaluationInstant`):
 * - the clock flags (UNANSWERED_QUESTIONS, GOING_SILENT, NEGLECT while
 *   married) are raised exactly when T is past a threshold of the state
 *   (`clockFlagThresholds`): stored as `*_after`, compared in SQL;
 * - a deadline due but not recorded yet changes the phase and everything
 *   after it (`advanceTo`): `stable_until` is that deadline's instant
 *   (always after `updated_at`), and a row whose `stable_until` is not after
 *   the query's instant is
 *   evaluated in JS from its state instead (there are few: the scheduler
 *   records a deadline moments after it falls due). `next_deadline` is what
 *   the deadline scheduler starts from;
 * - decay (status and score) is continuous in time: only relationships whose
 *   current cycle reached marriage (`married`) have one, and those are
 *   evaluated in JS whenever a filter or ordering asks for decay.
 */
import type Database from 'better-sqlite3';
import type { RelationshipColumns, RelationshipRow } from '../../app/read-side.js';
import { nextDeadline } from '../../domain/deadlines.js';
import { PHASES, RISK_FLAGS, type Phase, type RiskFlag } from '../../domain/events.js';
import { timeToMarriage, timeToProposal } from '../../domain/metrics/durations.js';
import { clockFlagThresholds, standingFlags } from '../../domain/metrics/flags.js';
import { currentMarriage } from '../../domain/metrics/marriage.js';
import type { Rules } from '../../domain/rules.js';

/** A flag's bit in `flags` (RISK_FLAGS order). */
export function flagBit(flag: RiskFlag): number {
  return 1 << RISK_FLAGS.indexOf(flag);
}

/** A phase's rank in a list ordered by PHASE: the order of PHASES. */
export const PHASE_RANK = new Map<Phase, number>(PHASES.map((phase, index) => [phase, index]));

/** Every string column `contains` compares, with its case-folded twin (null when folding changes nothing). */
export const FOLDED_COLUMNS = {
  id: 'id_folded',
  account_name: 'account_name_folded',
  segment: 'segment_folded',
  owner: 'owner_folded',
  source: 'source_folded',
} as const;

const SCHEMA = `
  -- One row per relationship: its list columns (see tables/relationship-rows.ts).
  CREATE TABLE relationship_rows (
    tenant                TEXT    NOT NULL,
    id                    TEXT    NOT NULL,
    id_folded             TEXT,
    account_name          TEXT,
    account_name_folded   TEXT,
    segment               TEXT,
    segment_folded        TEXT,
    owner                 TEXT,
    owner_folded          TEXT,
    source                TEXT,
    source_folded         TEXT,
    opened_at             INTEGER,
    phase                 TEXT,
    phase_rank            INTEGER,
    cycle                 INTEGER NOT NULL,
    -- Stream revision of the last event, and its global position: the row's identity in a page.
    version               INTEGER NOT NULL,
    position              INTEGER NOT NULL,
    phase_since           INTEGER,
    updated_at            INTEGER,
    time_to_proposal_days REAL,
    time_to_marriage_days REAL,
    -- Flags raised whatever the clock says, one bit each in RISK_FLAGS order.
    flags                 INTEGER NOT NULL,
    -- Clock flags: raised at T when T > the threshold (null: not under this state).
    unanswered_after      INTEGER,
    silent_after          INTEGER,
    neglect_after         INTEGER,
    -- The current cycle reached marriage: the only rows with a decay trend.
    married               INTEGER NOT NULL,
    -- The next deadline (null: none), as the deadline scheduler starts from it.
    next_deadline         INTEGER,
    -- Until then the columns are the row's values at any instant past its last
    -- event: the next deadline, or STILL_DUE when that is not after the last
    -- event (rules shortened since). From then on the row is evaluated from its state.
    stable_until          INTEGER,
    PRIMARY KEY (tenant, id)
  ) WITHOUT ROWID;
  -- stable_until and married end each index: a count reads the index alone.
  CREATE INDEX relationship_rows_by_update ON relationship_rows (tenant, updated_at, id, stable_until, married);
  -- A phase + segment page ordered by updated_at or time_to_proposal_days reads one ordered
  -- range per phase (relationship-sql-page.ts): each of these two indexes serves one of them.
  CREATE INDEX relationship_rows_by_phase_segment ON relationship_rows (tenant, phase, segment, updated_at, id, stable_until, married);
  CREATE INDEX relationship_rows_by_phase_segment_ttp ON relationship_rows (tenant, phase, segment, time_to_proposal_days, id, stable_until, married);
  CREATE INDEX relationship_rows_by_time_to_proposal ON relationship_rows (tenant, time_to_proposal_days, id, stable_until, married);
  CREATE INDEX relationship_rows_unstable ON relationship_rows (tenant, stable_until) WHERE stable_until IS NOT NULL;
  CREATE INDEX relationship_rows_married ON relationship_rows (tenant, married) WHERE married = 1;
`;

/** `stable_until` of a row due at its last event already: before any instant a list is evaluated at. */
export const STILL_DUE = Number.MIN_SAFE_INTEGER;

/** The clock flags and the column holding each one's threshold. */
export const CLOCK_FLAG_COLUMNS = {
  UNANSWERED_QUESTIONS: 'unanswered_after',
  GOING_SILENT: 'silent_after',
  NEGLECT: 'neglect_after',
} as const;

/** A DerivedTable (derived-tables.ts, which lists it: typed there, so this folder never imports its parent). */
export const relationshipRowsTable = {
  name: 'relationship_rows',
  schema: SCHEMA,
  writer(db: Database.Database, rules: Rules): (row: RelationshipRow) => void {
    // An upsert rather than REPLACE: an update rewrites only the indexes whose columns changed.
    const upsert = db.prepare(
      `INSERT INTO relationship_rows (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})
       ON CONFLICT (tenant, id) DO UPDATE SET ${COLUMNS.slice(2)
         .map((column) => `${column} = excluded.${column}`)
         .join(', ')}`,
    );
    return (row) => {
      upsert.run(columnsOf(row, rules));
    };
  },
};

/** The table's columns, in the order of `columnsOf`. */
const COLUMNS = [
  'tenant', 'id', 'id_folded', 'account_name', 'account_name_folded', 'segment', 'segment_folded', 'owner', 'owner_folded',
  'source', 'source_folded', 'opened_at', 'phase', 'phase_rank', 'cycle', 'version', 'position', 'phase_since', 'updated_at', 'time_to_proposal_days',
  'time_to_marriage_days', 'flags', 'unanswered_after', 'silent_after', 'neglect_after', 'married', 'next_deadline', 'stable_until',
] as const;

/** The row's values, in the table's column order. */
export function columnsOf(row: RelationshipRow, rules: Rules): unknown[] {
  const { state } = row;
  let flags = 0;
  for (const flag of standingFlags(state)) flags |= flagBit(flag);
  const thresholds = state.phase === null ? null : clockFlagThresholds(state, rules);
  const deadline = nextDeadline(state, rules);
  return [
    row.tenant,
    row.id,
    folded(row.id),
    state.accountName,
    folded(state.accountName),
    state.segment,
    folded(state.segment),
    state.owner,
    folded(state.owner),
    state.source,
    folded(state.source),
    state.openedAt,
    state.phase,
    state.phase === null ? null : PHASE_RANK.get(state.phase)!,
    state.cycle,
    state.version,
    row.position,
    state.phaseSince,
    state.lastEventAt,
    timeToProposal(state)?.days ?? null,
    timeToMarriage(state)?.days ?? null,
    flags,
    thresholds?.UNANSWERED_QUESTIONS ?? null,
    thresholds?.GOING_SILENT ?? null,
    thresholds?.NEGLECT ?? null,
    currentMarriage(state) === null ? 0 : 1,
    deadline?.at ?? null,
    deadline === null ? null : state.lastEventAt !== null && deadline.at > state.lastEventAt ? deadline.at : STILL_DUE,
  ];
}

/** What `contains` compares (JavaScript's own case folding, as the evaluator does); null when it is the value itself. */
function folded(value: string | null): string | null {
  if (value === null) return null;
  const lower = value.toLowerCase();
  return lower === value ? null : lower;
}

/** What `COLUMNS_SELECTED` selects, as a statement with safeIntegers off returns it (the position as text: exact past 2^53). */
export interface SelectedColumns {
  tenant: string;
  id: string;
  account_name: string | null;
  segment: string | null;
  owner: string | null;
  source: string | null;
  opened_at: number | null;
  phase: Phase | null;
  cycle: number;
  version: number;
  position: string;
  phase_since: number | null;
  updated_at: number | null;
  flags: number;
  unanswered_after: number | null;
  silent_after: number | null;
  neglect_after: number | null;
  stable_until: number | null;
}

/** The columns a `RelationshipColumns` is read from (`columnsFrom`), for a SELECT. */
export const COLUMNS_SELECTED =
  'tenant, id, account_name, segment, owner, source, opened_at, phase, cycle, version, CAST(position AS TEXT) AS position, phase_since, updated_at, flags, unanswered_after, silent_after, neglect_after, stable_until';

/** One relationship's columns (tenant, id): run with safeIntegers off. */
export const COLUMNS_OF_ONE = `SELECT ${COLUMNS_SELECTED} FROM relationship_rows WHERE tenant = ? AND id = ?`;

/** A row of `COLUMNS_SELECTED` as the read side's `RelationshipColumns`. */
export function columnsFrom(selected: SelectedColumns): RelationshipColumns {
  return {
    tenant: selected.tenant,
    id: selected.id,
    accountName: selected.account_name,
    segment: selected.segment,
    owner: selected.owner,
    source: selected.source,
    openedAt: selected.opened_at,
    phase: selected.phase,
    cycle: selected.cycle,
    version: selected.version,
    position: BigInt(selected.position),
    phaseSince: selected.phase_since,
    updatedAt: selected.updated_at,
    standingFlags: RISK_FLAGS.filter((flag) => (selected.flags & flagBit(flag)) !== 0),
    clockFlagThresholds: { UNANSWERED_QUESTIONS: selected.unanswered_after, GOING_SILENT: selected.silent_after, NEGLECT: selected.neglect_after },
    stableUntil: selected.stable_until,
  };
}
