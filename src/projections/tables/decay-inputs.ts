/**
 * `decay_inputs`: the decay inputs (domain/metrics/decay-inputs.ts) of each
 * relationship whose current cycle married, packed as a blob, rewritten with
 * the relationship (derived-tables.ts). A statistic scores a marriage's trend
 * at any instant from these few hundred bytes instead of parsing its state.
 * `cycle` is the cycle they belong to: a reader joins them to that cycle's
 * row of `cycles` only.
 */
import type Database from 'better-sqlite3';
import type { RelationshipRow } from '../../app/read-side.js';
import { decayInputsOf, type DecayInputs } from '../../domain/metrics/decay-inputs.js';
import type { DerivedTable } from '../derived-tables.js';

const SCHEMA = `
CREATE TABLE decay_inputs (
  tenant TEXT NOT NULL,
  relationship_id TEXT NOT NULL,
  cycle INTEGER NOT NULL,
  inputs BLOB NOT NULL,
  PRIMARY KEY (tenant, relationship_id)
) WITHOUT ROWID;
`;

export const decayInputsTable: DerivedTable = {
  name: 'decay_inputs',
  schema: SCHEMA,
  writer(db: Database.Database) {
    const remove = db.prepare('DELETE FROM decay_inputs WHERE tenant = ? AND relationship_id = ?');
    const upsert = db.prepare('INSERT OR REPLACE INTO decay_inputs (tenant, relationship_id, cycle, inputs) VALUES (?, ?, ?, ?)');
    return (row: RelationshipRow) => {
      const inputs = decayInputsOf(row.state);
      if (inputs === null) remove.run(row.tenant, row.id);
      else upsert.run(row.tenant, row.id, row.state.cycle, Buffer.from(inputs.buffer, inputs.byteOffset, inputs.byteLength));
    };
  },
};

/** The inputs a blob of the table holds (a view when the blob is aligned, else a copy). */
export function decayInputsOfBlob(blob: Buffer): DecayInputs {
  if (blob.byteOffset % Float64Array.BYTES_PER_ELEMENT === 0) {
    return new Float64Array(blob.buffer, blob.byteOffset, blob.byteLength / Float64Array.BYTES_PER_ELEMENT);
  }
  return new Float64Array(new Uint8Array(blob).buffer);
}
