/**
 * Read tasks on worker threads, so that no request waits behind a heavy one
 * (an analytics query, an `asOf` list): the request thread only posts the
 * task and its arguments and gets the result back.
 *
 * - A small pool (COURTSHIP_READ_WORKERS; by default one thread on one or two
 *   cores, one per core beyond the first above, at most 4), started as work
 *   arrives; each thread has its own read-only connection (read-task-worker.ts).
 * - A bounded queue: past `maxQueued` tasks waiting, a task is refused at once
 *   (ReadTasksBusyError: SERVICE_BUSY with a retry hint), never left to wait.
 * - Fair between tenants (a task's tenant is its arguments' `tenant`): one
 *   tenant may hold at most half of the queue, so the others always find
 *   room, and waiting tasks are taken in turn across tenants (the tenant
 *   served longest ago first), so one tenant's backlog delays no other.
 * - Identical tasks asked while one waits are answered by it
 *   (read-task-coalescing.ts): one place in the queue, one run.
 * - A time budget per task, from the call, waiting included: past it the
 *   caller gets ReadTaskTimeoutError (QUERY_TIMEOUT) and a thread running the
 *   task is terminated and replaced. (A single SQLite statement is not
 *   interrupted: the old thread ends when it returns, off the request thread.)
 * - Read-your-writes: the projector commits a batch before it announces its
 *   position, and a task's read transaction starts after the task is posted,
 *   so a task posted once position P is reached reads P or later.
 * - A rebuild's file swap (`replacingFile`) waits for the tasks under way,
 *   closes every connection, swaps, and lets the tasks held meanwhile run on
 *   the new file: no connection ever spans two files.
 */
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ReadTasksBusyError, ReadTasksClosedError, ReadTaskTimeoutError } from '../app/errors.js';
import type { ReadTask, ReadTaskRunner } from './read-task.js';
import { coalescingKey } from './read-task-coalescing.js';
import { fromWire, type FromReadWorker, type ToReadWorker } from './read-task-protocol.js';
import type { ReadWorkerData } from './read-task-worker.js';

export interface ReadTaskLimits {
  /** Worker threads (COURTSHIP_READ_WORKERS). */
  readonly workers: number;
  /** Most tasks waiting for a thread (COURTSHIP_READ_QUEUE). */
  readonly maxQueued: number;
  /** Time budget of one task, waiting included (COURTSHIP_READ_TASK_TIMEOUT_MS). */
  readonly timeoutMs: number;
}

export const DEFAULT_READ_QUEUE = 32;
export const DEFAULT_READ_TASK_TIMEOUT_MS = 30_000;
const MAX_DEFAULT_WORKERS = 4;
/** The retry hint before any task has finished. */
const FIRST_TASK_ESTIMATE_MS = 250;
/** Longest a close waits for a thread stuck in a statement before letting it end on its own. */
const TERMINATE_GRACE_MS = 1000;

/** One thread on one or two cores (the request thread keeps the other), else one per core beyond the first, at most 4. */
export function defaultReadWorkers(cores = os.availableParallelism()): number {
  return cores <= 2 ? 1 : Math.min(cores - 1, MAX_DEFAULT_WORKERS);
}

interface Job {
  readonly id: number;
  readonly module: string;
  readonly name: string;
  readonly args: unknown;
  /** Whose task it is, for fairness ('' when the arguments name no tenant). */
  readonly tenant: string;
  /** Same key, same answer (read-task-coalescing.ts); null: never joined. */
  readonly key: string | null;
  /** Callers who asked for the same task while it waited: each gets its own copy of the answer. */
  readonly joined: { readonly resolve: (result: unknown) => void; readonly reject: (error: unknown) => void }[];
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
  timer: NodeJS.Timeout | undefined;
  /** When a thread took it (performance.now()). */
  runningSince: number;
}

interface Slot {
  readonly worker: Worker;
  job: Job | null;
  /** Resolves when the worker says its connection is closed. */
  closed: (() => void) | null;
  gone: boolean;
}

export class WorkerReadTaskRunner implements ReadTaskRunner {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly limits: ReadTaskLimits;
  private nextId = 0;
  /** While a file swap waits for the tasks under way, and during it, no task starts. */
  private held = false;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  /** Mean time of recent tasks on a thread, for the busy refusal's retry hint. */
  private averageMs = FIRST_TASK_ESTIMATE_MS;
  /** When each tenant with tasks waiting was last served (a count of tasks started); the longest ago goes first. */
  private readonly lastServed = new Map<string, number>();
  private started = 0;

