/**
 * One worker of a parallel catch-up (see parallel-catch-up.ts): folds the
 * streams of its partition, from the read models' last states (when resuming)
 * through the log up to the target, and posts each chunk's result: the rows it
 * changed, serialised, and their phase changes. Reads only: the projector
 * alone writes the read models.
 *
 * Between chunks it keeps each state as the JSON it sent (a third of the
 * memory of the object, which the projector's thread holds anyway) and parses
 * it again only if a later chunk touches the relationship.
 */
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { relationshipKey, type RelationshipRow } from '../app/read-side.js';
import type { RelationshipState } from '../domain/state.js';
import { openSqliteStore } from '../store/sqlite.js';
import { streamPartitionSql } from '../store/sqlite-partition.js';
import type { WorkerChunk, WorkerTask } from './parallel-catch-up.js';
import { foldPartitionChunk } from './partition-fold.js';
import type { SerializedRow } from './read-model-db.js';

const task = workerData as WorkerTask;
const port = parentPort!;
const states = new Map<string, SerializedRow>();
const table = {
  get(tenant: string, id: string): RelationshipRow | undefined {
    const row = states.get(relationshipKey(tenant, id));
    return row && { tenant, id, state: JSON.parse(row.state) as RelationshipState, position: row.position };
  },
};
if (task.readModelFile !== null) loadPartition(task.readModelFile);

const store = openSqliteStore({ dataDir: path.dirname(task.storeFile), readonly: true });
try {
  let after = task.after ?? undefined;
  for (const chunkEnd of task.chunkEnds) {
    const folded = await foldPartitionChunk(store, table, task.partition, { after, upTo: chunkEnd }, task.rules);
    after = folded.after;
    const rows = folded.rows.map((row) => ({ tenant: row.tenant, id: row.id, state: JSON.stringify(row.state), position: row.position }));
    for (const row of rows) states.set(relationshipKey(row.tenant, row.id), row);
    const chunk: WorkerChunk = { chunkEnd, events: folded.events, rows, phaseChanges: folded.phaseChanges };
    port.postMessage(chunk);
  }
} finally {
  await store.close();
}

/** The persisted states of this partition's relationships (stream id `rel-<tenant>-<id>`, see app/relationship-stream.ts). */
function loadPartition(file: string): void {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.defaultSafeIntegers(true);
    const rows = db
      .prepare(
        `SELECT tenant, id, state, position FROM relationships WHERE ${streamPartitionSql("'rel-' || tenant || '-' || id")} % ? BETWEEN ? AND ?`,
      )
      .iterate(task.partition.modulus, task.partition.from, task.partition.to - 1) as Iterable<{ tenant: string; id: string; state: string; position: bigint }>;
    for (const row of rows) states.set(relationshipKey(row.tenant, row.id), row);
  } finally {
    db.close();
  }
}
