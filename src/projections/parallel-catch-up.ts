/**
 * A long catch-up on the embedded store, spread over threads.
 *
 * Reading and folding a log is CPU-bound and every relationship's fold is
 * independent of the others', so the streams are split into partitions (by a
 * hash of the stream id, computed by SQLite: a thread never even receives the
 * other partitions' rows). The projector's own thread folds one partition
 * (page by page, giving requests a turn between pages) and each worker
 * thread folds another; a worker's states come back serialised, ready for
 * the read-model file. The log is cut into chunks by position; a chunk's
 * results from every thread are merged into one batch (rows, and phase
 * changes in log order) that the projector commits with the chunk's end as
 * its checkpoint, exactly as if it had applied those events one by one. A
 * crash between chunks resumes from the last committed one; an abort stops
 * the workers.
 *
 * The result is the sequential fold's, row for row (tested in
 * test/projections/parallel-catch-up.test.ts).
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PhaseChangeRecord } from '../app/read-side.js';
import type { Rules } from '../domain/rules.js';
import type { EventStore } from '../store/port.js';
import type { StreamPartition } from '../store/capabilities.js';
import { foldPartitionChunk, type PartitionReader } from './partition-fold.js';
import type { BatchToWrite, SerializedRow } from './read-model-db.js';
import { turn } from './turn.js';
import type { StateSource } from './relationship-states.js';

const YOUNG_GENERATION_MB = 64;
/** Divisible by 2, 3, 4 and 5: shares of the streams come out even. */
const PARTITION_MODULUS = 60;

export interface WorkerTask {
  readonly storeFile: string;
  /** Read-model file whose rows are the starting states, or null to start from nothing. */
  readonly readModelFile: string | null;
  readonly after: bigint | null;
  readonly chunkEnds: readonly bigint[];
  readonly partition: StreamPartition;
  readonly rules: Rules;
}

export interface WorkerChunk {
  readonly chunkEnd: bigint;
  /** Events folded in the chunk. */
  readonly events: number;
  readonly rows: SerializedRow[];
  readonly phaseChanges: PhaseChangeRecord[];
}

export interface ParallelCatchUpOptions {
  readonly storeFile: string;
  readonly readModelFile: string | null;
  /** Checkpoint to start after (null: the start of the log). */
  readonly after: bigint | null;
  /** Last position to apply. */
  readonly upTo: bigint;
  /** Worker threads, each folding one partition. */
  readonly workers: number;
  /** The partition this thread folds: the store to read it from, the states to start from. */
  readonly inline: { readonly store: PartitionReader; readonly table: StateSource };
  /** Positions per chunk (one commit each). */
  readonly chunkSpan: bigint;
  readonly rules: Rules;
  readonly signal?: AbortSignal;
}

export interface CaughtUpChunk {
  readonly batch: BatchToWrite & { readonly serializedRows: readonly SerializedRow[] };
  /** Events folded in the chunk (all partitions). */
  readonly events: number;
}

/**
 * Called with every chunk a worker thread sends, as it arrives: lets a test
 * see that the workers really folded their share of the log (a catch-up on
 * this thread alone gives the same read models, so nothing else tells).
 */
export const workerChunkListeners = new Set<(chunk: WorkerChunk) => void>();

/** The store's file and partitioned reads when it declares them (`capabilities.partitionedReads`), else null. */
export function partitionedStoreOf(store: EventStore): { file: string; reader: PartitionReader } | null {
  const reads = store.capabilities?.partitionedReads;
  return reads === undefined ? null : { file: reads.file, reader: reads };
}