  constructor(
    /** The read-model file. */
    private readonly file: string,
    limits: Partial<ReadTaskLimits> = {},
  ) {
    this.limits = {
      workers: limits.workers ?? defaultReadWorkers(),
      maxQueued: limits.maxQueued ?? DEFAULT_READ_QUEUE,
      timeoutMs: limits.timeoutMs ?? DEFAULT_READ_TASK_TIMEOUT_MS,
    };
    if (this.limits.workers < 1) throw new Error('a worker read-task runner needs at least one worker');
  }

  run<A, R>(task: ReadTask<A, R>, args: A): Promise<R> {
    if (this.closed) return Promise.reject(new ReadTasksClosedError());
    const module = importableModule(task.module);
    const key = coalescingKey(module, task.name, args);
    const waiting = key === null ? undefined : this.queue.find((job) => job.key === key);
    if (waiting) return new Promise<R>((resolve, reject) => waiting.joined.push({ resolve: resolve as (result: unknown) => void, reject }));
    const tenant = tenantOf(args);
    if (this.queue.length >= this.limits.maxQueued) return Promise.reject(new ReadTasksBusyError(this.limits.maxQueued, this.retryAfterMs()));
    // The refusal names the limit that applied: the tenant's share of the queue.
    const share = tenantShare(this.limits.maxQueued);
    if (this.queuedFor(tenant) >= share) return Promise.reject(new ReadTasksBusyError(share, this.retryAfterMs()));
    return new Promise<R>((resolve, reject) => {
      const job: Job = {
        id: this.nextId++,
        module,
        name: task.name,
        args,
        tenant,
        key,
        joined: [],
        resolve: (result) => {
          (resolve as (result: unknown) => void)(result);
          for (const other of job.joined) other.resolve(structuredClone(result));
        },
        reject: (error) => {
          reject(error);
          for (const other of job.joined) other.reject(error);
        },
        timer: undefined,
        runningSince: 0,
      };
      job.timer = setTimeout(() => this.expire(job), this.limits.timeoutMs);
      this.queue.push(job);
      this.pump();
    });
  }

