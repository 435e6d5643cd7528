/**
 * Application-level refusals, translated once at the GraphQL edge
 * (src/graphql/errors.ts) into coded errors.
 */

/** The store's refusals and outages, as the application's callers see them (they never import the store). */
export { InvalidAppendError, StoreUnavailableError, WrongExpectedRevisionError } from '../store/port.js';

/** The relationship is not at the version the caller expected (or someone else wrote first). */
export class ConflictError extends Error {
  readonly code = 'CONFLICT';
  constructor(
    readonly relationshipId: string,
    readonly expectedVersion: number | null,
    /** -1 when the relationship does not exist. */
    readonly currentVersion: number,
  ) {
    super(
      `relationship ${relationshipId} is at version ${currentVersion}` +
        (expectedVersion === null ? '' : `, not at the expected version ${expectedVersion}`),
    );
    this.name = 'ConflictError';
  }
}

export class NotFoundError extends Error {
  readonly code = 'NOT_FOUND';
  constructor(
    readonly what: string,
    readonly id: string,
    /** The input field that named it, and why the request needed it to exist. */
    readonly details?: { readonly field: string; readonly reason: string; readonly hint: string },
  ) {
    super(`${what} ${id} does not exist${details ? `: ${details.hint}` : ''}`);
    this.name = 'NotFoundError';
  }
}

/** Input refused before it reaches the domain (ids, batch shape). */
export class InputError extends Error {
  readonly code = 'BAD_USER_INPUT';
  constructor(
    message: string,
    readonly field: string,
    readonly reason: string,
    readonly index?: number,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/** The projector did not reach the position in time. */
export class ProjectionTimeoutError extends Error {
  readonly code = 'PROJECTION_TIMEOUT';
  constructor(
    readonly position: bigint,
    readonly checkpoint: bigint | null,
    readonly timeoutMs: number,
  ) {
    super(
      `the read models did not reach position ${position} within ${timeoutMs} ms (they are at ${checkpoint ?? 'the start'})`,
    );
    this.name = 'ProjectionTimeoutError';
  }
}

/**
 * The read models have not yet checked their checkpoint against the log (the
 * store may be unreachable at start): what they would show is not known yet.
 */
export class ReadSideNotReadyError extends Error {
  readonly code = 'READ_SIDE_NOT_READY';
  constructor(readonly timeoutMs: number) {
    super(`the read models are not ready yet (still checking their checkpoint against the event log after ${timeoutMs} ms); retry shortly`);
    this.name = 'ReadSideNotReadyError';
  }
}

/** A position past the end of the event log: no write has reached it, so there is nothing to wait for. */
export class PositionNotInLogError extends Error {
  readonly code = 'POSITION_NOT_IN_LOG';
  constructor(
    readonly position: bigint,
    readonly head: bigint | null,
  ) {
    super(`position ${position} is past the end of the event log (at ${head ?? 'the start'})`);
    this.name = 'PositionNotInLogError';
  }
}

/**
 * Too many heavy reads are waiting for a read worker (the queue is full):
 * refused at once rather than left to wait without bound; retry after
 * `retryAfterMs` (an estimate from the work queued and recent task times).
 */
export class ReadTasksBusyError extends Error {
  readonly code = 'SERVICE_BUSY';
  constructor(
    /** Most heavy reads that may wait (COURTSHIP_READ_QUEUE). */
    readonly limit: number,
    readonly retryAfterMs: number,
  ) {
    super(`the server is busy with other heavy reads (${limit} waiting); retry in ${Math.ceil(retryAfterMs / 1000)} s`);
    this.name = 'ReadTasksBusyError';
  }
}

/** A heavy read did not finish within its time budget (COURTSHIP_READ_TASK_TIMEOUT_MS), waiting included: it was stopped. */
export class ReadTaskTimeoutError extends Error {
  readonly code = 'QUERY_TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`the query did not finish within ${timeoutMs} ms and was stopped; narrow it (a filter, a shorter period) or retry later`);
    this.name = 'ReadTaskTimeoutError';
  }
}

/** The read workers are closed: the server is shutting down. */
export class ReadTasksClosedError extends Error {
  readonly code = 'SERVICE_UNAVAILABLE';
  constructor() {
    super('the server is shutting down; retry against another instance or later');
    this.name = 'ReadTasksClosedError';
  }
}
