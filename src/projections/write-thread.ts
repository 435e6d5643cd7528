/**
 * The live projector's writes on a thread of their own. Under a stream of
 * appends, committing each batch to the read models (the state, the derived
 * tables and their indexes, the phase changes, the checkpoint; and now and
 * then SQLite's checkpoint of the WAL) took about a fifth of the event loop
 * that also serves the requests (docs/PERFORMANCE.md, "appendEvents").
 *
 * The writer (write-worker.ts) opens its own connection to the read-model
 * file and commits each batch, with its checkpoint and log anchor, in one
 * transaction, in the order given; once one fails it commits nothing more (a
 * later batch's checkpoint would skip the failed one's events). The projector
 * awaits each commit before installing the batch's rows and announcing its
 * position, exactly as after an inline commit: readers of this thread's
 * connection see the rows once the position they wait for is announced.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Rules } from '../domain/rules.js';
import type { LogAnchor } from './log-anchor.js';
import type { BatchToWrite, SerializedRow } from './read-model-db.js';

export interface WriteTask {
  readonly file: string;
  readonly rules: Rules;
  /** The projector's clock less the system's, for the decay references' refresh (0 when absent). */
  readonly clockOffsetMs?: number;
}

/** What the writer answers for each batch, in order. */
export type WriteReply = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** A batch as posted: every row serialised here (JSON is what the file stores anyway). */
export interface PostedBatch {
  readonly serializedRows: readonly SerializedRow[];
  readonly phaseChanges: BatchToWrite['phaseChanges'];
  readonly checkpoint: bigint;
  /** The log anchor committed with it (log-anchor.ts), when the caller has one. */
  readonly anchor: LogAnchor | undefined;
}

export class WriteThread {
  private readonly worker: Worker;
  private readonly waiting: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private failure: unknown = undefined;
  private exited = false;
  private readonly exit: Promise<void>;

  constructor(task: WriteTask) {
    this.worker = new Worker(workerUrl(), { workerData: task });
    this.worker.on('message', (reply: WriteReply) => {
      const next = this.waiting.shift();
      if (reply.ok) next?.resolve();
      else this.fail(new Error(`writing a batch of the read models failed: ${reply.message}`), next);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.exit = new Promise((resolve) =>
      this.worker.on('exit', (code) => {
        this.exited = true;
        this.fail(new Error(`the read models' write thread exited (code ${code})`));
        resolve();
      }),
    );
  }

  /** Resolves once the batch is committed (and every batch before it). */
  commit(batch: BatchToWrite, anchor?: LogAnchor): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const serializedRows: SerializedRow[] = batch.rows.map((row) => ({ tenant: row.tenant, id: row.id, state: JSON.stringify(row.state), position: row.position }));
    for (const row of batch.serializedRows ?? []) serializedRows.push(row);
    const posted: PostedBatch = { serializedRows, phaseChanges: batch.phaseChanges, checkpoint: batch.checkpoint, anchor };
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage(posted);
    });
  }

  /** Lets the writer finish what it was given, then ends it (its connection closed). */
  async close(): Promise<void> {
    if (!this.exited) this.worker.postMessage('close');
    await this.exit;
  }

  private fail(error: unknown, first?: { reject: (error: unknown) => void }): void {
    this.failure ??= error;
    first?.reject(this.failure);
    for (const waiter of this.waiting.splice(0)) waiter.reject(this.failure);
  }
}

/** The compiled worker next to this module; under the test runner (TypeScript sources), the build's. */
function workerUrl(): URL {
  const here = new URL('./write-worker.js', import.meta.url);
  if (fs.existsSync(fileURLToPath(here))) return here;
  return new URL(here.href.replace('/src/projections/', '/dist/projections/'));
}
