/**
 * The opaque cursors the read side hands out and takes back, in one place
 * for the projections that make them and the API that parses them:
 * - global-log cursors are store positions (`encodePosition`), valid forever;
 * - a relationship's event cursors are stream revisions (`r:<revision>`);
 * - relationship-list cursors carry the ordering, the sort key and the
 *   instant their page was evaluated at (see projections/relationship-order.ts).
 */
export { decodePosition, encodePosition } from '../store/port.js';

/** A relationship's event cursor: its revision. */
export function encodeRevisionCursor(revision: number): string {
  return Buffer.from(`r:${revision}`, 'utf8').toString('base64url');
}

/** The revision a relationship's event cursor names; null when it is not one. */
export function decodeRevisionCursor(cursor: string): number | null {
  const match = cursor.length <= 32 ? /^r:(0|[1-9][0-9]{0,14})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8')) : null;
  return match === null ? null : Number(match[1]);
}

/** A relationship-list cursor: the ordering's signature, the sort key, the page's instant. */
export function encodeListCursor(fields: { o: string; k: unknown; t: number }): string {
  return Buffer.from(JSON.stringify(fields), 'utf8').toString('base64url');
}

/** A list cursor's fields, unchecked; none when it is not one. */
export function decodeListCursor(cursor: string): { o?: unknown; k?: unknown; t?: unknown } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

/**
 * The instant a list cursor's page was evaluated at; undefined for a cursor
 * from before cursors carried it, or for anything that is not a list cursor
 * (which the ordering then refuses).
 */
export function cursorInstant(cursor: string): number | undefined {
  const { t } = decodeListCursor(cursor);
  return typeof t === 'number' && Number.isSafeInteger(t) ? t : undefined;
}
