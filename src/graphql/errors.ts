import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { encodePosition } from '../app/cursors.js';
import {
  InvalidAppendError,
  ReadSideNotReadyError,
  ReadTasksBusyError,
  ReadTasksClosedError,
  ReadTaskTimeoutError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
} from '../app/errors.js';
import { FeedOverflowError } from '../subscriptions/feed.js';

/**
 * The error codes clients may branch on (`extensions.code`). Anything else a
 * resolver throws reaches the client as INTERNAL_SERVER_ERROR with a generic
 * message: internals (SQL, file paths, stack traces) never leave the server
 * outside development.
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** A subscriber fell too far behind and was cut off; resubscribe with `after: lastCursor`. */
  SUBSCRIBER_OVERFLOW: 'SUBSCRIBER_OVERFLOW',
  /** Over the cap of open subscriptions per socket or per token (`extensions.scope`, `limit`); end one first. */
  TOO_MANY_SUBSCRIPTIONS: 'TOO_MANY_SUBSCRIPTIONS',
  /** Over a per-token rate limit for expensive operations; retry after `extensions.retryAfterMs`. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The server is shutting down; retry against another instance or later. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** Too many heavy reads (analytics, `asOf` lists) are waiting (`extensions.limit`); retry after `extensions.retryAfterMs`. */
  SERVICE_BUSY: 'SERVICE_BUSY',
  /** A heavy read ran past its time budget (`extensions.timeoutMs`) and was stopped. */
  QUERY_TIMEOUT: 'QUERY_TIMEOUT',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes Apollo and graphql-ws produce for malformed requests; their messages are safe to show. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);
const PUBLIC_CODES = new Set<string>([...Object.values(ErrorCode), ...REQUEST_ERROR_CODES]);

export interface BadUserInputDetails {
  /** Path of the offending input, e.g. `events[2].data.questionId`. */
  readonly field?: string;
  /** Machine-readable reason, e.g. `QUESTION_NOT_ASKED`. */
  readonly reason?: string;
  /** Index of the offending item in a list input. */
  readonly index?: number;
  /** The recorded event a late fact contradicts (reason CONTRADICTS_RECORDED_EVENT). */
  readonly conflict?: { readonly revision: number; readonly type: string; readonly occurredAt: string };
}

export function badUserInput(message: string, details: BadUserInputDetails = {}): GraphQLError {
  return coded(message, ErrorCode.BAD_USER_INPUT, { ...details });
}

export function notFound(message: string, details: Record<string, unknown> = {}): GraphQLError {
  return coded(message, ErrorCode.NOT_FOUND, { ...details });
}

/** `currentVersion` is null when the relationship does not exist yet. */
export function conflict(currentVersion: number | null, message?: string): GraphQLError {
  return coded(
    message ?? `the relationship is at version ${currentVersion === null ? 'none (it does not exist)' : currentVersion}`,
    ErrorCode.CONFLICT,
    { currentVersion },
  );
}

export function unauthenticated(message = 'a valid bearer token is required: send "Authorization: Bearer <token>"'): GraphQLError {
  return coded(message, ErrorCode.UNAUTHENTICATED);
}

export function forbidden(message: string, details: { requiredScope?: string } = {}): GraphQLError {
  return coded(message, ErrorCode.FORBIDDEN, { ...details });
}

/** A request over a server limit; says which limit, the limit and what was asked for. */
export function tooComplex(
  measure: 'depth' | 'cost' | 'fields' | 'tokens' | 'copies',
  limit: number,
  actual: number,
  detail: { readonly field?: string } = {},
): GraphQLError {
  const message =
    detail.field === undefined
      ? `query ${measure} ${actual} exceeds the limit of ${limit}`
      : `${actual} ${measure} of ${detail.field} exceed the limit of ${limit} per operation`;
  return coded(message, ErrorCode.QUERY_TOO_COMPLEX, {
    measure,
    limit,
    actual,
    ...detail,
  });
}

