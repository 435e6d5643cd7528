/**
 * The projector: follows the store's global log and keeps the read models.
 *
 * - Events arrive through a catch-up subscription and are applied in batches
 *   (up to `maxBatch`, or whatever was immediately available).
 * - A batch is folded off to the side, committed to `read-models.sqlite` in one transaction together with the
 *   checkpoint, and only then installed in the states' cache and announced to listeners. A restart therefore
 *   resumes exactly after the last committed event: nothing applied twice, nothing skipped.
 * - On open, the subscription continues from the checkpoint; states are read from the file as they
 *   are needed (relationship-states.ts).
 *
 * Here: the lifecycle, following the log (with log-follower.ts), the rebuild and its file swap, and
 * read-your-writes. The fold and install are in projection.ts; the read-side queries in
 * read-side-queries.ts, which the projector extends with the models it keeps.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock, type Clock } from '../app/clock.js';
import { ReadSideNotReadyError } from '../app/errors.js';
import type { AppliedNotice, ReadSide, RelationshipRow } from '../app/read-side.js';
import { StreamHistories } from '../app/stream-histories.js';
import { defaultRules, type Rules } from '../domain/rules.js';
import type { EventStore, RecordedEvent, Subscription } from '../store/port.js';
import type { AppliedBatch } from './batch.js';
import { anchorOf, checkLog, eventAt } from './log-anchor.js';
import { DecayReferenceRefresher } from './decay-reference-refresher.js';
import { consumeInBatches, Following } from './log-follower.js';
import { LogPages } from './log-pages.js';
import { parallelCatchUp, partitionedStoreOf, type CaughtUpChunk } from './parallel-catch-up.js';
import { foldWithHistories, install } from './projection.js';
import { ReadModelDb } from './read-model-db.js';
import { openReadModels } from './read-model-open.js';
import {
  createReadModelFile,
  openReadModelFile,
  READ_MODEL_FILE_NAME,
  removeReadModelFile,
  rulesFingerprint,
} from './read-model-schema.js';
import { ReadModelQueries } from './read-side-queries.js';
import { turn } from './turn.js';
import { DEFAULT_STATE_CACHE, RelationshipStates } from './relationship-states.js';
import { PositionWaiters } from './waiters.js';
import { WorkerReadTaskRunner, type ReadTaskLimits } from './worker-read-task-runner.js';
import { WriteThread } from './write-thread.js';

export interface ProjectorLogger {
  error(details: Record<string, unknown>, message: string): void;
}

export interface ProjectorOptions {
  readonly store: EventStore;
  /** Directory of `read-models.sqlite`. */
  readonly dataDir: string;
  /** Rules the metrics and deadlines are evaluated with; a change rebuilds the read models. */
  readonly rules?: Rules;
  /** Most events applied in one transaction. */
  readonly maxBatch?: number;
  /**
   * Catching up on a long stretch of the embedded store's log in chunks, one commit per chunk, folded on this thread
   * and on `workers` worker threads (see parallel-catch-up.ts); or `false` to always follow the log through the
   * subscription, batch by batch. Defaults: one worker per core besides this one (at most 3, none on one or two
   * cores), from 20,000 events behind.
   */
  readonly parallel?: { readonly workers?: number; readonly minEvents?: number; readonly chunkEvents?: number } | false;
  /** Parsed states kept in memory (least recently used out); the rest are read from the file. */
  readonly stateCache?: number;
  /** Delay before following the log again after a store or disk failure. */
  readonly retryDelayMs?: number;
  /**
   * Where read tasks (read-task.ts) run: on worker threads with their own read-only connections, within
   * these limits (the server's choice: worker-read-task-runner.ts); or, without workers, here (tests, tools).
   */
  readonly readTasks?: Partial<ReadTaskLimits>;
  /** Commit the batches followed live on a write thread (write-thread.ts), not on this one (the server's choice). */
  readonly writeThread?: boolean;
  /** The clock "now" lists read at, which the decay references are refreshed to (default: the system's). */
  readonly clock?: Pick<Clock, 'now'>;
  readonly logger?: ProjectorLogger;
}

