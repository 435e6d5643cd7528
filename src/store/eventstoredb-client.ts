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

/**
 * A server read: iterated to the end, cancelled and destroyed when we give up
 * on it. The client's ReadStream is a Transform fed by `.pipe()` from the gRPC
 * call: `destroy()` ends our side only, `cancel()` ends the call on the server.
 */
export interface EsdbRead extends AsyncIterable<EsdbResolvedEvent> {
  cancel?(): Promise<void>;
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
  ): Promise<{ success?: boolean; nextExpectedRevision: Integer; position?: EsdbPosition }>;
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
  /** Makes the client from the connection string; the real client's by default (tests model a cluster with it). */
  readonly connect?: (connectionString: string) => EsdbClient;
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

/**
 * Why a connection string must not be used, or null. Both cases pass the
 * client's own parser and fail only later, quietly:
 * - `esdb+discover://` with several hosts: client 6.2.1 keeps the first host
 *   only (Client/index.js, "More than one address provided for discovery"), so
 *   with that node down the cluster cannot be found at all;
 * - `throwOnAppendFailure=false`: a conflict comes back as `success: false`
 *   instead of an error (streams/appendToStream/append.js, batchAppend.js).
 */
export function connectionStringProblem(connectionString: string): string | null {
  const text = connectionString.trim();
  const scheme = /^([^:]+):\/\//.exec(text)?.[1];
  const query = text.indexOf('?');
  const authority = text.slice(scheme === undefined ? 0 : scheme.length + 3, query < 0 ? undefined : query);
  const hosts = authority.slice(authority.lastIndexOf('@') + 1).split(',').filter((host) => host.trim() !== '');
  if (scheme === 'esdb+discover' && hosts.length > 1) {
    return (
      'esdb+discover:// takes one DNS name that resolves to the cluster: the client uses only the first of several hosts, ' +
      'so the cluster would be lost with that node; list the nodes as gossip seeds with esdb:// instead: ' +
      redactConnectionString(text).replace(/^esdb\+discover:\/\//, 'esdb://')
    );
  }
  for (const pair of query < 0 ? [] : text.slice(query + 1).split('&')) {
    const [key = '', value = ''] = pair.split('=');
    if (key.trim().toLowerCase().replace(/[_-]/g, '') === 'throwonappendfailure' && value.trim() === 'false') {
      return 'throwOnAppendFailure=false would report a conflicting append as a success; remove the option';
    }
  }
  return null;
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

/**
 * A place in `$all`: the commit position, then the prepare position. Events
 * appended through gRPC have commit = prepare, one record each; events written
 * in an old-style transaction (pre-20 servers, the TCP client) share the
 * transaction's commit position and differ by prepare position. `$all` is in
 * that order, and a read or a subscription from a LogPosition starts exactly there.
 */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export function compareLogPositions(a: LogPosition, b: LogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  return a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;
}

/** Where a read or subscription strictly after the port's position `after` starts (a commit position). */
export function afterCommit(after: bigint | undefined): LogPosition | undefined {
  return after === undefined ? undefined : { commit: after, prepare: after };
}

/**
 * The log position of any read result, system events included (paging needs
 * them). The server marks "no position" as -1, which arrives as 2^64−1 (its
 * gRPC Enumerators: `Position.FromInt64(commitPosition ?? -1, …)`); a field it
 * leaves unset reads "0" (protobuf's default), which the client turns into
 * `{ commit: 0n, prepare: 0n }`. No event lies at 0, where the log begins
 * with the server's own records, so both are "no position", and the read's
 * own commit position is used if it sent one.
 */
export function logPositionOf(resolved: EsdbResolvedEvent): LogPosition | null {
  const recorded = resolved.event?.position;
  const commit = normalisePosition(recorded?.commit);
  const prepare = normalisePosition(recorded?.prepare);
  if (commit !== null && prepare !== null && (commit !== 0n || prepare !== 0n)) return { commit, prepare };
  const read = normalisePosition(resolved.commitPosition);
  return read === null ? null : { commit: read, prepare: read };
}

/** The port's position of any read result: its commit position. */
export function positionOf(resolved: EsdbResolvedEvent): bigint | null {
  return logPositionOf(resolved)?.commit ?? null;
}

/** The port's view of an event; null for what Courtship never sees (system events, unresolved links). */
export function toRecordedEvent(resolved: EsdbResolvedEvent): RecordedEvent | null {
  const event = resolved.event;
  if (!event || isSystemEvent(event)) return null;
  const position = positionOf(resolved);
  if (position === null) {
    throw new StoreError(
      `EventStoreDB sent event ${event.id} of ${event.streamId} without its log position; Courtship needs EventStoreDB 22.6 ` +
        'or later, which sends it on stream reads for every event not written in an explicit (pre-20 or TCP) transaction',
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

export function fromPosition(position: LogPosition | undefined): FromPosition {
  return position === undefined ? START : { commit: position.commit, prepare: position.prepare };
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
