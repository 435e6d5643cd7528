/**
 * The embedded event store: one SQLite file (better-sqlite3), with the same
 * semantics as EventStoreDB behind the same port.
 *
 * Durability: WAL journal. With `synchronous = FULL` (the default) every
 * acknowledged append has been fsynced and survives a power cut as well as a
 * killed process. The API's appends (group commits) are made durable by an
 * fsync of the WAL off the event loop (wal-sync.ts); until it returns they are
 * neither acknowledged nor visible in this process's global log (`readAll`,
 * subscriptions, `headPosition`), so the API never hands out an event a power
 * cut could still take back. (A read-only process, the CLI, may see a commit
 * that long before its fsync returns.) `NORMAL` skips the fsync at each commit (WAL is synced at
 * checkpoints): still safe against a killed process, but the last commits can
 * be lost on a power cut or OS crash, in exchange for faster single appends;
 * `close()` syncs, so a bulk writer (the importer) can use NORMAL and be
 * durable once it has closed the store.
 *
 * Concurrency: one writing process per file (see `sqlite-lock.ts`); any number
 * of read-only processes alongside it. Appends that arrive together share one
 * commit (sqlite-group-commit.ts); they run in the order of the `append`
 * calls, so within the process the log's order is the order of the calls.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  InvalidAppendError,
  StoreError,
  StoreUnavailableError,
  MAX_POSITION,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type ListStreamsOptions,
  type NewEvent,
  type ReadAllFilter,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from './port.js';
import { Notifier, catchUpSubscription, registeredSubscription } from './catch-up.js';
import { acquireWriterLock, type WriterLock } from './sqlite-lock.js';
import { batchWriter, type WriteBatch } from './sqlite-append.js';
import { GroupCommit, type CommittedGroup } from './sqlite-group-commit.js';
import { WalSync } from './wal-sync.js';
import { WalCheckpoints } from './wal-checkpoints.js';
import { DurableLog, type Wal } from './sqlite-durable-log.js';
import { assertReadable, migrate, SCHEMA_VERSION } from './sqlite-schema.js';
import { assertAfterPosition, readAllBounds, readAllFilter, readLimits, serializeBatch } from './validate.js';
import type { FoldableEvent, StoreCapabilities, StreamPartition } from './capabilities.js';
import { GroupCommitStore, readLogRows } from './sqlite-bulk.js';
import { PartitionReads } from './sqlite-partition.js';

export type SynchronousLevel = 'FULL' | 'NORMAL';

export interface SqliteStoreOptions {
  /** Directory holding `courtship.db`; created when missing. */
  readonly dataDir: string;
  /** See the header comment. Default FULL. */
  readonly synchronous?: SynchronousLevel;
  /** Open an existing file for reading only, alongside a writer in another process. */
  readonly readonly?: boolean;
  /** Told of each group commit (see sqlite-group-commit.ts), after it is durable. */
  readonly onGroupCommit?: (group: CommittedGroup) => void;
  /**
   * How a group commit's WAL is made durable at FULL (default: an fsync of
   * the `-wal` file in the thread pool); tests hold or fail it.
   */
  readonly syncWal?: () => Promise<void>;
}

export const SQLITE_FILE_NAME = 'courtship.db';
/** WAL size (in 4 KiB pages, 64 MiB) at which the writer folds it into the file itself (the API's appends leave it to a worker: wal-checkpoints.ts). */
const WAL_CHECKPOINT_PAGES = 16_384;
/** How often a read-only process looks for another process's appends, only while a subscriber waits. */
const READONLY_POLL_MS = 100;

/**
 * A row of `EVENT_COLUMNS`, read as an array (`.raw()`): no per-row object
 * with named keys to build, which a full-log read does a million times.
 */
type EventRow = [
  position: bigint,
  streamId: string,
  revision: number,
  eventId: string,
  type: string,
  data: string,
  metadata: string,
  recordedAt: number,
];


// Only the position needs a bigint; the others come back as plain numbers (REAL) to spare conversions.
const EVENT_COLUMNS =
  'position, stream_id, revision * 1.0 AS revision, event_id, type, data, metadata, recorded_at * 1.0 AS recorded_at';

