/**
 * The thread that checkpoints a WAL-mode SQLite file for its writer (see
 * wal-checkpoints.ts): on each message, one PASSIVE checkpoint on a
 * connection of its own, then the answer [busy, frames in the WAL, frames
 * checkpointed]. PASSIVE never waits for the writer or the readers: it
 * copies what it can and leaves the rest for the next one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData as string, { fileMustExist: true, timeout: 5000 });
parentPort!.on('message', () => {
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    parentPort!.postMessage({ ok: true, log: row?.log ?? 0, checkpointed: row?.checkpointed ?? 0 });
  } catch (error) {
    parentPort!.postMessage({ ok: false, message: (error as Error).message });
  }
});