export interface ProjectorLag {
  /** Last position applied, null before any. */
  readonly checkpoint: bigint | null;
  /** Last position in the log, null when the log is empty. */
  readonly head: bigint | null;
  readonly caughtUp: boolean;
}

export type AppliedListener = Parameters<ReadSide['onApplied']>[0];

const DEFAULT_MAX_BATCH = 1000;
/**
 * This thread folds a partition too, so a worker per core beyond it; but none
 * on two cores: there one worker gives 0.9–1.1× the rate of this thread
 * alone (which also writes every chunk, and parses the worker's states)
 * while the peak memory of the catch-up grows (docs/PERFORMANCE.md).
 */
const DEFAULT_PARALLEL = {
  workers: os.availableParallelism() >= 3 ? Math.min(os.availableParallelism() - 1, 3) : 0,
  minEvents: 20_000,
  chunkEvents: 100_000,
};
const DEFAULT_RETRY_DELAY_MS = 1000;
const DEFAULT_WAIT_MS = 5000;

export class Projector extends ReadModelQueries implements ReadSide {
  /** True when the file was started over at open (new release, new rules, or none yet). */
  readonly rebuiltAtOpen: boolean;
  private readonly file: string;
  private readonly fingerprint: string;
  private readonly maxBatch: number;
  private readonly stateCache: number;
  protected states: RelationshipStates;
  private readonly retryDelayMs: number;
  /** How a long catch-up is done in chunks, null when it never is. */
  private readonly parallel: { workers: number; minEvents: number; chunkEvents: number } | null;
  private bulkFailed = false;
  private readonly logger: ProjectorLogger | undefined;
  private readonly useWriteThread: boolean;
  private writer: WriteThread | null = null;
  protected db: ReadModelDb;
  private position: bigint | null;
  private readonly waiters = new PositionWaiters();
  protected readonly logPages: LogPages;
  private readonly listeners = new Set<AppliedListener>();
  /** The decoded streams of relationships that recently took a late fact, kept current by the fold. */
  private readonly histories = new StreamHistories(32);
  private following: Following | null = null;
  private closed = false;
  /** Whether the loaded checkpoint was checked against the log (`startOverIfAheadOfLog`); until then no write counts as readable. */
  private checkpointVerified = false;
  /** The decay references refreshed on this thread, unless a write thread writes (it refreshes them: write-worker.ts). */
  private readonly refresher: DecayReferenceRefresher;
  /** The rebuild under way, which `close` stops and waits for. */
  private rebuilding: { abort: AbortController; done: Promise<void> } | null = null;
  private markVerified!: () => void;
  private readonly verified = new Promise<void>((resolve) => (this.markVerified = resolve));

  constructor(options: ProjectorOptions) {
    super(options.store, options.rules ?? defaultRules);
    this.maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    this.stateCache = options.stateCache ?? DEFAULT_STATE_CACHE;
    this.retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    this.parallel = options.parallel === false ? null : { ...DEFAULT_PARALLEL, ...options.parallel };
    this.logger = options.logger;
    this.useWriteThread = options.writeThread ?? false;
    this.refresher = new DecayReferenceRefresher(options.clock ?? systemClock, (at, limit) => (this.writer === null ? this.db.refreshDecayReferences(at, limit) : 0));
    fs.mkdirSync(options.dataDir, { recursive: true });
    this.file = path.resolve(options.dataDir, READ_MODEL_FILE_NAME);
    this.fingerprint = rulesFingerprint(this.rules);
    const opened = openReadModels(this.file, this.rules, this.logger);
    this.rebuiltAtOpen = opened.rebuilt;
    this.db = opened.db;
    this.states = new RelationshipStates(this.db.connection, this.stateCache);
    this.position = opened.checkpoint;
    this.logPages = new LogPages(this.store, () => this.verifiedPosition());
    // Read tasks run on this thread (ReadModelQueries' runner) unless read workers are asked for.
    if (options.readTasks !== undefined && options.readTasks.workers !== 0) this.readTasks = new WorkerReadTaskRunner(this.file, options.readTasks);
  }

  /** Number of relationships held (all tenants). */
  get size(): number {
    return this.states.size;
  }