function coded(message: string, code: ErrorCode, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

/**
 * Store errors that mean something to a client, translated once here so that
 * resolvers can let them propagate.
 */
function translateKnown(error: unknown): GraphQLError | undefined {
  if (error instanceof WrongExpectedRevisionError) return conflict(error.actualRevision);
  if (error instanceof InvalidAppendError) {
    return badUserInput(error.message, { field: error.field, reason: error.code });
  }
  if (error instanceof StoreUnavailableError) {
    // Its message names files and addresses: for the operator's logs (the projector logs the outage), not for clients.
    return new GraphQLError('the event store is unavailable; retry shortly', {
      extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, reason: 'STORE_UNAVAILABLE' },
    });
  }
  if (error instanceof ReadSideNotReadyError) {
    return new GraphQLError(error.message, { extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, reason: 'NOT_READY' } });
  }
  if (error instanceof ReadTasksBusyError) {
    return new GraphQLError(error.message, { extensions: { code: ErrorCode.SERVICE_BUSY, limit: error.limit, retryAfterMs: error.retryAfterMs } });
  }
  if (error instanceof ReadTaskTimeoutError) {
    return new GraphQLError(error.message, { extensions: { code: ErrorCode.QUERY_TIMEOUT, timeoutMs: error.timeoutMs } });
  }
  if (error instanceof ReadTasksClosedError) {
    return new GraphQLError(error.message, { extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, reason: 'SHUTTING_DOWN' } });
  }
  if (error instanceof FeedOverflowError) {
    return new GraphQLError(error.message, {
      extensions: {
        code: ErrorCode.SUBSCRIBER_OVERFLOW,
        limit: error.limit,
        lastCursor: error.lastCursor ?? encodePosition(error.lastDelivered),
      },
    });
  }
  return undefined;
}

/** The coded GraphQL error a known error from below becomes, or the error itself. */
export function translatedError(error: unknown): unknown {
  return translateKnown(error) ?? error;
}

/**
 * Apollo's and graphql-ws's error formatter. `error` is the original error
 * (possibly wrapped by graphql-js in a located GraphQLError), `formatted` its
 * default JSON form.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  options: { development: boolean; suggestions?: boolean },
): GraphQLFormattedError {
  if (options.suggestions === false) formatted = withoutSuggestions(formatted);
  const original = originalOf(error);
  const translated = translateKnown(original);
  const code = translated?.extensions.code ?? codeOf(original) ?? formatted.extensions?.code;
  const { stacktrace, ...extensions } = { ...formatted.extensions, ...translated?.extensions } as Record<string, unknown>;

  if (typeof code === 'string' && PUBLIC_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
    return {
      ...formatted,
      message: translated?.message ?? formatted.message,
      extensions: { ...extensions, code, ...(options.development && stacktrace ? { stacktrace } : {}) },
    };
  }
  if (options.development) {
    return { ...formatted, extensions: { ...extensions, code: ErrorCode.INTERNAL_SERVER_ERROR, ...(stacktrace ? { stacktrace } : {}) } };
  }
  return {
    message: 'Internal server error',
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/**
 * graphql-js's validation ends some messages with "Did you mean …?", naming
 * fields, arguments and types close to a typo: a way to read the schema
 * piece by piece where introspection is off.
 */
const SUGGESTION = / Did you mean .*\?$/s;

function withoutSuggestions(formatted: GraphQLFormattedError): GraphQLFormattedError {
  return SUGGESTION.test(formatted.message) ? { ...formatted, message: formatted.message.replace(SUGGESTION, '') } : formatted;
}

/** True when the error would reach the client as INTERNAL_SERVER_ERROR, i.e. it deserves a server-side log. */
export function isUnexpected(error: unknown): boolean {
  const original = originalOf(error);
  if (translateKnown(original)) return false;
  const code = codeOf(original) ?? (error instanceof GraphQLError ? error.extensions.code : undefined);
  return !(typeof code === 'string' && PUBLIC_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR);
}

/** graphql-js wraps resolver errors (adding path and locations); validation wrappers keep the rule's error too. */
function originalOf(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError !== undefined && current.originalError !== current) {
    current = current.originalError;
  }
  return current;
}

function codeOf(error: unknown): string | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  const code = error.extensions.code;
  return typeof code === 'string' ? code : undefined;
}
