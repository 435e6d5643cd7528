/**
 * The EventStoreDB / KurrentDB adapter: the port over `@eventstore/db-client`.
 * This is the only file that knows the client, so a move to its successor
 * (`@kurrent/kurrentdb-client`) stays a one-file change.
 *
 * Choices worth knowing (docs/EVENTSTOREDB.md has the operator's view):
 * - Positions are the commit position. Events appended through gRPC are
 *   committed one record each, so commit = prepare = the event's own log
 *   position: unique and strictly increasing. A read "from" a position is
 *   inclusive on the server, so `after` is made exclusive here by skipping
 *   every event at or before it.
 * - System events ($-prefixed types or streams: projections, statistics,
 *   links) are the server's business, never Courtship's: they are filtered out
 *   of readAll, headPosition and subscriptions.
 * - listStreams reads the `$streams` system projection (one link per stream,
 *   so the cost follows the number of streams, not of events), incrementally,
 *   and sorts in memory. Streams this process creates are added at once, so a
 *   process sees its own new streams before the projection catches up.
 * - The client hangs forever on a socket that accepts and never answers, and
 *   reports a refused connection as a plain Error with code 14: every call is
 *   bounded by our own timeout, and both forms count as "unavailable".
 * - Subscriptions resubscribe by themselves after a drop or a failover, from
 *   the last event they delivered (never from a checkpoint the server reports,
 *   which can lie past it), skipping anything at or before it.
 * - Idempotent retries are the server's, and differ from the SQLite store's
 *   where a batch is not a plain retry (see the contract suite): a batch
 *   resent expecting the stream's current revision is appended again (the
 *   server keeps no ids unique in a stream; SQLite refuses it), a batch that
 *   repeats only some earlier events is a WrongExpectedRevision (SQLite: an
 *   InvalidAppendError), and a retry expecting 'any' is only recognised while
 *   the first append is in the server's bounded cache of recent writes.
 */
