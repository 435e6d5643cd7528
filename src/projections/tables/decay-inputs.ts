/**
 * `decay_inputs`: the decay inputs (domain/metrics/decay-inputs.ts) of each
 * relationship whose current cycle married, packed as a blob, rewritten with
 * the relationship (derived-tables.ts). A statistic scores a marriage's trend
 * at any instant from these few hundred bytes instead of parsing its state.
 * `cycle` is the cycle they belong to (the latest); the row also repeats
 * the few columns of that cycle's row of `cycles` the summary reads, so that
 * it reads this table alone.
 *
 * The summary reads many rows at once, not one at a time: SQLite
 * concatenates each chunk's rows into one blob (`group_concat`), so that
 * tens of thousands of marriages cost a few buffers instead of a Buffer and
 * five values each. Each row's part is its `summary` (SUMMARY numbers: the
 * signing, the cycle's end, its first neglect, and, for a divorce, its
 * instant and the trend it froze), followed by its inputs unless the trend is
 * frozen by the instant asked about: a divorced marriage's trend is scored
 * at the divorce whatever the later instant (docs/DECAY.md), so it is scored
 * once, when the row is written, with the rules the file was projected
 * under (the file is rebuilt under other rules: read-model-schema.ts).
 */
import type Database from 'better-sqlite3';
import type { RelationshipRow } from '../../app/read-side.js';
import type { DecayTally } from '../../analytics/decay.js';
import type { TrendFacts } from '../../analytics/facts.js';
import type { DecayStatus } from '../../domain/metrics/decay.js';
import { decayInputsLength, decayInputsOf, decayStatusOfInputs, scoreInputsInto, type DecayInputs, type TrendOut } from '../../domain/metrics/decay-inputs.js';
import { nextDeadline } from '../../domain/deadlines.js';
import { currentMilestones } from '../../domain/metrics/marriage.js';
import type { Rules } from '../../domain/rules.js';
import type { RelationshipState } from '../../domain/state.js';
import type { DerivedTable } from '../derived-tables.js';
import { vetoStanceChangedAt } from './cycles.js';
import { DECAY_REFERENCE_INDEXES, referenceColumns } from './decay-references.js';

/** The index of the marriages whose trend is not frozen (\`frozen_at IS NULL\`), in relationship order. */
export const UNFROZEN_INDEX = 'decay_inputs_unfrozen';

const SCHEMA = `
CREATE TABLE decay_inputs (
  tenant TEXT NOT NULL,
  relationship_id TEXT NOT NULL,
  cycle INTEGER NOT NULL,
  segment TEXT,
  owner TEXT,
  opened_at INTEGER NOT NULL,
  started INTEGER NOT NULL,
  married INTEGER NOT NULL,
  ended INTEGER,
  neglected INTEGER,
  veto_stance_changed INTEGER,
  next_deadline INTEGER,
  frozen_at INTEGER,
  frozen_status INTEGER,
  summary BLOB NOT NULL,
  inputs BLOB NOT NULL,
  last_event INTEGER,
  phase TEXT,
  ref_from REAL NOT NULL,
  ref_to REAL NOT NULL,
  ref_lo REAL NOT NULL,
  ref_hi REAL NOT NULL,
  ref_next REAL NOT NULL,
  PRIMARY KEY (tenant, relationship_id)
) WITHOUT ROWID;
-- The marriages whose trend is not frozen: the summary "now" scores only these (decay-summary-tallies.ts keeps the others').
CREATE INDEX ${UNFROZEN_INDEX} ON decay_inputs (tenant, relationship_id) WHERE frozen_at IS NULL;
CREATE INDEX decay_inputs_veto ON decay_inputs (tenant, veto_stance_changed) WHERE veto_stance_changed IS NOT NULL;
${DECAY_REFERENCE_INDEXES}
`;

/** The numbers of a row's summary: signing, cycle end, first neglect, divorce (NaN: none or not yet), frozen trend's status. */
const SUMMARY = 5;
/** A frozen trend's status, by its index. */
const STATUSES: readonly DecayStatus[] = ['IMPROVING', 'STABLE', 'DECAYING'];
/** A frozen trend's status by its index (-1: none), as `frozen_status` holds it. */
export function frozenStatusOf(index: number): DecayStatus | null {
  return STATUSES[index] ?? null;
}