  /** Starts following the log from the checkpoint. */
  start(): void {
    if (this.closed) throw new Error('the projector is closed');
    if (this.following) return;
    const following = new Following();
    following.done = this.follow(following);
    this.following = following;
    this.refresher.start();
  }

  /** Stops following; what was applied stays applied. */
  async stop(): Promise<void> {
    const following = this.following;
    if (!following) return;
    this.refresher.stop();
    await following.stop();
    this.following = null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // A rebuild under way is stopped (the old models stay) before the file is closed under it.
    this.rebuilding?.abort.abort();
    await this.rebuilding?.done;
    await this.stop();
    this.closed = true;
    await this.readTasks.close();
    this.db.close();
  }

  /** Every relationship of every tenant, read from the file a page at a time (tests, tools). */
  relationships(): Iterable<RelationshipRow> {
    return this.states.all();
  }

  /** Each relationship's next deadline (for the deadline scheduler's start), read from the file. */
  deadlines(): Iterable<{ tenant: string; id: string; at: number }> {
    return this.db.deadlines();
  }

  /** Resolves once the projector has applied everything in the log at the time of the call. */
  async catchUp(timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    const head = await this.store.headPosition();
    if (head !== null) await this.waitFor(head, timeoutMs);
  }

  async lag(): Promise<ProjectorLag> {
    const head = await this.store.headPosition();
    const checkpoint = this.position;
    const caughtUp = this.checkpointVerified && (head === null || (checkpoint !== null && checkpoint >= head));
    return { checkpoint, head, caughtUp };
  }

  /**
   * Replays the log up to the current checkpoint into a fresh file, then swaps it in (the file by an atomic rename,
   * the memory by one assignment) and follows on from there. Readers keep the old models until the swap.
   */
  async rebuild(onProgress?: (applied: number) => void): Promise<void> {
    if (this.closed) throw new Error('the projector is closed');
    if (this.rebuilding) throw new Error('a rebuild is already under way');
    const abort = new AbortController();
    const done = this.swapInRebuilt(abort.signal, onProgress);
    this.rebuilding = { abort, done: done.then(() => undefined, () => undefined) };
    try {
      await done;
    } finally {
      this.rebuilding = null;
    }
  }

  private async swapInRebuilt(signal: AbortSignal, onProgress: ((applied: number) => void) | undefined): Promise<void> {
    const wasFollowing = this.following !== null;
    await this.stop();
    // A failed bulk catch-up earlier does not condemn a rebuild to go batch by batch.
    this.bulkFailed = false;
    try {
      await this.replayInto(`${this.file}.rebuild`, this.position, onProgress, signal);
      // With the read tasks' connections closed, closing this last one folds the old WAL into
      // its file; the rename then replaces that file atomically, so a crash leaves either the
      // old models or the new.
      await this.readTasks.replacingFile(() => {
        this.db.close();
        try {
          for (const suffix of ['-wal', '-shm']) fs.rmSync(this.file + suffix, { force: true });
          fs.renameSync(`${this.file}.rebuild`, this.file);
        } finally {
          // On a failed swap this reopens the old models, which are still whole.
          this.db = new ReadModelDb(openReadModelFile(this.file, this.fingerprint).db, this.rules);
          this.states = new RelationshipStates(this.db.connection, this.stateCache);
        }
      });
    } finally {
      if (wasFollowing && !this.closed) this.start();
    }
  }