  async replacingFile<T>(swap: () => T): Promise<T> {
    if (this.closed) return swap();
    this.held = true;
    try {
      await this.idle();
      await Promise.all(this.slots.map((slot) => this.closeConnection(slot)));
      return swap();
    } finally {
      this.held = false;
      this.pump();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const stopped = new ReadTasksClosedError();
    for (const job of this.queue.splice(0)) this.settle(job, () => job.reject(stopped));
    for (const { job } of this.slots) if (job) this.settle(job, () => job.reject(stopped));
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((slot) => this.terminate(slot)));
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Starts waiting tasks on free threads, starting threads up to the limit. */
  private pump(): void {
    while (!this.held && !this.closed && this.queue.length > 0) {
      const slot = this.slots.find((candidate) => candidate.job === null) ?? (this.slots.length < this.limits.workers ? this.spawn() : null);
      if (slot === null) return;
      const job = this.next();
      slot.job = job;
      job.runningSince = performance.now();
      slot.worker.ref();
      try {
        this.post(slot, { kind: 'run', id: job.id, module: job.module, name: job.name, args: job.args });
      } catch (error) {
        // Arguments that cannot be cloned: the caller's mistake, nothing was sent.
        slot.job = null;
        slot.worker.unref();
        this.settle(job, () => job.reject(error));
      }
    }
  }

  /** Takes the waiting task of the tenant served longest ago (never served: first), the earliest of its tasks. */
  private next(): Job {
    let chosen = 0;
    let servedAt = Infinity;
    for (const [index, job] of this.queue.entries()) {
      const at = this.lastServed.get(job.tenant) ?? -1;
      if (at < servedAt) [chosen, servedAt] = [index, at];
    }
    const [job] = this.queue.splice(chosen, 1) as [Job];
    if (this.queuedFor(job.tenant) > 0) this.lastServed.set(job.tenant, this.started++);
    // A tenant with nothing waiting is forgotten: the map holds only tenants in the queue.
    else this.lastServed.delete(job.tenant);
    return job;
  }

  private queuedFor(tenant: string): number {
    let count = 0;
    for (const job of this.queue) if (job.tenant === tenant) count++;
    return count;
  }

  private spawn(): Slot {
    const data: ReadWorkerData = { file: this.file };
    const worker = new Worker(workerUrl(), { workerData: data });
    const slot: Slot = { worker, job: null, closed: null, gone: false };
    worker.unref();
    worker.on('message', (message: FromReadWorker) => this.received(slot, message));
    worker.on('error', (error) => this.lost(slot, error));
    worker.on('exit', (code) => this.lost(slot, new Error(`a read worker exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  private received(slot: Slot, message: FromReadWorker): void {
    if (message.kind === 'closed') {
      slot.closed?.();
      slot.closed = null;
      return;
    }
    const job = slot.job;
    if (job === null || job.id !== message.id) return;
    slot.job = null;
    slot.worker.unref();
    this.averageMs = 0.8 * this.averageMs + 0.2 * (performance.now() - job.runningSince);
    if (message.kind === 'done') this.settle(job, () => job.resolve(message.result));
    else this.settle(job, () => job.reject(fromWire(message.error)));
    this.afterTask();
  }

  /** The thread died (a crash, or terminated): its task fails, another thread takes its place when needed. */
  private lost(slot: Slot, error: Error): void {
    if (slot.gone) return;
    this.forget(slot);
    const job = slot.job;
    slot.job = null;
    if (job) this.settle(job, () => job.reject(error));
    slot.closed?.();
    this.afterTask();
  }

  /** The budget is spent: a waiting task is dropped, a running one's thread terminated and replaced. */
  private expire(job: Job): void {
    const error = new ReadTaskTimeoutError(this.limits.timeoutMs);
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.settle(job, () => job.reject(error));
      return;
    }
    const slot = this.slots.find((candidate) => candidate.job === job);
    if (!slot) return;
    slot.job = null;
    this.forget(slot);
    this.settle(job, () => job.reject(error));
    void this.terminate(slot);
    this.afterTask();
  }

  private afterTask(): void {
    if (this.slots.every((slot) => slot.job === null)) for (const resolve of this.idleWaiters.splice(0)) resolve();
    this.pump();
  }

  private settle(job: Job, outcome: () => void): void {
    clearTimeout(job.timer);
    outcome();
  }

  private forget(slot: Slot): void {
    slot.gone = true;
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
  }

  /** Resolves once no thread runs a task (each is bounded by the time budget). */
  private idle(): Promise<void> {
    if (this.slots.every((slot) => slot.job === null)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private closeConnection(slot: Slot): Promise<void> {
    if (slot.gone) return Promise.resolve();
    return new Promise((resolve) => {
      slot.closed = resolve;
      this.post(slot, { kind: 'close' });
    });
  }

  private post(slot: Slot, message: ToReadWorker): void {
    slot.worker.postMessage(message);
  }

  /** Ends a thread without ever holding up the caller (nor the process's exit) for long. */
  private async terminate(slot: Slot): Promise<void> {
    slot.gone = true;
    // A file swap waiting for this thread's connection to close need not wait: it is going.
    slot.closed?.();
    slot.closed = null;
    slot.worker.unref();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, TERMINATE_GRACE_MS).unref()));
    await Promise.race([slot.worker.terminate().then(() => undefined, () => undefined), grace]);
    clearTimeout(timer);
  }

  private retryAfterMs(): number {
    const waves = Math.ceil((this.queue.length + 1) / this.limits.workers);
    return Math.min(this.limits.timeoutMs, Math.max(100, Math.ceil(waves * this.averageMs)));
  }
}

/** Most tasks one tenant may have waiting: half the queue (at least one). */
function tenantShare(maxQueued: number): number {
  return Math.max(1, Math.ceil(maxQueued / 2));
}

function tenantOf(args: unknown): string {
  const tenant = typeof args === 'object' && args !== null ? (args as { tenant?: unknown }).tenant : undefined;
  return typeof tenant === 'string' ? tenant : '';
}

/** The worker next to this module; under the test runner (TypeScript sources), the build's. */
function workerUrl(): URL {
  return new URL(importableModule(new URL('./read-task-worker.js', import.meta.url).href));
}

const importable = new Map<string, string>();

/**
 * A module as a worker thread can import it: as it is, or, for a TypeScript
 * source under the test runner (`src/…/x.ts`), the build's `dist/…/x.js`.
 */
function importableModule(url: string): string {
  let found = importable.get(url);
  if (found === undefined) {
    const src = url.lastIndexOf('/src/');
    const runnable = (exists(url) && !url.endsWith('.ts')) || src < 0;
    found = runnable ? url : `${url.slice(0, src)}/dist/${url.slice(src + '/src/'.length)}`.replace(/\.ts$/, '.js');
    importable.set(url, found);
  }
  return found;
}

function exists(url: string): boolean {
  return url.startsWith('file:') && fs.existsSync(fileURLToPath(url));
}
