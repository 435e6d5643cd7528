/**
 * The read models' write thread (see write-thread.ts): commits each batch it
 * is sent to the read-model file, in order, one transaction each, and answers
 * each; after a failure it commits nothing more. 'close' closes its
 * connection and ends it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DecayReferenceRefresher } from './decay-reference-refresher.js';
import { ReadModelDb } from './read-model-db.js';
import { openReadModelWriter } from './read-model-schema.js';
import type { PostedBatch, WriteReply, WriteTask } from './write-thread.js';

const task = workerData as WriteTask;
const port = parentPort!;
const db = new ReadModelDb(openReadModelWriter(task.file), task.rules);
let failed: string | null = null;
// The decay references are refreshed on this thread's connection, between batches (decay-reference-refresher.ts).
const clock = { now: () => Date.now() + (task.clockOffsetMs ?? 0) };
const refresher = new DecayReferenceRefresher(clock, (at, limit) => (failed === null ? db.refreshDecayReferences(at, limit) : 0));
refresher.start();

port.on('message', (message: PostedBatch | 'close') => {
  if (message === 'close') {
    refresher.stop();
    db.close();
    port.close();
    return;
  }
  let reply: WriteReply = { ok: true };
  if (failed !== null) reply = { ok: false, message: `an earlier batch failed: ${failed}` };
  else {
    try {
      db.commit({ rows: [], serializedRows: message.serializedRows, phaseChanges: message.phaseChanges, checkpoint: message.checkpoint }, message.anchor);
    } catch (error) {
      failed = error instanceof Error ? error.message : String(error);
      reply = { ok: false, message: failed };
    }
  }
  port.postMessage(reply);
});