  /** Folds the log up to `target` into a new file at `file`, closed when returned. */
  private async replayInto(
    file: string,
    target: bigint | null,
    onProgress: ((applied: number) => void) | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    removeReadModelFile(file);
    const db = new ReadModelDb(createReadModelFile(file, this.fingerprint), this.rules);
    const table = new RelationshipStates(db.connection, this.stateCache);
    const stopped = (): Error => new Error('the rebuild was stopped: the projector is closing; the read models in use are unchanged');
    try {
      let after: bigint | undefined;
      let applied = 0;
      const bulk = target === null ? null : this.bulkCatchUp(table, null, target, signal);
      if (bulk) {
        for await (const chunk of bulk) {
          db.commit(chunk.batch);
          install(table, chunk);
          after = chunk.batch.checkpoint;
          applied += chunk.events;
          onProgress?.(applied);
        }
        if (after !== undefined) await this.anchorAtCheckpoint(db, after);
      }
      while (target !== null && (after === undefined || after < target)) {
        // Requests go on during a rebuild: the embedded store reads synchronously.
        await turn();
        if (signal.aborted) throw stopped();
        const page = (await this.store.readAll({ after, maxCount: this.maxBatch })).filter((e) => e.position <= target);
        if (page.length === 0) break;
        const batch = await this.fold(table, page, false);
        db.commit(batch, anchorOf(page, after ?? null));
        for (const row of batch.rows) table.set(row);
        after = batch.checkpoint;
        applied += page.length;
        onProgress?.(applied);
      }
      if (signal.aborted) throw stopped();
      db.optimize();
    } finally {
      // Closing the only connection folds the WAL into the file, so a rename moves everything.
      db.close();
    }
  }

  /* ------------------------------------------------------------ ReadSide */

  checkpoint(): bigint | null {
    return this.position;
  }

  waitFor(position: bigint, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    return this.waiters.wait(position, this.checkpointVerified ? this.position : null, timeoutMs);
  }

