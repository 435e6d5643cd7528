/**
 * The EventStoreDB / KurrentDB adapter: the port over `@eventstore/db-client`.
 * Its siblings hold the client seam (eventstoredb-client.ts), the error
 * mapping (eventstoredb-errors.ts), appends and their retries
 * (eventstoredb-append.ts), paging through `$all` (eventstoredb-read-all.ts)
 * and the subscription (eventstoredb-subscription.ts); only these files know
 * the client.
 *
 * Choices worth knowing (docs/EVENTSTOREDB.md has the operator's view):
 * - Positions are the commit position. Events appended through gRPC are
 *   committed one record each, so commit = prepare = the event's own log
 *   position: unique and strictly increasing. Events of an old-style
 *   transaction share a commit position, so paging and resubscribing go by
 *   the full (commit, prepare) position, and readAll never ends a result
 *   inside such a transaction. A read "from" a position is inclusive on the
 *   server, so `after` is made exclusive here by skipping every event at or
 *   before it.
 * - System events ($-prefixed types or streams: projections, statistics,
 *   links) are the server's business, never Courtship's: they are filtered out
 *   of readAll, headPosition and subscriptions.
 * - listStreams reads the `$streams` system projection (one link per stream,
 *   so the cost follows the number of streams, not of events), incrementally,
 *   and sorts in memory. Streams this process creates are added at once, so a
 *   process sees its own new streams before the projection catches up.
 * - The client hangs forever on a socket that accepts and never answers, and
 *   reports a refused connection as a plain Error with code 14 and a failed
 *   discovery as a plain Error without a code: every call is bounded by our
 *   own timeout (a timed-out read is cancelled on the server), and all these
 *   forms count as "unavailable".
 * - Connection strings that would fail quietly later are refused when the
 *   store opens: `esdb+discover://` with several hosts (the client keeps the
 *   first) and `throwOnAppendFailure=false` (conflicts become successes).
 * - Subscriptions resubscribe by themselves after a drop or a failover, from
 *   the last event they delivered (never from a checkpoint the server reports,
 *   which can lie past it), skipping anything at or before it.
 * - Idempotent retries are the server's, checked by ids at the expected
 *   revision; for 'any' and 'stream_exists', which the server recognises only
 *   through a bounded cache, the adapter reads the batch back before
 *   resending (eventstoredb-append.ts). They differ from the SQLite store's
 *   where a batch is not a plain retry (see the contract suite): a batch
 *   resent expecting the stream's current revision is appended again (the
 *   server keeps no ids unique in a stream; SQLite refuses it), and a batch
 *   that repeats only some earlier events is a WrongExpectedRevision (SQLite:
 *   an InvalidAppendError).
 */