/** Yields one merged batch per chunk, in log order. */
export async function* parallelCatchUp(options: ParallelCatchUpOptions): AsyncGenerator<CaughtUpChunk> {
  const chunkEnds: bigint[] = [];
  for (let end = (options.after ?? 0n) + options.chunkSpan; ; end += options.chunkSpan) {
    chunkEnds.push(end < options.upTo ? end : options.upTo);
    if (end >= options.upTo) break;
  }
  if (options.signal?.aborted) return;
  const [inlinePartition, ...partitions] = sharePartitions(options.workers);
  const workers: ChunkQueue[] = [];
  const abort = (): void => {
    for (const worker of workers) worker.fail(new Error('the catch-up was stopped'));
  };
  options.signal?.addEventListener('abort', abort);
  let inlineAfter = options.after ?? undefined;
  try {
    // Inside the try: if starting one worker fails, those already started are terminated.
    for (const partition of partitions) {
      const task: WorkerTask = {
        storeFile: options.storeFile,
        readModelFile: options.readModelFile,
        after: options.after,
        chunkEnds,
        partition,
        rules: options.rules,
      };
      // A fold allocates a lot of short-lived objects: a larger young generation
      // than V8's default for a thread spends far less time collecting them.
      workers.push(new ChunkQueue(new Worker(workerUrl(), { workerData: task, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } })));
    }
    for (const chunkEnd of chunkEnds) {
      // Stopped (the projector is stopping or closing): what was committed stays, the rest waits.
      if (options.signal?.aborted) return;
      const inline = await foldPartitionChunk(options.inline.store, options.inline.table, inlinePartition, { after: inlineAfter, upTo: chunkEnd }, options.rules, async () => {
        await turn();
        if (options.signal?.aborted) throw new Error('the catch-up was stopped');
      });
      inlineAfter = inline.after;
      const parts = await Promise.all(workers.map((worker) => worker.next()));
      yield {
        batch: {
          rows: inline.rows,
          serializedRows: parts.flatMap((part) => part.rows),
          phaseChanges: inLogOrder([inline.phaseChanges, ...parts.map((part) => part.phaseChanges)]),
          checkpoint: chunkEnd,
        },
        events: parts.reduce((sum, part) => sum + part.events, inline.events),
      };
    }
  } finally {
    options.signal?.removeEventListener('abort', abort);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

/**
 * Splits the streams between this thread (first) and the workers. This thread
 * also writes every chunk and parses the workers' states, so it folds about
 * half a worker's share.
 */
export function sharePartitions(workers: number): StreamPartition[] {
  const ownShare = Math.round((PARTITION_MODULUS * 0.5) / (workers + 0.5));
  const partitions: StreamPartition[] = [{ modulus: PARTITION_MODULUS, from: 0, to: ownShare }];
  for (let i = 0; i < workers; i++) {
    const from = ownShare + Math.round(((PARTITION_MODULUS - ownShare) * i) / workers);
    const to = ownShare + Math.round(((PARTITION_MODULUS - ownShare) * (i + 1)) / workers);
    partitions.push({ modulus: PARTITION_MODULUS, from, to });
  }
  return partitions;
}

/** Merges lists each in log order; stable, so the changes of one event keep their order. */
function inLogOrder(lists: readonly PhaseChangeRecord[][]): PhaseChangeRecord[] {
  return lists.flat().sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
}

/** A worker's chunks as they arrive, taken in order; a failure rejects every later take. */
class ChunkQueue {
  private readonly arrived: WorkerChunk[] = [];
  private waiting: { resolve: (chunk: WorkerChunk) => void; reject: (error: unknown) => void } | null = null;
  private failure: unknown = undefined;
  private finished = false;

  constructor(private readonly worker: Worker) {
    worker.on('message', (chunk: WorkerChunk) => {
      for (const listener of workerChunkListeners) listener(chunk);
      if (this.waiting) {
        const { resolve } = this.waiting;
        this.waiting = null;
        resolve(chunk);
      } else this.arrived.push(chunk);
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => {
      this.finished = true;
      if (code !== 0) this.fail(new Error(`a catch-up worker exited with code ${code}`));
      else this.fail(new Error('a catch-up worker ended before sending every chunk'));
    });
  }

  next(): Promise<WorkerChunk> {
    const chunk = this.arrived.shift();
    if (chunk) return Promise.resolve(chunk);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  fail(error: unknown): void {
    this.failure ??= error;
    if (this.waiting) {
      const { reject } = this.waiting;
      this.waiting = null;
      reject(this.failure);
    }
  }

  async terminate(): Promise<void> {
    if (!this.finished) await this.worker.terminate();
  }
}

/** The compiled worker next to this module; under the test runner (TypeScript sources), the build's. */
function workerUrl(): URL {
  const here = new URL('./catch-up-worker.js', import.meta.url);
  if (fs.existsSync(fileURLToPath(here))) return here;
  return new URL(here.href.replace('/src/projections/', '/dist/projections/'));
}