/** Rows per chunk the summary reads (about 40 bytes each when frozen, 400 when scored). */
const CHUNK = 4096;

/**
 * A married relationship's row: the columns of its latest cycle's row of
 * `cycles` that the decay summary reads (so it reads this table alone), and
 * its decay inputs.
 */
export interface DecayRow {
  readonly cycle: number;
  readonly segment: string | null;
  readonly owner: string | null;
  readonly openedAt: number;
  readonly startedAt: number;
  readonly marriedAt: number;
  readonly endedAt: number | null;
  /** The cycle's first entry into NEGLECTED. */
  readonly neglectedAt: number | null;
  /** The last stance change of a veto holder (as of an earlier instant, the stance is replayed: DECAY.md). */
  readonly vetoStanceChangedAt: number | null;
  readonly inputs: DecayInputs;
}

/** The row of a state whose current cycle married; null otherwise. */
export function decayRowOf(state: RelationshipState): DecayRow | null {
  const inputs = decayInputsOf(state);
  const milestones = currentMilestones(state);
  if (inputs === null || milestones === null || milestones.marriedAt === null || state.openedAt === null) return null;
  const { cycle } = state;
  const neglected = state.phaseHistory.find((change) => change.cycle === cycle && change.to === 'NEGLECTED');
  return {
    cycle,
    segment: state.segment,
    owner: state.owner,
    openedAt: state.openedAt,
    startedAt: milestones.startedAt,
    marriedAt: milestones.marriedAt,
    endedAt: milestones.endedAt,
    neglectedAt: neglected?.at ?? null,
    vetoStanceChangedAt: vetoStanceChangedAt(state),
    inputs,
  };
}