import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  AccessDeniedError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NotLeaderError,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  type AppendExpectedRevision,
  type Filter,
  type JSONEventData,
  type JSONType,
} from '@eventstore/db-client';
import {
  StoreError,
  StoreUnavailableError,
  InvalidAppendError,
  WrongExpectedRevisionError,
  matchesReadAllFilter,
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
import { sleep } from './catch-up.js';
import { StepRace } from './step-race.js';
import { assertAfterPosition, readAllFilter, readLimits, serializeBatch } from './validate.js';

/* ------------------------------------------------- the client, as we use it */

/** Revisions and positions are bigint in this client, but have come back as numbers in some versions. */
type Integer = bigint | number;

export interface EsdbPosition {
  readonly commit: Integer;
  readonly prepare: Integer;
}

export interface EsdbRecordedEvent {
  readonly streamId: string;
  readonly id: string;
  readonly revision: Integer;
  readonly type: string;
  readonly created: Date;
  readonly data: unknown;
  readonly metadata?: unknown;
  readonly position?: EsdbPosition;
}

export interface EsdbResolvedEvent {
  readonly event?: EsdbRecordedEvent;
  readonly commitPosition?: Integer;
}

/** A server read: iterated to the end, destroyed when we give up on it. */
export interface EsdbRead extends AsyncIterable<EsdbResolvedEvent> {
  destroy?(): unknown;
}

export interface EsdbSubscription extends EsdbRead {
  unsubscribe(): Promise<void>;
}

type FromPosition = typeof START | typeof END | { commit: bigint; prepare: bigint };

/**
 * The part of `EventStoreDBClient` the adapter uses. The real client satisfies
 * it as is; tests inject a fake to exercise retries and resubscription.
 */
export interface EsdbClient {
  appendToStream(
    streamName: string,
    events: JSONEventData[],
    options: { expectedRevision: AppendExpectedRevision },
  ): Promise<{ nextExpectedRevision: Integer; position?: EsdbPosition }>;
  readStream(
    streamName: string,
    options: { direction: typeof FORWARDS | typeof BACKWARDS; fromRevision: typeof START | typeof END | bigint; maxCount: number },
  ): EsdbRead;
  readAll(options: { direction: typeof FORWARDS | typeof BACKWARDS; fromPosition: FromPosition; maxCount: number }): EsdbRead;
  subscribeToAll(options: { fromPosition: FromPosition; filter: Filter }): EsdbSubscription;
  getProjectionStatus(name: string): Promise<{ projectionStatus: string }>;
  dispose(): Promise<void>;
}

/** pino-compatible. */
export interface EsdbLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface EventStoreDbOptions {
  /** Use this client instead of one made from the connection string (tests). */
  readonly client?: EsdbClient;
  /** Bound on the reachability check of `openEventStoreDb`. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Bound on `ping()`. Default 2 s. */
  readonly pingTimeoutMs?: number;
  /** Bound on one append attempt or one page of a read. Default 30 s. */
  readonly callTimeoutMs?: number;
  /** Attempts of an append while the server is unavailable (first try included). Default 6. */
  readonly appendAttempts?: number;
  /** Consecutive failed resubscriptions before a subscription gives up. Default: never gives up. */
  readonly resubscribeAttempts?: number;
  /** Exponential backoff between retries: base, doubled per attempt, capped. Defaults 100 ms and 5 s. */
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /**
   * Waits between retries; injectable so tests never sleep. A subscription
   * passes `signal`, aborted when it stops: the wait should then end at once
   * and leave no timer behind.
   */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly logger?: EsdbLogger;
}

/* ------------------------------------------------------------ pure helpers */

/** The connection string with its password replaced by `***`, for logs and errors. */
export function redactConnectionString(connectionString: string): string {
  const password = passwordOf(connectionString);
  return password === null ? connectionString : connectionString.replace(`:${password}@`, ':***@');
}

/** Greedy up to the last '@' before the query, so a password holding a raw '@' is still found whole. */
function passwordOf(connectionString: string): string | null {
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^?]*)@/i.exec(connectionString)?.[1];
  const colon = userinfo?.indexOf(':') ?? -1;
  return userinfo && colon >= 0 ? userinfo.slice(colon + 1) : null;
}

/** A message about the connection string, with every copy of its password masked. */
function scrub(message: string, connectionString: string): string {
  const password = passwordOf(connectionString);
  return password ? message.split(password).join('***') : message;
}

export function toBigInt(value: Integer | string, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?[0-9]+$/.test(value)) return BigInt(value);
  throw new StoreError(`EventStoreDB returned a ${what} that is not an integer: ${String(value)}`, 'BAD_RESPONSE');
}

/** The server marks "no position" as -1, or as its unsigned form on stream reads of older versions. */
const UNSIGNED_MINUS_ONE = 2n ** 64n - 1n;

/** A log position as bigint, or null when the server sent none. */
export function normalisePosition(value: Integer | string | undefined): bigint | null {
  if (value === undefined) return null;
  const position = toBigInt(value, 'position');
  return position < 0n || position === UNSIGNED_MINUS_ONE ? null : position;
}

/** A stream revision as the port's number, or null for "no stream" (-1). */
export function normaliseRevision(value: Integer | string): number | null {
  const revision = toBigInt(value, 'revision');
  if (revision < 0n || revision === UNSIGNED_MINUS_ONE) return null;
  if (revision > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new StoreError(`EventStoreDB returned revision ${revision}, beyond what Courtship handles`, 'BAD_RESPONSE');
  }
  return Number(revision);
}

function isSystemEvent(event: EsdbRecordedEvent): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

/** The log position of any read result, system events included (paging needs them). */
function positionOf(resolved: EsdbResolvedEvent): bigint | null {
  return normalisePosition(resolved.event?.position?.commit) ?? normalisePosition(resolved.commitPosition);
}

