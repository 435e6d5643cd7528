/**
 * What the client throws, translated once into the port's errors, and which of
 * its failures mean "unavailable right now" (worth a retry or a resubscription).
 */
import {
  AccessDeniedError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NO_STREAM,
  NotLeaderError,
  StreamDeletedError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  InvalidAppendError,
  StoreError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
  type ExpectedRevision,
} from './port.js';
import { normaliseRevision } from './eventstoredb-client.js';

export function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

export function messageOf(error: unknown): string {
  return error instanceof Error && error.message ? error.message : String(error);
}

/**
 * Failures worth retrying: the server or the leader cannot be reached right
 * now. The client raises UnavailableError on reads but a plain Error with gRPC
 * code 14 on appends; both count. So does a failed discovery (no node found
 * through gossip, e.g. during an election), which the client reports as a
 * plain Error without a code (Client/discovery.js).
 */
export function isUnavailable(error: unknown): boolean {
  return (
    error instanceof StoreUnavailableError ||
    error instanceof UnavailableError ||
    error instanceof NotLeaderError ||
    error instanceof DeadlineExceededError ||
    codeOf(error) === 14 ||
    codeOf(error) === 4 ||
    isDiscoveryFailure(error)
  );
}

/** `discoverEndpoint`'s `new Error(\`Failed to discover after ${attempts} attempts.\`)`. */
function isDiscoveryFailure(error: unknown): boolean {
  return error instanceof Error && codeOf(error) === undefined && /^Failed to discover after \d+ attempts\.?$/.test(error.message);
}

/** gRPC codes by which a long-lived subscription stream ends when its node goes away. */
const DROPPED_STREAM_CODES = new Set([1 /* CANCELLED */, 10 /* ABORTED */, 13 /* INTERNAL: RST_STREAM */]);

export function isDroppedSubscription(error: unknown): boolean {
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
