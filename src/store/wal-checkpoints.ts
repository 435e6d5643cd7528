/**
 * Checkpoints of a WAL-mode SQLite file, off the event loop.
 *
 * SQLite checkpoints at COMMIT once the WAL passes `wal_autocheckpoint`
 * pages: the committing thread copies the WAL into the file and fsyncs both,
 * which for the API's writer is the event loop, held for hundreds of
 * milliseconds (every request waits). Here a worker thread with a connection
 * of its own checkpoints instead (PASSIVE: it never blocks the writer), at
 * most once per `intervalMs` while commits come in. The connection's own
 * `wal_autocheckpoint` stays as a bound, far above what the worker lets the
 * WAL reach, in case the worker falls behind.
 *
 * The worker starts at the first checkpoint it is asked for: a store that
 * never writes much (tests, the CLI) never starts a thread.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface WalCheckpointsOptions {
  /** Least time between two checkpoints. */
  readonly intervalMs?: number;
  /** WAL size below which no checkpoint is worth a thread. */
  readonly minWalBytes?: number;
  /** Told of a failed checkpoint (the next commit asks again). */
  readonly onError?: (message: string) => void;
}

const DEFAULT_INTERVAL_MS = 1000;
const DEFAULT_MIN_WAL_BYTES = 4 * 1024 * 1024;

export class WalCheckpoints {
  private worker: Worker | null = null;
  private running = false;
  private lastStarted = 0;
  private closed = false;
  private readonly walFile: string;
  private readonly intervalMs: number;
  private readonly minWalBytes: number;

  constructor(
    private readonly file: string,
    private readonly options: WalCheckpointsOptions = {},
  ) {
    this.walFile = `${file}-wal`;
    this.intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.minWalBytes = options.minWalBytes ?? DEFAULT_MIN_WAL_BYTES;
  }

  /** After a commit: starts a checkpoint on the worker when one is due. */
  afterCommit(): void {
    if (this.running || this.closed) return;
    const now = Date.now();
    if (now - this.lastStarted < this.intervalMs) return;
    let size: number;
    try {
      size = fs.statSync(this.walFile).size;
    } catch {
      return;
    }
    if (size < this.minWalBytes) return;
    this.running = true;
    this.lastStarted = now;
    this.start().postMessage('checkpoint');
  }

  /** Stops the worker (a checkpoint under way is abandoned; SQLite keeps the WAL whole). */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerUrl(), { workerData: this.file });
    // The worker never keeps the process alive: the store's close stops it.
    worker.unref();
    worker.on('message', (result: { ok: boolean; message?: string }) => {
      this.running = false;
      if (!result.ok) this.options.onError?.(result.message ?? 'checkpoint failed');
    });
    worker.on('error', (error) => {
      this.running = false;
      if (this.worker === worker) this.worker = null;
      this.options.onError?.(error.message);
    });
    this.worker = worker;
    return worker;
  }
}

function workerUrl(): URL {
  const here = new URL('./wal-checkpoint-worker.js', import.meta.url);
  if (fs.existsSync(fileURLToPath(here))) return here;
  return new URL(here.href.replace('/src/store/', '/dist/store/'));
}