/** The port's view of an event; null for what Courtship never sees (system events, unresolved links). */
export function toRecordedEvent(resolved: EsdbResolvedEvent): RecordedEvent | null {
  const event = resolved.event;
  if (!event || isSystemEvent(event)) return null;
  const position = positionOf(resolved);
  if (position === null) {
    throw new StoreError(
      `EventStoreDB sent event ${event.id} of ${event.streamId} without its log position; Courtship needs EventStoreDB 22.6 or later`,
      'BAD_RESPONSE',
    );
  }
  const revision = normaliseRevision(event.revision);
  if (revision === null) throw new StoreError(`EventStoreDB sent event ${event.id} without a revision`, 'BAD_RESPONSE');
  const metadata = event.metadata;
  return {
    id: event.id,
    streamId: event.streamId,
    revision,
    position,
    type: event.type,
    data: event.data,
    metadata:
      metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) && !(metadata instanceof Uint8Array)
        ? (metadata as Record<string, unknown>)
        : {},
    recordedAt: event.created,
  };
}

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

function messageOf(error: unknown): string {
  return error instanceof Error && error.message ? error.message : String(error);
}

/**
 * Failures worth retrying: the server or the leader cannot be reached right
 * now. The client raises UnavailableError on reads but a plain Error with gRPC
 * code 14 on appends; both count.
 */
export function isUnavailable(error: unknown): boolean {
  return (
    error instanceof StoreUnavailableError ||
    error instanceof UnavailableError ||
    error instanceof NotLeaderError ||
    error instanceof DeadlineExceededError ||
    codeOf(error) === 14 ||
    codeOf(error) === 4
  );
}

/** gRPC codes by which a long-lived subscription stream ends when its node goes away. */
const DROPPED_STREAM_CODES = new Set([1 /* CANCELLED */, 10 /* ABORTED */, 13 /* INTERNAL: RST_STREAM */]);

function isDroppedSubscription(error: unknown): boolean {
  return isUnavailable(error) || DROPPED_STREAM_CODES.has(codeOf(error) as number);
}

export interface ErrorContext {
  /** The connection string without its password. */
  readonly description: string;
  readonly streamId?: string;
  readonly expected?: ExpectedRevision;
}

/** Translates anything the client throws into the port's errors, once, here. */
export function toStoreError(error: unknown, context: ErrorContext): StoreError {
  if (error instanceof StoreError) return error;
  if (error instanceof WrongExpectedVersionError) {
    const actual = error.actualVersion === NO_STREAM ? null : normaliseRevision(error.actualVersion);
    return new WrongExpectedRevisionError(context.streamId ?? error.streamName, context.expected ?? 'any', actual);
  }
  if (isUnavailable(error)) {
    return new StoreUnavailableError(`EventStoreDB at ${context.description} is unavailable: ${messageOf(error)}`, error);
  }
  if (error instanceof MaxAppendSizeExceededError) {
    return new InvalidAppendError(
      `the batch is larger than the server's maximum append size of ${error.maxAppendSize} bytes`,
      'events',
    );
  }
  if (error instanceof AccessDeniedError) {
    return new StoreError(
      `EventStoreDB at ${context.description} denied access; check the user in the connection string`,
      'ACCESS_DENIED',
    );
  }
  if (error instanceof StreamDeletedError) {
    return new StoreError(`stream ${context.streamId ?? error.streamName} was deleted in EventStoreDB`, 'STREAM_DELETED');
  }
  return new StoreError(`EventStoreDB at ${context.description} failed: ${messageOf(error)}`, 'EVENTSTOREDB_ERROR');
}

function toClientRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  return BigInt(expected);
}

function fromPosition(position: bigint | undefined): FromPosition {
  return position === undefined ? START : { commit: position, prepare: position };
}

export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** (attempt - 1));
}

const STOPPED = Symbol('stopped');