export const decayInputsTable: DerivedTable = {
  name: 'decay_inputs',
  schema: SCHEMA,
  writer(db: Database.Database, rules: Rules) {
    const remove = db.prepare('DELETE FROM decay_inputs WHERE tenant = ? AND relationship_id = ?');
    const upsert = db.prepare(
      `INSERT OR REPLACE INTO decay_inputs (tenant, relationship_id, cycle, segment, owner, opened_at, started, married, ended, neglected,
         veto_stance_changed, next_deadline, frozen_at, frozen_status, summary, inputs, last_event, phase, ref_from, ref_to, ref_lo, ref_hi, ref_next)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    return (row: RelationshipRow) => {
      const decay = decayRowOf(row.state);
      if (decay === null) remove.run(row.tenant, row.id);
      else {
        const { inputs } = decay;
        const frozen = frozenAt(inputs);
        const summary = summaryOf(decay, frozen, rules);
        upsert.run(
          row.tenant,
          row.id,
          decay.cycle,
          decay.segment,
          decay.owner,
          decay.openedAt,
          decay.startedAt,
          decay.marriedAt,
          decay.endedAt,
          decay.neglectedAt,
          decay.vetoStanceChangedAt,
          // As the latest row of `cycles` has it: the summary leaves a deadline due to dueDeadlineFacts.
          nextDeadline(row.state, rules)?.at ?? null,
          frozen,
          // The frozen trend's status (STATUSES' index; -1: none), as the summary holds it: the kept tallies count by it.
          frozen === null ? null : Number.isNaN(summary[4]!) ? -1 : summary[4]!,
          bytesOf(summary),
          bytesOf(inputs),
          row.state.lastEventAt,
          // As relationship_rows has it: a page by decay reads one range per phase (decay-reference-scan.ts).
          row.state.phase,
          // Deterministic: the reference at the last event (the file is the same whenever it is projected); refreshed later.
          ...referenceColumns(inputs, row.state.lastEventAt ?? decay.marriedAt, row.state.lastEventAt, rules),
        );
      }
    };
  },
};

/** The divorce, from which the trend is frozen; null while the marriage lasts or when it ended otherwise. */
function frozenAt(inputs: DecayInputs): number | null {
  return Number.isNaN(inputs[1]!) ? null : inputs[1]!;
}

/** The row's summary (see the module comment); the trend frozen at `divorce` (`frozenAt`) scored under `rules`. */
function summaryOf(row: DecayRow, divorce: number | null, rules: Rules): Float64Array {
  const trend = divorce === null ? null : decayStatusOfInputs(row.inputs, divorce, rules);
  return Float64Array.of(row.marriedAt, row.endedAt ?? NaN, row.neglectedAt ?? NaN, divorce ?? NaN, trend === null ? NaN : STATUSES.indexOf(trend.status));
}

function bytesOf(numbers: Float64Array): Buffer {
  return Buffer.from(numbers.buffer, numbers.byteOffset, numbers.byteLength);
}

/** The numbers a blob of the table holds (a view when the blob is aligned, else a copy). */
export function decayInputsOfBlob(blob: Buffer): Float64Array {
  if (blob.byteOffset % Float64Array.BYTES_PER_ELEMENT === 0) {
    return new Float64Array(blob.buffer, blob.byteOffset, blob.byteLength / Float64Array.BYTES_PER_ELEMENT);
  }
  return new Float64Array(new Uint8Array(blob).buffer);
}

/** The rows of decay_inputs the summary reads: a WHERE clause over the table and its parameters. */
export interface DecayRowsWhere {
  readonly sql: string;
  readonly params: Record<string, unknown>;
  /** An index of the table to read the rows by (the planner, without statistics, prefers the primary key). */
  readonly indexedBy?: string;
}

/**
 * Counts into `tally` the marriages of the rows `where` selects, scored at
 * `at`: still married when their cycle had not ended by `cut`, neglected
 * when first neglected by then. A chunk of rows at a time, one blob each
 * (see the module comment); no object per marriage.
 */
export function tallyDecayRows(db: Database.Database, where: DecayRowsWhere, at: number, cut: number, rules: Rules, tally: DecayTally, chunkRows = CHUNK): void {
  // A divorce by `at` has its trend in the summary: only the others' inputs are read (the same test below).
  const chunk = db
    .prepare(
      `SELECT max(id), CAST(group_concat(part, '') AS BLOB)
       FROM (SELECT relationship_id AS id, CASE WHEN frozen_at <= @at THEN summary ELSE summary || inputs END AS part
             FROM decay_inputs${where.indexedBy === undefined ? '' : ` INDEXED BY ${where.indexedBy}`}
             WHERE ${where.sql} AND relationship_id > @after ORDER BY relationship_id LIMIT ${Math.max(1, Math.floor(chunkRows))})`,
    )
    .raw();
  const out: TrendOut = { status: 'STABLE', score: 0 };
  let after = '';
  for (;;) {
    const [last, blob] = chunk.get({ ...where.params, at, after }) as [string | null, Buffer | null];
    if (last === null || blob === null) return;
    const numbers = decayInputsOfBlob(blob);
    for (let o = 0; o < numbers.length; ) {
      const marriedAt = numbers[o]!;
      const ended = numbers[o + 1]!;
      const neglected = numbers[o + 2]!;
      const divorce = numbers[o + 3]!;
      const status = numbers[o + 4]!;
      o += SUMMARY;
      const firstNeglect = neglected <= cut ? neglected : null;
      // The divorce is the cycle's end, at or before `at` (hence `cut`): an ended marriage, with the trend it froze.
      if (divorce <= at) tally.add(marriedAt, firstNeglect, false, Number.isNaN(status) ? null : FROZEN[status]!);
      else {
        const scored = scoreInputsInto(numbers, o, at, rules, out);
        tally.add(marriedAt, firstNeglect, Number.isNaN(ended) || ended > cut, scored ? out : null);
        o += decayInputsLength(numbers, o);
      }
    }
    after = last;
  }
}

/** A frozen trend as the tally counts it (an ended marriage's score is not counted). */
const FROZEN: readonly TrendFacts[] = STATUSES.map((status) => ({ status, score: Number.NaN }));
