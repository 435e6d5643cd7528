/**
 * Page sizes and cursors. Global-log cursors are store positions
 * (`encodePosition`), so they stay valid forever; a relationship's event
 * cursors are stream revisions, which never change either.
 */
import { decodePosition, decodeRevisionCursor } from '../../app/cursors.js';
import { badUserInput } from '../errors.js';

export const MAX_PAGE_SIZE = 100;

/** Checks a Relay `first` (or `last`) argument: 1 to 100, or BAD_USER_INPUT naming it. */
export function pageSize(first: number, field = 'first'): number {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`${field} must be between 1 and ${MAX_PAGE_SIZE}, got ${first}`, {
      field,
      reason: 'PAGE_SIZE_OUT_OF_RANGE',
    });
  }
  return first;
}

/** Decodes an `after` cursor of the global log; undefined means from the start. */
export function afterPosition(after: string | null | undefined, field = 'after'): bigint | undefined {
  if (after === null || after === undefined) return undefined;
  const position = decodePosition(after);
  if (position === null) throw invalidCursor(field);
  return position;
}

/** A relationship's event cursor: its revision (the read side's encoding). */
export { encodeRevisionCursor as revisionCursor } from '../../app/cursors.js';

/** Decodes an `after` cursor of a relationship's events; undefined means from its first event. */
export function afterRevision(after: string | null | undefined, field = 'after'): number | undefined {
  if (after === null || after === undefined) return undefined;
  const revision = decodeRevisionCursor(after);
  if (revision === null) throw invalidCursor(field);
  return revision;
}

export function invalidCursor(field: string): Error {
  return badUserInput(`${field} is not a cursor this API produced`, { field, reason: 'INVALID_CURSOR' });
}

/** A connection's page arguments, checked: forwards (`first`, `after`) or backwards (`last`, `before`). */
export interface PageArgs {
  readonly first: number | null | undefined;
  readonly after: string | null | undefined;
  readonly last: number | null | undefined;
  readonly before: string | null | undefined;
}

export interface CheckedPage {
  readonly direction: 'forwards' | 'backwards';
  readonly size: number;
  readonly after?: string;
  readonly before?: string;
}

/**
 * Relay's arguments, as the Cursor Connections specification reads them:
 * `first` pages forwards, `last` backwards, both bounded 1 to 100, and both
 * at once is refused (the specification strongly discourages it, and clients
 * never need it). Neither pages forwards by `defaultFirst`.
 */
export function checkPage(args: PageArgs, defaultFirst: number): CheckedPage {
  const { first, last } = args;
  if (isGiven(first) && isGiven(last)) {
    throw badUserInput('pass first (with after) or last (with before), not both', { field: 'last', reason: 'FIRST_AND_LAST' });
  }
  const cursors = {
    ...(isGiven(args.after) ? { after: args.after } : {}),
    ...(isGiven(args.before) ? { before: args.before } : {}),
  };
  if (isGiven(last)) return { direction: 'backwards', size: pageSize(last, 'last'), ...cursors };
  return { direction: 'forwards', size: pageSize(isGiven(first) ? first : defaultFirst, 'first'), ...cursors };
}

function isGiven<T>(value: T | null | undefined): value is T {
  return value !== null && value !== undefined;
}