/** `work`, or `onTimeout()` thrown after `ms`; a lost race never becomes an unhandled rejection. */
async function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return signal ? sleep(ms, signal) : new Promise((resolve) => setTimeout(resolve, ms));
}

/* ------------------------------------------------------------- the adapter */

const PAGE_SIZE = 1000;
const HEAD_PAGE_SIZE = 100;
const STREAMS_PROJECTION = '$streams';

export class EventStoreDbStore implements EventStore {
  readonly kind = 'eventstoredb' as const;
  private closed = false;
  private readonly subscriptions = new Set<Subscription>();
  private readonly settings: Required<Omit<EventStoreDbOptions, 'client' | 'logger'>> & { logger?: EsdbLogger };
  /** Known stream ids, from `$streams` and from this process's own appends. */
  private readonly streamIds = new Set<string>();
  private sortedStreamIds: string[] | null = [];
  /** Last revision of `$streams` folded into `streamIds`. */
  private streamsRevision: bigint | undefined;
  private indexing: Promise<void> | undefined;

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
    const result = await this.retryWhileUnavailable(context, () =>
      this.client.appendToStream(streamId, payload, { expectedRevision: toClientRevision(expectedRevision) }),
    );
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

  private async retryWhileUnavailable<T>(context: ErrorContext, attempt: () => Promise<T>): Promise<T> {
    const { appendAttempts, backoffBaseMs, backoffMaxMs, callTimeoutMs } = this.settings;
    for (let n = 1; ; n++) {
      try {
        // Retrying is safe even if a lost answer hid a success: the same event ids make it an idempotent retry.
        return await withTimeout(attempt(), callTimeoutMs, () => this.noAnswer('an append', callTimeoutMs));
      } catch (error) {
        if (!isUnavailable(error) || n >= appendAttempts || this.closed) throw toStoreError(error, context);
        const delayMs = backoffDelay(n, backoffBaseMs, backoffMaxMs);
        this.settings.logger?.warn({ attempt: n, delayMs, err: messageOf(error) }, 'EventStoreDB unavailable; retrying the append');
        await this.settings.sleep(delayMs);
      }
    }
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
    const { after } = options;
    assertAfterPosition(after, 'readAll');
    const limit = readLimits(undefined, { maxCount: options.maxCount }).maxCount;
    // Filtered on this side: the client's readAll takes no filter (only its subscriptions do).
    const filter = readAllFilter(options.filter);
    this.assertOpen();
    const events: RecordedEvent[] = [];
    // One more than needed: the page starts at the (inclusive) `after` event, which is skipped.
    const pageSize = limit < 0 ? PAGE_SIZE : Math.min(limit + 1, PAGE_SIZE);
    let cursor = after;
    for (;;) {
      const page = await this.readAllPage(FORWARDS, fromPosition(cursor), pageSize);
      let moved = false;
      for (const resolved of page) {
        const position = positionOf(resolved);
        if (position === null || (cursor !== undefined && position <= cursor)) continue;
        cursor = position;
        moved = true;
        const event = toRecordedEvent(resolved);
        if (event === null || !matchesReadAllFilter(event, filter)) continue;
        events.push(event);
        if (events.length === limit) return events;
      }
      if (page.length < pageSize || !moved) return events;
    }
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
      options.after,
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
    let cursor: bigint | undefined;
    // Backwards from the end, past the server's own events (statistics, projection checkpoints).
    for (;;) {
      const page = await this.readAllPage(BACKWARDS, cursor === undefined ? END : fromPosition(cursor), HEAD_PAGE_SIZE);
      let moved = false;
      for (const resolved of page) {
        const position = positionOf(resolved);
        if (position === null || (cursor !== undefined && position >= cursor)) continue;
        cursor = position;
        moved = true;
        if (toRecordedEvent(resolved) !== null) return position;
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

/* ----------------------------------------------------------- subscriptions */

interface ResubscribeSettings {
  readonly description: string;
  readonly maxAttempts: number;
  readonly delayOf: (attempt: number) => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly logger?: EsdbLogger;
}

/**
 * A catch-up subscription to $all that pulls one event per `next()` (the
 * client's stream buffers a little and pauses the server behind it), and that
 * reopens itself after a drop from the last event it delivered.
 */
class ResubscribingSubscription implements Subscription {
  private last: bigint | undefined;
  private current: EsdbSubscription | null = null;
  private readonly stopping = new AbortController();
  /** Each step (a pull from the server, a wait before resubscribing) ends as soon as the subscription stops. */
  private readonly steps = new StepRace<typeof STOPPED>(STOPPED);
  private readonly iterator: AsyncGenerator<RecordedEvent, void, undefined>;

  constructor(
    private readonly open: (after: bigint | undefined) => EsdbSubscription,
    after: bigint | undefined,
    private readonly settings: ResubscribeSettings,
    private readonly onStop: () => void,
  ) {
    this.last = after;
    this.iterator = this.run();
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    const iterator = this.iterator;
    return {
      next: () => iterator.next(),
      // `break` in a for-await calls return(): stop the subscription then too, so the store forgets it.
      return: async () => {
        await this.stop();
        return iterator.return();
      },
    };
  }

  async stop(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.stopping.abort();
    this.steps.end();
    this.closeCurrent();
    this.onStop();
  }

  private async *run(): AsyncGenerator<RecordedEvent, void, undefined> {
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      let cause: unknown = new Error('the server ended the subscription');
      try {
        this.current = this.open(this.last);
        const source = this.current[Symbol.asyncIterator]();
        for (;;) {
          const step = await this.steps.race(source.next());
          // Stop first: a stop must win over an event that arrived at the same time.
          if (step === STOPPED || this.stopping.signal.aborted) return;
          if (step.done) break;
          const event = toRecordedEvent(step.value);
          // Skip system events, and whatever a resubscription replays at or before the last delivery.
          if (event === null || (this.last !== undefined && event.position <= this.last)) continue;
          this.last = event.position;
          failures = 0;
          yield event;
        }
      } catch (error) {
        if (this.stopping.signal.aborted) return;
        if (!isDroppedSubscription(error)) throw toStoreError(error, { description: this.settings.description });
        cause = error;
      } finally {
        this.closeCurrent();
      }
      failures += 1;
      if (failures > this.settings.maxAttempts) {
        throw new StoreUnavailableError(
          `the subscription to EventStoreDB at ${this.settings.description} dropped ${failures} times in a row: ${messageOf(cause)}`,
          cause,
        );
      }
      const delayMs = this.settings.delayOf(failures);
      this.settings.logger?.warn(
        { attempt: failures, delayMs, after: this.last?.toString(), err: messageOf(cause) },
        'EventStoreDB subscription dropped; resubscribing from the last delivered event',
      );
      // The sleep is told of the stop (the default one clears its timer); racing it covers one that ignores it.
      if ((await this.steps.race(this.settings.sleep(delayMs, this.stopping.signal))) === STOPPED) return;
    }
  }

  /** Never awaited: the client's unsubscribe waits for a connection that may never come. */
  private closeCurrent(): void {
    const subscription = this.current;
    this.current = null;
    if (!subscription) return;
    subscription.unsubscribe().catch(() => undefined);
    subscription.destroy?.();
  }
}

/* ----------------------------------------------------------------- opening */

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
  let client = options.client;
  if (!client) {
    try {
      client = EventStoreDBClient.connectionString(connectionString);
    } catch (error) {
      // The parser's message may quote the string, password included.
      throw new StoreError(
        `${description} is not a valid EventStoreDB connection string (${scrub(messageOf(error), connectionString)}); ` +
          'expected esdb://[user:password@]host:port[?tls=false] or esdb+discover://…',
        'INVALID_CONNECTION_STRING',
      );
    }
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
