/**
 * Bulk paths of the embedded store, for the data commands (import, export),
 * which move millions of events and pay per-event and per-commit costs that
 * the API never sees.
 *
 * - `GroupCommitStore`: the port, whose appends share IMMEDIATE transactions,
 *   committed every few thousand events and at close. Each append keeps its
 *   own checks (expected revision, idempotent retry, ids) and stays
 *   all-or-nothing: better-sqlite3 runs `append`'s transaction inside an open
 *   one as a savepoint, so a refused append leaves the others of its group in
 *   place. Only the commits are fewer; the rows are the ones single appends
 *   write, in the same order.
 * - `readLogRows`: the log in order with data and metadata as their stored
 *   JSON text, for a consumer that can copy the text instead of re-encoding.
 */
import {
  StoreUnavailableError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type ListStreamsOptions,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from './port.js';
import type { LogRow, StoreCapabilities } from './capabilities.js';
import type { SqliteEventStore } from './sqlite.js';

/** Events per commit: enough to make commits rare, few enough to keep the WAL and page cache small. */
export const GROUP_EVENTS = 20_000;

/**
 * A store whose appends are grouped into shared commits. An append is
 * visible to this process at once and to others at the next commit; until
 * then a crash loses it (a re-run of an idempotent import writes it again).
 * `close()` commits. Only for a writer that owns the store for a while (the
 * importer): other processes see the appends in groups.
 */
export class GroupCommitStore implements EventStore {
  /** The importer's store: nothing else writes while it is open. */
  readonly capabilities: StoreCapabilities = { exclusiveWriter: true };
  readonly description: string;
  private uncommitted = 0;
  private closed = false;

  constructor(
    private readonly inner: SqliteEventStore,
    private readonly groupEvents = GROUP_EVENTS,
  ) {
    this.description = inner.description;
  }

  async append(streamId: string, events: readonly NewEvent[], expectedRevision?: ExpectedRevision): Promise<AppendResult> {
    const db = this.inner.connection;
    if (!db.inTransaction) this.exec('BEGIN IMMEDIATE');
    const result = await this.inner.append(streamId, events, expectedRevision);
    this.uncommitted += events.length;
    if (this.uncommitted >= this.groupEvents) this.commit();
    return result;
  }

  /** Makes every append so far visible to other processes (and durable per the store's `synchronous`). */
  commit(): void {
    this.uncommitted = 0;
    if (this.inner.connection.inTransaction) this.exec('COMMIT');
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamId, options);
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  subscribeToAll(options?: SubscribeOptions): Subscription {
    return this.inner.subscribeToAll(options);
  }

  streamRevision(streamId: string): Promise<number | null> {
    return this.inner.streamRevision(streamId);
  }

  listStreams(options: ListStreamsOptions): Promise<string[]> {
    return this.inner.listStreams(options);
  }

  headPosition(): Promise<bigint | null> {
    return this.inner.headPosition();
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      this.commit();
    } finally {
      await this.inner.close();
    }
  }

  private exec(sql: 'BEGIN IMMEDIATE' | 'COMMIT'): void {
    try {
      this.inner.connection.exec(sql);
    } catch (error) {
      throw new StoreUnavailableError(`${sql} on ${this.inner.file} failed: ${(error as Error).message}`, error);
    }
  }
}

type Row = [bigint, string, number, string, string, string, string, number];

const statements = new WeakMap<SqliteEventStore, { all(after: bigint, limit: number): unknown[] }>();

/** Up to `limit` rows of the log after `after` (exclusive; -1n for the start), in log order. */
export function readLogRows(store: SqliteEventStore, after: bigint, limit: number): LogRow[] {
  let statement = statements.get(store);
  if (statement === undefined) {
    statement = store.connection
      .prepare(
        'SELECT position, stream_id, revision * 1.0, event_id, type, data, metadata, recorded_at * 1.0 FROM events WHERE position > ? ORDER BY position LIMIT ?',
      )
      .raw()
      .safeIntegers(true);
    statements.set(store, statement);
  }
  const rows = statement.all(after, limit) as Row[];
  const result = new Array<LogRow>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    result[i] = { position: row[0], streamId: row[1], revision: row[2], id: row[3], type: row[4], data: row[5], metadata: row[6], recordedAt: row[7] };
  }
  return result;
}
