/**
 * Pages of the event log: the tenant's global feed (cursor = the event's
 * position, valid forever) and one relationship's events (cursor = revision).
 */
import type { EventLogFilter, LoggedEvent, Page, RelationshipEventsRequest } from '../app/read-side.js';
import { encodePosition } from '../store/port.js';
import type { ReadModelDb } from './read-model-db.js';

export function eventPage(
  db: ReadModelDb,
  tenant: string,
  query: { after?: bigint; first: number; filter?: EventLogFilter },
): Page<LoggedEvent> {
  const rows = db.events(tenant, query.after, query.first + 1, query.filter);
  return page(rows, query.first, (event) => encodePosition(event.position), () => db.countEvents(tenant, query.filter));
}

export function relationshipEventPage(
  db: ReadModelDb,
  tenant: string,
  id: string,
  query: { afterRevision?: number; first: number },
): Page<LoggedEvent> {
  const rows = db.relationshipEvents(tenant, id, query.afterRevision ?? -1, query.first + 1);
  return page(rows, query.first, (event) => encodeRevisionCursor(event.revision), () => db.countRelationshipEvents(tenant, id));
}

/**
 * Pages of several relationships, in the order of `requests`: one query per
 * distinct (afterRevision, first), and one count for all of them, run only if
 * some page's `totalCount` is read.
 */
export function relationshipEventPages(
  db: ReadModelDb,
  tenant: string,
  requests: readonly RelationshipEventsRequest[],
): Page<LoggedEvent>[] {
  const shapes = new Map<string, { afterRevision: number; first: number; ids: Set<string> }>();
  for (const { id, afterRevision = -1, first } of requests) {
    const key = `${afterRevision}:${first}`;
    let shape = shapes.get(key);
    if (!shape) {
      shape = { afterRevision, first, ids: new Set() };
      shapes.set(key, shape);
    }
    shape.ids.add(id);
  }
  const rowsByShape = new Map<string, Map<string, LoggedEvent[]>>();
  for (const [key, { afterRevision, first, ids }] of shapes) {
    const byId = new Map<string, LoggedEvent[]>();
    for (const event of db.relationshipEventsMany(tenant, [...ids], afterRevision, first + 1)) {
      const rows = byId.get(event.relationshipId);
      if (rows) rows.push(event);
      else byId.set(event.relationshipId, [event]);
    }
    rowsByShape.set(key, byId);
  }
  let counts: Map<string, number> | undefined;
  const countOf = (id: string): number => {
    counts ??= db.countRelationshipEventsMany(tenant, [...new Set(requests.map((request) => request.id))]);
    return counts.get(id) ?? 0;
  };
  return requests.map(({ id, afterRevision = -1, first }) => {
    const rows = rowsByShape.get(`${afterRevision}:${first}`)!.get(id) ?? [];
    return page(rows, first, (event) => encodeRevisionCursor(event.revision), () => countOf(id));
  });
}

/** Opaque cursor of a relationship's event: its revision. */
export function encodeRevisionCursor(revision: number): string {
  return Buffer.from(`r:${revision}`, 'utf8').toString('base64url');
}

/** The revision in a cursor made by `encodeRevisionCursor`, or null when it is not one. */
export function decodeRevisionCursor(cursor: string): number | null {
  if (cursor.length === 0 || cursor.length > 32) return null;
  const match = /^r:(0|[1-9][0-9]{0,14})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : null;
}

/**
 * `rows` holds up to `first + 1` items: the extra one only says there is a
 * next page. Counting scans the whole slice, so it runs only when asked for.
 */
function page(
  rows: LoggedEvent[],
  first: number,
  cursorOf: (event: LoggedEvent) => string,
  count: () => number,
): Page<LoggedEvent> {
  const items = rows.slice(0, first).map((node) => ({ cursor: cursorOf(node), node }));
  let totalCount: number | undefined;
  return {
    items,
    hasNextPage: rows.length > first,
    endCursor: items.length > 0 ? items[items.length - 1]!.cursor : null,
    get totalCount(): number {
      totalCount ??= count();
      return totalCount;
    },
  };
}
