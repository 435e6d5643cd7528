/**
 * `decay_inputs`: the decay inputs (domain/metrics/decay-inputs.ts) of each
 * relationship whose current cycle married, packed as a blob, rewritten with
 * the relationship (derived-tables.ts). A statistic scores a marriage's trend
 * at any instant from these few hundred bytes instead of parsing its state.
 * `cycle` is the cycle they belong to (the latest); the row also repeats
 * the few columns of that cycle's row of `cycles` the summary reads, so that
 * it reads this table alone.
 */
import type Database from 'better-sqlite3';
import type { RelationshipRow } from '../../app/read-side.js';
import { decayInputsOf, type DecayInputs } from '../../domain/metrics/decay-inputs.js';
import { currentMilestones } from '../../domain/metrics/marriage.js';
import type { RelationshipState } from '../../domain/state.js';
import type { DerivedTable } from '../derived-tables.js';

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
  inputs BLOB NOT NULL,
  PRIMARY KEY (tenant, relationship_id)
) WITHOUT ROWID;
`;

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
    vetoStanceChangedAt: lastVetoStanceChange(state),
    inputs,
  };
}

export const decayInputsTable: DerivedTable = {
  name: 'decay_inputs',
  schema: SCHEMA,
  writer(db: Database.Database) {
    const remove = db.prepare('DELETE FROM decay_inputs WHERE tenant = ? AND relationship_id = ?');
    const upsert = db.prepare(
      `INSERT OR REPLACE INTO decay_inputs (tenant, relationship_id, cycle, segment, owner, opened_at, started, married, ended, neglected,
         veto_stance_changed, inputs)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    return (row: RelationshipRow) => {
      const decay = decayRowOf(row.state);
      if (decay === null) remove.run(row.tenant, row.id);
      else {
        const { inputs } = decay;
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
          Buffer.from(inputs.buffer, inputs.byteOffset, inputs.byteLength),
        );
      }
    };
  },
};

function lastVetoStanceChange(state: RelationshipState): number | null {
  let last: number | null = null;
  for (const s of Object.values(state.stakeholders)) {
    if (s.hasVeto && s.stanceChangedAt !== null && (last === null || s.stanceChangedAt > last)) last = s.stanceChangedAt;
  }
  return last;
}

/** The inputs a blob of the table holds (a view when the blob is aligned, else a copy). */
export function decayInputsOfBlob(blob: Buffer): DecayInputs {
  if (blob.byteOffset % Float64Array.BYTES_PER_ELEMENT === 0) {
    return new Float64Array(blob.buffer, blob.byteOffset, blob.byteLength / Float64Array.BYTES_PER_ELEMENT);
  }
  return new Float64Array(new Uint8Array(blob).buffer);
}
