import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { formatError, isUnexpected } from '../../src/graphql/errors.js';
import { decodePosition, InvalidAppendError, StoreUnavailableError } from '../../src/store/port.js';
import { ReadSideNotReadyError, ReadTasksBusyError, ReadTasksClosedError, ReadTaskTimeoutError } from '../../src/app/errors.js';
import { FeedOverflowError } from '../../src/subscriptions/feed.js';

/** As graphql-js and graphql-ws hand errors to the formatter: wrapped in a located GraphQLError. */
function wrapped(original: Error) {
  const error = new GraphQLError(original.message, { originalError: original, path: ['x'] });
  return { formatted: error.toJSON(), error };
}

describe('errors from below reach clients coded, not as internal errors', () => {
  it('a store refusal of bad input is BAD_USER_INPUT naming the field', () => {
    const { formatted, error } = wrapped(new InvalidAppendError('event id reused from another batch', 'events[1].id'));
    const out = formatError(formatted, error, { development: false });
    expect(out.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'events[1].id', reason: 'INVALID_APPEND' });
    expect(isUnexpected(error)).toBe(false);
  });

  it('a subscriber cut off for falling behind learns the code and where to resume', () => {
    const { formatted, error } = wrapped(new FeedOverflowError(1000, 42n));
    const out = formatError(formatted, error, { development: false });
    expect(out.extensions).toMatchObject({ code: 'SUBSCRIBER_OVERFLOW', limit: 1000 });
    expect(decodePosition(out.extensions!.lastCursor as string)).toBe(42n);
    expect(isUnexpected(error)).toBe(false);
    // A phase-change feed names one of its own cursors (position.rank).
    const ranked = wrapped(new FeedOverflowError(1000, 42n, 'cDo0Mg.1'));
    expect(formatError(ranked.formatted, ranked.error, { development: false }).extensions).toMatchObject({ lastCursor: 'cDo0Mg.1' });
  });

  it('a store outage is SERVICE_UNAVAILABLE, without the file or address its message names', () => {
    const { formatted, error } = wrapped(new StoreUnavailableError('append to /secret/path/events.sqlite failed: SQLITE_IOERR'));
    const out = formatError(formatted, error, { development: false });
    expect(out.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', reason: 'STORE_UNAVAILABLE' });
    expect(JSON.stringify(out)).not.toMatch(/secret|SQLITE/);
    expect(isUnexpected(error)).toBe(false);
  });

  it('a read of the log while the read models are not ready yet is SERVICE_UNAVAILABLE, to retry', () => {
    const { formatted, error } = wrapped(new ReadSideNotReadyError(5000));
    const out = formatError(formatted, error, { development: false });
    expect(out.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', reason: 'NOT_READY' });
    expect(out.message).toMatch(/not ready yet .* retry shortly/);
    expect(isUnexpected(error)).toBe(false);
  });

  it('a heavy read refused because too many wait is SERVICE_BUSY, with the limit and when to retry', () => {
    const { formatted, error } = wrapped(new ReadTasksBusyError(32, 1500));
    const out = formatError(formatted, error, { development: false });
    expect(out.extensions).toEqual({ code: 'SERVICE_BUSY', limit: 32, retryAfterMs: 1500 });
    expect(out.message).toMatch(/busy .* retry in 2 s/);
    expect(isUnexpected(error)).toBe(false);
  });

  it('a heavy read stopped past its time budget is QUERY_TIMEOUT, with the budget', () => {
    const { formatted, error } = wrapped(new ReadTaskTimeoutError(30_000));
    const out = formatError(formatted, error, { development: false });
    expect(out.extensions).toEqual({ code: 'QUERY_TIMEOUT', timeoutMs: 30_000 });
    expect(isUnexpected(error)).toBe(false);
  });

  it('a heavy read cut by a shutdown is SERVICE_UNAVAILABLE, to retry elsewhere', () => {
    const { formatted, error } = wrapped(new ReadTasksClosedError());
    const out = formatError(formatted, error, { development: false });
    expect(out.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', reason: 'SHUTTING_DOWN' });
    expect(isUnexpected(error)).toBe(false);
  });
});
