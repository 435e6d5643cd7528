/**
 * The client seam of the EventStoreDB adapter: the part of
 * `@eventstore/db-client` the adapter uses, and the pure translation of what
 * it returns (bigint or number revisions and positions, recorded events,
 * connection strings) into the port's terms. A move to the client's successor
 * (`@kurrent/kurrentdb-client`) changes this file and the imports of its
 * siblings, nothing else.
 */
import { ANY, BACKWARDS, END, FORWARDS, NO_STREAM, START, STREAM_EXISTS } from '@eventstore/db-client';
import type { AppendExpectedRevision, Filter, JSONEventData } from '@eventstore/db-client';
import { StoreError, type ExpectedRevision, type RecordedEvent } from './port.js';
import { sleep } from './catch-up.js';

/* ------------------------------------------------- the client, as we use it */

/** Revisions and positions are bigint in this client, but have come back as numbers in some versions. */
export type Integer = bigint | number;

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

export type FromPosition = typeof START | typeof END | { commit: bigint; prepare: bigint };

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
export function scrub(message: string, connectionString: string): string {
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
export function positionOf(resolved: EsdbResolvedEvent): bigint | null {
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

export function toClientRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  return BigInt(expected);
}

export function fromPosition(position: bigint | undefined): FromPosition {
  return position === undefined ? START : { commit: position, prepare: position };
}

export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** (attempt - 1));
}

/** `work`, or `onTimeout()` thrown after `ms`; a lost race never becomes an unhandled rejection. */
export async function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
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

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return signal ? sleep(ms, signal) : new Promise((resolve) => setTimeout(resolve, ms));
}