import { BACKWARDS, END, EventStoreDBClient, FORWARDS, START, StreamNotFoundError, excludeSystemEvents } from '@eventstore/db-client';
import type { JSONEventData, JSONType } from '@eventstore/db-client';
import {
  StoreError,
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
import { assertAfterPosition, readAllBounds, readAllFilter, readLimits, serializeBatch } from './validate.js';
import {
  afterCommit,
  backoffDelay,
  compareLogPositions,
  connectionStringProblem,
  defaultSleep,
  fromPosition,
  logPositionOf,
  normalisePosition,
  normaliseRevision,
  redactConnectionString,
  scrub,
  toBigInt,
  toRecordedEvent,
  withTimeout,
  type EsdbClient,
  type EsdbLogger,
  type EsdbRead,
  type EsdbResolvedEvent,
  type EventStoreDbOptions,
  type FromPosition,
  type LogPosition,
} from './eventstoredb-client.js';
import { isUnavailable, messageOf, toStoreError } from './eventstoredb-errors.js';
import { appendWithRetries, type AppendTarget } from './eventstoredb-append.js';
import { PAGE_SIZE, readAllBackwards, readAllForwards, type ReadPage } from './eventstoredb-read-all.js';
import { ResubscribingSubscription } from './eventstoredb-subscription.js';

export {
  normalisePosition,
  normaliseRevision,
  redactConnectionString,
  toBigInt,
  toRecordedEvent,
  type EsdbClient,
  type EsdbLogger,
  type EsdbPosition,
  type EsdbRead,
  type EsdbRecordedEvent,
  type EsdbResolvedEvent,
  type EsdbSubscription,
  type EventStoreDbOptions,
} from './eventstoredb-client.js';
export { isUnavailable, toStoreError, type ErrorContext } from './eventstoredb-errors.js';

/* ------------------------------------------------------------- the adapter */

const HEAD_PAGE_SIZE = 100;
const STREAMS_PROJECTION = '$streams';

export class EventStoreDbStore implements EventStore {
  private closed = false;
  private readonly subscriptions = new Set<Subscription>();
  private readonly settings: Required<Omit<EventStoreDbOptions, 'client' | 'connect' | 'logger'>> & { logger?: EsdbLogger };
  /** Known stream ids, from `$streams` and from this process's own appends. */
  private readonly streamIds = new Set<string>();
  private sortedStreamIds: string[] | null = [];
  /** Last revision of `$streams` folded into `streamIds`. */
  private streamsRevision: bigint | undefined;
  private indexing: Promise<void> | undefined;
  private readonly appendTarget: AppendTarget;

  constructor(
    private readonly client: EsdbClient,
    /** The connection string without its password. */
    readonly description: string,
    options: EventStoreDbOptions = {},
  ) {
    this.settings = {
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      pingTimeoutMs: options.pingTimeoutMs ?? 2_000,
      callTimeoutMs: options.callTimeoutMs ?? 30_000,
      appendAttempts: options.appendAttempts ?? 6,
      resubscribeAttempts: options.resubscribeAttempts ?? Number.POSITIVE_INFINITY,
      backoffBaseMs: options.backoffBaseMs ?? 100,
      backoffMaxMs: options.backoffMaxMs ?? 5_000,
      sleep: options.sleep ?? defaultSleep,
      logger: options.logger,
    };
    this.appendTarget = {
      client,
      settings: this.settings,
      isClosed: () => this.closed,
      readTail: (streamId, maxCount) => this.readStream(streamId, { direction: 'backwards', maxCount }),
      noAnswer: (what, ms) => this.noAnswer(what, ms),
    };
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision = 'any',
  ): Promise<AppendResult> {
    const batch = serializeBatch(streamId, events, expectedRevision);
    this.assertOpen();
    const payload: JSONEventData[] = batch.map((checked, index) => ({
      id: checked.id,
      type: checked.type,
      contentType: 'application/json',
      data: events[index]!.data as JSONType,
      metadata: (events[index]!.metadata ?? {}) as JSONType,
    }));
    const context = { description: this.description, streamId, expected: expectedRevision };
    const result = await appendWithRetries(this.appendTarget, streamId, payload, expectedRevision, context);
    const nextRevision = normaliseRevision(result.nextExpectedRevision);
    if (nextRevision === null) throw new StoreError(`EventStoreDB acknowledged an append to ${streamId} without a revision`, 'BAD_RESPONSE');
    if (nextRevision === batch.length - 1) this.rememberStream(streamId);
    const position = normalisePosition(result.position?.commit) ?? (await this.positionOfRevision(streamId, nextRevision));
    return { nextRevision, position };
  }

  /** Some servers acknowledge an idempotent retry without a position: read it from the event itself. */
  private async positionOfRevision(streamId: string, revision: number): Promise<bigint> {
    const [last] = await this.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    if (!last) throw new StoreError(`EventStoreDB acknowledged revision ${revision} of ${streamId}, which cannot be read`, 'BAD_RESPONSE');
    return last.position;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const { direction, fromRevision, maxCount } = readLimits(streamId, options);
    this.assertOpen();
    const forwards = direction === 'forwards';
    const read = this.client.readStream(streamId, {
      direction: forwards ? FORWARDS : BACKWARDS,
      fromRevision: fromRevision === undefined ? (forwards ? START : END) : BigInt(fromRevision),
      maxCount: maxCount < 0 ? Number.MAX_SAFE_INTEGER : maxCount,
    });
    let page: EsdbResolvedEvent[];
    try {
      page = await this.drain(read, this.settings.callTimeoutMs, `a read of ${streamId}`);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw toStoreError(error, { description: this.description, streamId });
    }
    return page.map(toRecordedEvent).filter((event): event is RecordedEvent => event !== null);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const { direction, after, before } = readAllBounds(options);
    const limit = readLimits(undefined, { maxCount: options.maxCount }).maxCount;
    const filter = readAllFilter(options.filter);
    this.assertOpen();
    const readPage: ReadPage = (way, from, maxCount) => this.readAllPage(way, from, maxCount);
    if (direction === 'backwards') return readAllBackwards(readPage, { after, before }, limit, filter);
    return readAllForwards(readPage, after, limit, filter, before);
  }

  private async readAllPage(
    direction: typeof FORWARDS | typeof BACKWARDS,
    from: FromPosition,
    maxCount: number,
    timeoutMs = this.settings.callTimeoutMs,
  ): Promise<EsdbResolvedEvent[]> {
    try {
      return await this.drain(this.client.readAll({ direction, fromPosition: from, maxCount }), timeoutMs, 'a read of $all');
    } catch (error) {
      throw toStoreError(error, { description: this.description });
    }
  }

  /** Collects a server read, bounded in time: the client alone can wait forever. */
  private drain(read: EsdbRead, timeoutMs: number, what: string): Promise<EsdbResolvedEvent[]> {
    const collect = async () => {
      const events: EsdbResolvedEvent[] = [];
      for await (const resolved of read) events.push(resolved);
      return events;
    };
    return withTimeout(collect(), timeoutMs, () => {
      // destroy() ends only our side of the client's ReadStream; cancel() ends the gRPC call on the server.
      read.cancel?.().catch(() => undefined);
      read.destroy?.();
      return this.noAnswer(what, timeoutMs);
    });
  }

  private noAnswer(what: string, ms: number): StoreUnavailableError {
    return new StoreUnavailableError(`EventStoreDB at ${this.description} did not answer ${what} within ${ms} ms`);
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    assertAfterPosition(options.after, 'subscribeToAll');
    this.assertOpen();
    const subscription = new ResubscribingSubscription(
      (after) => this.client.subscribeToAll({ fromPosition: fromPosition(after), filter: excludeSystemEvents() }),
      afterCommit(options.after),
      {
        description: this.description,
        maxAttempts: this.settings.resubscribeAttempts,
        delayOf: (attempt) => backoffDelay(attempt, this.settings.backoffBaseMs, this.settings.backoffMaxMs),
        sleep: this.settings.sleep,
        logger: this.settings.logger,
      },
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async streamRevision(streamId: string): Promise<number | null> {
    const [last] = await this.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    return last ? last.revision : null;
  }

  async listStreams(options: ListStreamsOptions): Promise<string[]> {
    const { prefix, after } = options;
    if (typeof prefix !== 'string') throw new StoreError('listStreams: `prefix` must be a string', 'INVALID_READ');
    if (after !== undefined && typeof after !== 'string') {
      throw new StoreError('listStreams: `after` must be a stream id', 'INVALID_READ');
    }
    const { maxCount } = readLimits(undefined, { maxCount: options.limit });
    this.assertOpen();
    this.indexing ??= this.catchUpStreamIndex().finally(() => (this.indexing = undefined));
    await this.indexing;
    const sorted = (this.sortedStreamIds ??= [...this.streamIds].sort());
    let index = firstIndex(sorted, (id) => id >= prefix);
    if (after !== undefined) index = Math.max(index, firstIndex(sorted, (id) => id > after));
    const ids: string[] = [];
    for (; index < sorted.length && sorted[index]!.startsWith(prefix); index++) {
      if (ids.length === maxCount) break;
      ids.push(sorted[index]!);
    }
    return ids;
  }

  private rememberStream(streamId: string): void {
    if (this.streamIds.has(streamId)) return;
    this.streamIds.add(streamId);
    this.sortedStreamIds = null;
  }

  /** Folds the `$streams` links written since the last call into `streamIds`. */
  private async catchUpStreamIndex(): Promise<void> {
    for (;;) {
      const from = this.streamsRevision === undefined ? START : this.streamsRevision + 1n;
      let page: EsdbResolvedEvent[];
      try {
        page = await this.drain(
          this.client.readStream(STREAMS_PROJECTION, { direction: FORWARDS, fromRevision: from, maxCount: PAGE_SIZE }),
          this.settings.callTimeoutMs,
          `a read of ${STREAMS_PROJECTION}`,
        );
      } catch (error) {
        if (error instanceof StreamNotFoundError) return this.assertStreamsProjectionRuns();
        throw toStoreError(error, { description: this.description });
      }
      for (const { event } of page) {
        if (!event) continue;
        this.streamsRevision = toBigInt(event.revision, 'revision');
        const streamId = linkTarget(event.data);
        if (streamId !== null && !streamId.startsWith('$')) this.rememberStream(streamId);
      }
      if (page.length < PAGE_SIZE) return;
    }
  }

  /** `$streams` is missing: fine while its projection is just starting, a setup error when it is off. */
  private async assertStreamsProjectionRuns(): Promise<void> {
    let status: string;
    try {
      status = (await this.client.getProjectionStatus(STREAMS_PROJECTION)).projectionStatus;
    } catch (error) {
      if (isUnavailable(error)) throw toStoreError(error, { description: this.description });
      status = `not available (${messageOf(error)})`;
    }
    if (/^running/i.test(status)) return;
    throw new StoreError(
      `listing streams needs the ${STREAMS_PROJECTION} system projection of EventStoreDB at ${this.description}, which is ${status}; ` +
        'start the server with EVENTSTORE_RUN_PROJECTIONS=All and EVENTSTORE_START_STANDARD_PROJECTIONS=true',
      'STREAMS_PROJECTION_DISABLED',
    );
  }

  async headPosition(): Promise<bigint | null> {
    this.assertOpen();
    let cursor: LogPosition | undefined;
    // Backwards from the end, past the server's own events (statistics, projection checkpoints).
    for (;;) {
      const page = await this.readAllPage(BACKWARDS, cursor === undefined ? END : fromPosition(cursor), HEAD_PAGE_SIZE);
      let moved = false;
      for (const resolved of page) {
        const position = logPositionOf(resolved);
        if (position === null || (cursor !== undefined && compareLogPositions(position, cursor) >= 0)) continue;
        cursor = position;
        moved = true;
        if (toRecordedEvent(resolved) !== null) return position.commit;
      }
      if (page.length < HEAD_PAGE_SIZE || !moved) return null;
    }
  }

  async ping(timeoutMs = this.settings.pingTimeoutMs): Promise<void> {
    this.assertOpen();
    await this.readAllPage(BACKWARDS, END, 1, timeoutMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.client.dispose().catch(() => undefined);
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError(`the event store ${this.description} is closed`);
  }
}

/** `$streams` holds links whose data reads `<revision>@<stream id>`. */
function linkTarget(data: unknown): string | null {
  const text = typeof data === 'string' ? data : data instanceof Uint8Array ? Buffer.from(data).toString('utf8') : null;
  const at = text?.indexOf('@') ?? -1;
  return text && at > 0 ? text.slice(at + 1) : null;
}

/** Index of the first element satisfying a predicate that is false, then true, along `sorted`. */
function firstIndex(sorted: readonly string[], isAtOrPast: (id: string) => boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (isAtOrPast(sorted[middle]!)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/* ----------------------------------------------------------------- opening */

/** The real client's `throwOnAppendFailure` getter (typed protected) is false: conflicts would come back as successes. */
function hidesAppendFailures(client: EsdbClient): boolean {
  return (client as unknown as { throwOnAppendFailure?: unknown }).throwOnAppendFailure === false;
}

/**
 * Connects to EventStoreDB and checks, within a bounded time, that it answers.
 * Fails with a StoreUnavailableError naming the connection string without its
 * password.
 */
export async function openEventStoreDb(
  connectionString: string,
  options: EventStoreDbOptions = {},
): Promise<EventStoreDbStore> {
  const description = redactConnectionString(connectionString);
  const problem = connectionStringProblem(connectionString);
  if (problem !== null) {
    throw new StoreError(`refusing EventStoreDB connection string ${description}: ${problem}`, 'INVALID_CONNECTION_STRING');
  }
  let client = options.client;
  if (!client) {
    try {
      client = (options.connect ?? ((text) => EventStoreDBClient.connectionString(text)))(connectionString);
    } catch (error) {
      // The parser's message may quote the string, password included.
      throw new StoreError(
        `${description} is not a valid EventStoreDB connection string (${scrub(messageOf(error), connectionString)}); ` +
          'expected esdb://[user:password@]host:port[,host:port…][?tls=false] or esdb+discover://[user:password@]dns-name:port',
        'INVALID_CONNECTION_STRING',
      );
    }
  }
  if (hidesAppendFailures(client)) {
    await client.dispose().catch(() => undefined);
    throw new StoreError(
      `refusing EventStoreDB client for ${description}: throwOnAppendFailure is off, which would report a conflicting append as a success`,
      'INVALID_CONNECTION_STRING',
    );
  }
  const store = new EventStoreDbStore(client, description, options);
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  try {
    await store.ping(timeoutMs);
  } catch (error) {
    await store.close();
    throw new StoreUnavailableError(
      `cannot reach EventStoreDB at ${description} (waited up to ${timeoutMs} ms): ${scrub(messageOf(error), connectionString)}`,
      error,
    );
  }
  return store;
}