export function openSqliteStore(options: SqliteStoreOptions): SqliteEventStore {
  const file = path.resolve(options.dataDir, SQLITE_FILE_NAME);
  if (options.readonly) {
    if (!fs.existsSync(file)) {
      throw new StoreUnavailableError(`no event store at ${file}: start a writer once to create it`);
    }
    return new SqliteEventStore(file, openReader(file), undefined);
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lock = acquireWriterLock(file);
  try {
    const synchronous = options.synchronous ?? 'FULL';
    return new SqliteEventStore(file, openWriter(file, synchronous), lock, options.onGroupCommit, synchronous === 'FULL' ? durableWal(file, options.syncWal) : undefined);
  } catch (error) {
    lock.release();
    throw error;
  }
}

function openWriter(file: string, synchronous: SynchronousLevel): Database.Database {
  const db = new Database(file, { timeout: 5000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    // Checkpointing copies WAL pages into the file and syncs both; at SQLite's
    // default (every 4 MB) a stream of appends re-copies the same index pages
    // over and over. A larger WAL is checkpointed less often, for the same
    // durability (a commit's durability is its WAL write, per `synchronous`).
    db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
    migrate(db, file);
  } catch (error) {
    db.close();
    throw error;
  }
  db.defaultSafeIntegers(true);
  return db;
}

/** The WAL's fsync for group commits at FULL; what an earlier process left unsynced is synced now. */
function durableWal(file: string, syncWal: (() => Promise<void>) | undefined): Wal {
  const wal = new WalSync(`${file}-wal`);
  wal.syncNow();
  return { sync: syncWal ?? (() => wal.sync()), close: () => wal.close() };
}

function openReader(file: string): Database.Database {
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    const version = assertReadable(db, file);
    if (version !== SCHEMA_VERSION) {
      throw new StoreError(
        `${file} has schema version ${version}; open it once for writing with this release to upgrade it`,
        'SCHEMA_TOO_OLD',
      );
    }
  } catch (error) {
    db.close();
    throw error;
  }
  db.defaultSafeIntegers(true);
  return db;
}

export class SqliteEventStore implements EventStore {
  /** Partitioned reads for a catch-up on worker threads, grouped commits for the importer, the log as stored text and lean streams for export, many streams at once for pages as of an instant. */
  readonly capabilities: StoreCapabilities = {
    partitionedReads: this,
    bulkAppend: { grouped: () => new GroupCommitStore(this) },
    storedRows: { readLogRows: (after, limit) => readLogRows(this, after, limit) },
    leanStreams: {
      readLeanStream: (streamId) => {
        this.assertOpen();
        return this.partitions.readStream(streamId);
      },
    },
    manyStreams: {
      readStreamsNow: (streamIds) => {
        this.assertOpen();
        return this.partitions.readStreams(streamIds);
      },
    },
  };
  readonly description: string;
  readonly changes: Notifier;
  private closed = false;
  private readonly subscriptions = new Set<Subscription>();
  private readonly statements;
  private readonly filteredReads = new Map<string, Database.Statement>();
  private readonly partitions: PartitionReads;
  /** The write side, on a writer only. */
  private readonly writer: {
    /** One append, inside a transaction the caller holds. */
    readonly write: WriteBatch;
    /** One append in a transaction (a savepoint) of its own. */
    readonly writeAlone: WriteBatch;
    readonly group: GroupCommit<AppendResult>;
    /** Checkpoints after the group commits, on a worker thread (wal-checkpoints.ts). */
    readonly checkpoints: WalCheckpoints;
  } | undefined;
  /** What the global log shows while group commits wait for their WAL sync (sqlite-durable-log.ts). */
  private readonly durable: DurableLog;

  constructor(
    readonly file: string,
    private readonly db: Database.Database,
    private readonly lock: WriterLock | undefined,
    onGroupCommit?: (group: CommittedGroup) => void,
    wal?: Wal,
  ) {
    this.description = `${file}${lock ? '' : ' (read-only)'}`;
    this.partitions = new PartitionReads(db);
    const dataVersion = db.prepare('PRAGMA data_version').pluck();
    let lastDataVersion = dataVersion.get();
    this.changes = new Notifier(
      lock
        ? undefined
        : {
            intervalMs: READONLY_POLL_MS,
            changed: () => {
              const current = dataVersion.get();
              if (current === lastDataVersion) return false;
              lastDataVersion = current;
              return true;
            },
          },
    );
    this.statements = {
      streamRevision: db.prepare('SELECT revision FROM streams WHERE stream_id = ?').pluck(),
      eventById: db.prepare('SELECT revision FROM events WHERE stream_id = ? AND event_id = ?').pluck(),
      idsFrom: db.prepare(
        'SELECT event_id, revision, position FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?',
      ),
      forwards: db
        .prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`)
        .raw(),
      backwards: db
        .prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`)
        .raw(),
      all: db.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? AND position <= ? ORDER BY position LIMIT ?`).raw(),
      streams: db
        .prepare('SELECT stream_id FROM streams WHERE stream_id >= ? AND stream_id < ? AND stream_id > ? ORDER BY stream_id LIMIT ?')
        .pluck(),
      head: db.prepare('SELECT max(position) FROM events').pluck(),
      ping: db.prepare('SELECT 1').pluck(),
    };
    this.durable = new DurableLog(file, () => (this.statements.head.get() as bigint | null) ?? null, wal);
    this.writer = lock ? this.openWriteSide(onGroupCommit) : undefined;
  }

  private openWriteSide(onGroupCommit: ((group: CommittedGroup) => void) | undefined) {
    const write = batchWriter({
      ...this.statements,
      insert: this.db.prepare(
        'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      upsertStream: this.db.prepare(
        'INSERT INTO streams (stream_id, revision) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision',
      ),
    });
    const checkpoints = new WalCheckpoints(this.file);
    const group = new GroupCommit<AppendResult>(
      this.db,
      (committed) => {
        this.changes.notify();
        checkpoints.afterCommit();
        onGroupCommit?.(committed);
      },
      this.durable.durability(this.db),
    );
    return { write, writeAlone: this.db.transaction(write).immediate, group, checkpoints };
  }

  async append(streamId: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision = 'any'): Promise<AppendResult> {
    const batch = serializeBatch(streamId, events, expectedRevision);
    this.assertOpen();
    const writer = this.writer;
    if (!writer) throw new StoreError(`${this.file} is open read-only`, 'READ_ONLY');
    this.durable.assertWritable();
    if (this.db.inTransaction) {
      // A bulk writer (sqlite-bulk.ts) holds a transaction open and commits it itself: a savepoint of it.
      const result = this.inPortTerms(streamId, () => writer.writeAlone(streamId, batch, expectedRevision));
      this.changes.notify();
      return result;
    }
    try {
      return await writer.group.submit(batch.length, () =>
        this.inPortTerms(streamId, () => writer.write(streamId, batch, expectedRevision)),
      );
    } catch (error) {
      // A failed BEGIN or COMMIT of the whole group.
      throw this.inPortTermsError(streamId, error);
    }
  }

  /** Runs one append's write, with its errors told in the port's terms. */
  private inPortTerms(streamId: string, write: () => AppendResult): AppendResult {
    try {
      return write();
    } catch (error) {
      throw this.inPortTermsError(streamId, error);
    }
  }

  private inPortTermsError(streamId: string, error: unknown): Error {
    if (error instanceof StoreError) return error;
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
      return new InvalidAppendError(`an event id of the batch was already appended to ${streamId} in another batch`, 'events');
    }
    return new StoreUnavailableError(`append to ${this.file} failed: ${(error as Error).message}`, error);
  }

  /** A whole stream, read at once (a fold placing a late fact during a catch-up, which reads synchronously). */
  readStreamNow(streamId: string): RecordedEvent[] {
    this.assertOpen();
    return toRecorded(this.statements.forwards.all(streamId, 0, Number.MAX_SAFE_INTEGER) as EventRow[]);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const { direction, fromRevision, maxCount } = readLimits(streamId, options);
    this.assertOpen();
    const rows =
      direction === 'forwards'
        ? this.statements.forwards.all(streamId, fromRevision ?? 0, maxCount)
        : this.statements.backwards.all(streamId, fromRevision ?? Number.MAX_SAFE_INTEGER, maxCount);
    return toRecorded(rows as EventRow[]);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const { direction, after, before } = readAllBounds(options);
    const filter = readAllFilter(options.filter);
    if (direction === 'forwards' && before === undefined) return this.readAfter(after, options.maxCount, filter);
    const limit = readLimits(undefined, { maxCount: options.maxCount }).maxCount;
    this.assertOpen();
    const statement = this.filteredRead(filter ?? {}, direction);
    const visible = this.durable.visibleHead();
    const upTo = before === undefined || before - 1n > visible ? visible : before - 1n;
    const rows = statement.all(after ?? -1n, upTo, ...filterParameters(filter ?? {}), limit);
    return toRecorded(rows as EventRow[]);
  }

  private async readAfter(after: bigint | undefined, maxCount: number | undefined, filter?: ReadAllFilter): Promise<RecordedEvent[]> {
    assertAfterPosition(after, 'readAll');
    const limit = readLimits(undefined, { maxCount }).maxCount;
    this.assertOpen();
    const upTo = this.durable.visibleHead();
    if (filter === undefined) return toRecorded(this.statements.all.all(after ?? -1n, upTo, limit) as EventRow[]);
    return toRecorded(this.filteredRead(filter).all(after ?? -1n, upTo, ...filterParameters(filter), limit) as EventRow[]);
  }

  /**
   * One statement per filter shape (and direction), bounded on both sides. The
   * filters are checked row by row along the log's order (`+stream_id` keeps
   * the planner from walking the stream index and sorting a whole tenant's
   * events for each page); backwards, the walk runs down the position index.
   */
  private filteredRead(filter: ReadAllFilter, direction: 'forwards' | 'backwards' = 'forwards'): Database.Statement {
    const key = `${filter.streamPrefix !== undefined}:${filter.eventTypes !== undefined}:${direction}`;
    let statement = this.filteredReads.get(key);
    if (!statement) {
      let where = 'position > ? AND position <= ?';
      if (filter.streamPrefix !== undefined) where += ' AND +stream_id >= ? AND +stream_id < ?';
      if (filter.eventTypes !== undefined) where += ' AND type IN (SELECT value FROM json_each(?))';
      const order = direction === 'forwards' ? 'position' : 'position DESC';
      statement = this.db.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE ${where} ORDER BY ${order} LIMIT ?`).raw();
      this.filteredReads.set(key, statement);
    }
    return statement;
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    assertAfterPosition(options.after, 'subscribeToAll');
    this.assertOpen();
    const inner = catchUpSubscription(
      { readAfter: (after, max) => this.readAfter(after, max), changes: this.changes },
      options.after,
    );
    return registeredSubscription(inner, this.subscriptions);
  }

  async streamRevision(streamId: string): Promise<number | null> {
    readLimits(streamId, {});
    this.assertOpen();
    return this.currentRevision(streamId);
  }

  private currentRevision(streamId: string): number | null {
    const revision = this.statements.streamRevision.get(streamId) as bigint | undefined;
    return revision === undefined ? null : Number(revision);
  }

  async listStreams(options: ListStreamsOptions): Promise<string[]> {
    const prefix = options.prefix;
    if (typeof prefix !== 'string') throw new StoreError('listStreams: `prefix` must be a string', 'INVALID_READ');
    const { maxCount } = readLimits(undefined, { maxCount: options.limit });
    this.assertOpen();
    return this.statements.streams.all(prefix, prefixEnd(prefix), options.after ?? '', maxCount) as string[];
  }

  /**
   * The events in (after, upTo] of one partition of the streams, in log order,
   * at most `maxCount`, in the lean form a fold reads: no ids, no recording
   * times, and of the metadata only `schemaVersion` (which SQLite extracts,
   * sparing a JSON.parse per event). A catch-up gives each thread one
   * partition, and every stream lies wholly in one (see `streamPartitionSql`).
   */
  readPartition(range: { after?: bigint; upTo: bigint; maxCount: number }, partition: StreamPartition): FoldableEvent[] {
    this.assertOpen();
    return this.partitions.read(range, partition);
  }


  async headPosition(): Promise<bigint | null> {
    this.assertOpen();
    return this.durable.visible((this.statements.head.get() as bigint | null) ?? null);
  }

  async ping(): Promise<void> {
    this.assertOpen();
    this.statements.ping.get();
  }

  /**
   * The connection itself, for the bulk paths of sqlite-bulk.ts only (many
   * appends in one commit, the log as stored text); everything else goes
   * through the port.
   */
  get connection(): Database.Database {
    this.assertOpen();
    // Appends still waiting for their group go first: the log keeps the order of the calls.
    this.writer?.group.flush();
    return this.db;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.writer?.group.flush();
    this.closed = true;
    // The groups just committed are acknowledged once their WAL sync returns.
    await this.writer?.group.settled();
    await this.durable.close();
    await this.writer?.checkpoints.close();
    // Under NORMAL the last commits may sit unsynced in the WAL; a checkpoint
    // syncs the WAL first, so every acknowledged append is durable once closed
    // (even when a read-only process keeps the file open and closing alone
    // would not checkpoint).
    if (this.lock) this.db.pragma('wal_checkpoint(PASSIVE)');
    this.db.close();
    this.lock?.release();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError(`the event store ${this.file} is closed`);
  }
}

/** Stream ids only use ASCII below 0x7f, so every id that starts with `prefix` sorts before `prefix + DEL`. */
function prefixEnd(prefix: string): string {
  return `${prefix}\u007f`;
}

function filterParameters(filter: ReadAllFilter): unknown[] {
  const parameters: unknown[] = [];
  if (filter.streamPrefix !== undefined) parameters.push(filter.streamPrefix, prefixEnd(filter.streamPrefix));
  if (filter.eventTypes !== undefined) parameters.push(JSON.stringify(filter.eventTypes));
  return parameters;
}

function toRecorded(rows: EventRow[]): RecordedEvent[] {
  const events = new Array<RecordedEvent>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    events[i] = {
      id: row[3],
      streamId: row[1],
      revision: row[2],
      position: row[0],
      type: row[4],
      data: JSON.parse(row[5]),
      metadata: JSON.parse(row[6]),
      recordedAt: new Date(row[7]),
    };
  }
  return events;
}
