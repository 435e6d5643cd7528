/**
 * What Apollo does with the errors of an executed operation, for the
 * operations the HTTP layer runs itself (known-queries.ts): log the
 * unexpected ones (its `didEncounterErrors` hook, see apollo.ts), add the
 * default code and, in development, the stack trace, honour an
 * `extensions.http` status or headers, then apply the server's formatter.
 * Apollo does not export this step; test/server/known-queries.test.ts checks
 * that both paths answer the same.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { RequestContext } from '../graphql/context.js';
import { ErrorCode, isUnexpected } from '../graphql/errors.js';

export interface ErrorFormatting {
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  readonly includeStacktraceInErrorResponses: boolean;
}

export interface FormattedResultErrors {
  readonly errors: GraphQLFormattedError[];
  /** Set only when an error asks for one through `extensions.http`. */
  readonly status: number | undefined;
  readonly headers: Map<string, string>;
  /** The distinct codes, for the request's log line. */
  readonly codes: string[];
}

/** The client sees "Internal server error"; the operator needs the real one. */
export function logUnexpectedErrors(errors: readonly GraphQLError[], context: Pick<RequestContext, 'log'>): void {
  for (const error of errors.filter(isUnexpected)) {
    context.log.error({ err: error.originalError ?? error }, 'unexpected error');
  }
}

export function formatResultErrors(
  errors: readonly GraphQLError[],
  context: Pick<RequestContext, 'log'>,
  options: ErrorFormatting,
): FormattedResultErrors {
  logUnexpectedErrors(errors, context);
  let status: number | undefined;
  const headers = new Map<string, string>();
  const enrich = (error: GraphQLError): GraphQLFormattedError => {
    const extensions: Record<string, unknown> = { ...error.extensions, code: error.extensions.code ?? ErrorCode.INTERNAL_SERVER_ERROR };
    const http = extensions.http;
    if (isHttpHead(http)) {
      if (http.status) status = http.status;
      for (const [name, value] of http.headers ?? []) headers.set(name, value);
      delete extensions.http;
    }
    if (options.includeStacktraceInErrorResponses) extensions.stacktrace = error.stack?.split('\n');
    return { ...error.toJSON(), extensions };
  };
  const formatted = errors.map((error) => {
    try {
      return options.formatError(enrich(error), error);
    } catch (formattingError) {
      if (options.includeStacktraceInErrorResponses) return enrich(asGraphQLError(formattingError));
      return { message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
    }
  });
  const codes = [...new Set(formatted.map((error) => String(error.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR)))];
  return { errors: formatted, status, headers, codes };
}

function isHttpHead(value: unknown): value is { status?: number; headers?: Map<string, string> } {
  if (typeof value !== 'object' || value === null) return false;
  const head = value as { status?: unknown; headers?: unknown };
  return (!('status' in head) || typeof head.status === 'number') && (!('headers' in head) || head.headers instanceof Map);
}

function asGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  if (error instanceof Error) return new GraphQLError(error.message, { originalError: error });
  return new GraphQLError(`Unexpected error value: ${String(error)}`);
}
