/**
 * Application-level refusals, translated once at the GraphQL edge
 * (src/graphql/errors.ts) into coded errors.
 */

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