  onApplied(listener: AppliedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The checkpoint once it is known to belong to this log (waits for that, bounded). */
  private async verifiedPosition(timeoutMs = DEFAULT_WAIT_MS): Promise<bigint | null> {
    if (!this.checkpointVerified) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ReadSideNotReadyError(timeoutMs)), timeoutMs);
      });
      try {
        await Promise.race([this.verified, timedOut]);
      } finally {
        clearTimeout(timer);
      }
    }
    return this.position;
  }

  /* ------------------------------------------------------------ following */

  private async follow(following: Following): Promise<void> {
    while (!following.stopped) {
      let subscription: Subscription | null = null;
      try {
        // At start, and again whenever following resumes (a reconnect may reach another log).
        await this.startOverIfNotThisLog();
        if (!this.checkpointVerified) {
          this.checkpointVerified = true;
          this.markVerified();
          if (this.position !== null) this.waiters.reached(this.position);
        }
        await this.catchUpInBulk(following);
        if (following.stopped) return;
        subscription = this.store.subscribeToAll(this.position === null ? {} : { after: this.position });
        following.subscription = subscription;
        // One writer per run of following: it refuses everything after a failure, and is gone before the file is swapped.
        if (this.useWriteThread) this.writer = new WriteThread({ file: this.file, rules: this.rules, clockOffsetMs: this.refresher.clockOffsetMs });
        await consumeInBatches(subscription, following, this.maxBatch, (events) => this.apply(events));
      } catch (error) {
        await subscription?.stop();
        await this.closeWriter();
        if (following.stopped) return;
        this.logger?.error(
          { err: error, checkpoint: this.position?.toString() ?? null },
          'projector failed; following the log again from its checkpoint',
        );
        await following.sleep(this.retryDelayMs);
      }
      await this.closeWriter();
    }
  }

  /** Ends the write thread; a batch it committed but never answered (it died) is resumed after, unannounced. */
  private async closeWriter(): Promise<void> {
    const writer = this.writer;
    if (writer === null) return;
    this.writer = null;
    await writer.close();
    const committed = this.db.checkpoint();
    if (committed !== null && (this.position === null || committed > this.position)) {
      this.states = new RelationshipStates(this.db.connection, this.stateCache);
      this.position = committed;
      this.waiters.reached(committed);
    }
  }

  /**
   * Read models built from another log (a restored backup, a replaced store,
   * a rewound sequence: see log-anchor.ts) describe nothing in this one: they
   * are started over, and the operator is told loudly.
   */
  private async startOverIfNotThisLog(): Promise<void> {
    const check = await checkLog(this.store, this.position, this.db.anchor());
    if (check.matches) return;
    this.logger?.error({ ...check.details, file: this.file }, `${check.reason}: rebuilding the read models from the log`);
    await this.readTasks.replacingFile(() => {
      this.db.close();
      removeReadModelFile(this.file);
      this.db = new ReadModelDb(createReadModelFile(this.file, this.fingerprint), this.rules);
      this.states = new RelationshipStates(this.db.connection, this.stateCache);
      this.position = null;
    });
  }

  /**
   * Records the event at the checkpoint as the anchor, after chunks whose
   * events the workers read. Only the embedded store catches up in chunks,
   * and its positions are consecutive integers: `checkpoint - 1` is one to read from.
   */
  private async anchorAtCheckpoint(db: ReadModelDb, checkpoint = this.position): Promise<void> {
    if (checkpoint === null) return;
    const after = checkpoint > 1n ? checkpoint - 1n : null;
    const event = await eventAt(this.store, checkpoint, after);
    if (event) db.setAnchor({ position: event.position, eventId: event.id, after });
  }

  /** Applies a long stretch of the log in chunks (on this thread and any worker threads), when the store allows it. */
  private async catchUpInBulk(following: Following): Promise<void> {
    const head = await this.store.headPosition();
    const bulk = head === null ? null : this.bulkCatchUp(this.states, this.position, head, following.abort.signal);
    if (!bulk) return;
    // Events folded in chunks do not pass through the streams held: they would fall behind.
    this.histories.clear();
    try {
      for await (const chunk of bulk) {
        this.db.commit(chunk.batch);
        const rows = install(this.states, chunk);
        this.position = chunk.batch.checkpoint;
        this.waiters.reached(chunk.batch.checkpoint);
        this.announce({ phaseChanges: chunk.batch.phaseChanges, events: null, rows, checkpoint: chunk.batch.checkpoint });
        if (following.stopped) return;
      }
      await this.anchorAtCheckpoint(this.db);
      this.db.optimize();
    } catch (error) {
      if (following.stopped) return;
      // What was committed stays; the rest is applied batch by batch through the subscription.
      this.bulkFailed = true;
      this.logger?.error({ err: error, checkpoint: this.position?.toString() ?? null }, 'chunked catch-up failed; following the log batch by batch');
    }
  }

  /** The chunks of a catch-up from `after` to `upTo` into `table`, or null when it is not worth it (or not possible). */
  private bulkCatchUp(
    table: RelationshipStates,
    after: bigint | null,
    upTo: bigint,
    signal: AbortSignal | null,
  ): AsyncGenerator<CaughtUpChunk> | null {
    const store = partitionedStoreOf(this.store);
    const parallel = this.parallel;
    if (store === null || parallel === null || this.bulkFailed || upTo - (after ?? 0n) < BigInt(parallel.minEvents)) return null;
    return parallelCatchUp({
      storeFile: store.file,
      // Resuming: the workers start from the states committed so far.
      readModelFile: after === null ? null : this.file,
      after,
      upTo,
      workers: parallel.workers,
      inline: { store: store.reader, table },
      chunkSpan: BigInt(parallel.chunkEvents),
      rules: this.rules,
      ...(signal === null ? {} : { signal }),
    });
  }

  /** Folds a batch with the streams held (a late fact's stream is read and held). */
  private fold(table: RelationshipStates, events: readonly RecordedEvent[], listEvents: boolean): Promise<AppliedBatch> {
    return foldWithHistories(table, events, { listEvents, rules: this.rules, histories: this.histories, store: this.store });
  }

  private async apply(events: readonly RecordedEvent[]): Promise<void> {
    // The feed's form of each event is only built for someone to hand it to.
    const batch = await this.fold(this.states, events, this.listeners.size > 0);
    if (this.writer === null) this.db.commit(batch, anchorOf(events, this.position));
    else await this.writer.commit(batch, anchorOf(events, this.position));
    for (const row of batch.rows) this.states.set(row);
    this.position = batch.checkpoint;
    this.waiters.reached(batch.checkpoint);
    this.announce({ phaseChanges: batch.phaseChanges, events: batch.events, rows: batch.rows, checkpoint: batch.checkpoint });
  }

  private announce(notice: AppliedNotice): void {
    if (this.listeners.size === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(notice);
      } catch (error) {
        this.logger?.error({ err: error }, 'a read-side listener failed; the projector goes on');
      }
    }
  }
}
