/**
 * Pages of the event log, read from the store itself: the log is its own read
 * model. A tenant's feed is `$all` filtered by the tenant's stream prefix (and
 * the event types, which the store filters too); a relationship's events are
 * its stream. Neither shows anything past the projector's checkpoint, so the
 * events a reader sees never run ahead of the relationships it reads.
 *
 * Filters the store cannot apply (actor, business time) are applied here, on
 * at most `ScanLimits.budget` events per page: a page may then hold fewer events
 * than asked, with `hasNextPage` and an `endCursor` that resumes the scan (or,
 * paging backwards, `hasPreviousPage` and a `startCursor`).
 */
import { encodeRevisionCursor } from '../app/cursors.js';
import type { EventLogFilter, EventLogQuery, EventPage, LoggedEvent, RelationshipEventsRequest } from '../app/read-side.js';
import { encodePosition, MAX_POSITION, type EventStore, type ReadAllFilter, type RecordedEvent } from '../store/port.js';
import { decodeRecorded, streamIdFor, tenantStreamPrefix, type DecodedEvent } from '../app/relationship-stream.js';
import { turn } from './turn.js';

export interface ScanLimits {
  /** Most events one page of the feed reads from the store before it answers. */
  readonly budget: number;
  /** Events read from the store at a time; other requests get a turn between chunks. */
  readonly chunk: number;
}

const DEFAULT_SCAN: ScanLimits = { budget: 10_000, chunk: 1_000 };

export class LogPages {
  constructor(
    private readonly store: EventStore,
    /**
     * The projector's checkpoint: nothing after it is shown. It waits (bounded)
     * while the checkpoint is not yet known to belong to this log, rather than
     * answer an empty page a resuming reader would take for the end.
     */
    private readonly visibleUpTo: () => Promise<bigint | null>,
    private readonly scan: ScanLimits = DEFAULT_SCAN,
  ) {}

  /**
   * The tenant's feed after `after` (the first `first` events), or before
   * `before` (the last `last`, read backwards from there: a page near the end
   * never reads the log from its start), filtered, each page in log order.
   */
  async events(tenant: string, query: EventLogQuery): Promise<EventPage> {
    const limit = await this.visibleUpTo();
    if (limit === null) return EMPTY_PAGE;
    const filter = query.filter ?? {};
    const backwards = query.last !== undefined;
    const size = query.last ?? query.first;
    // Nothing past the checkpoint: the window ends before `limit + 1` at the latest.
    const end = limit < MAX_POSITION ? limit + 1n : undefined;
    const before = query.before === undefined || (end !== undefined && query.before > end) ? end : query.before;
    const window: Window = { after: query.after, before };
    if (filter.relationshipIds !== undefined) return this.eventsOfRelationships(tenant, window, size, backwards, filter);
    const { nodes, resume } = await this.scanLog(tenant, window, size, backwards, filter);
    return backwards ? backwardsPage(nodes, size, resume) : positionPage(nodes, size, resume);
  }

  /**
   * Up to `size + 1` matching events of the window, from its start forwards
   * or from its end backwards; with `resume`, the position a scan that found
   * too few stopped at (its budget spent).
   */
  private async scanLog(
    tenant: string,
    window: Window,
    size: number,
    backwards: boolean,
    filter: EventLogFilter,
  ): Promise<{ nodes: LoggedEvent[]; resume?: bigint }> {
    const storeFilter: ReadAllFilter = {
      streamPrefix: tenantStreamPrefix(tenant),
      ...(filter.types === undefined ? {} : { eventTypes: filter.types }),
    };
    const nodes: LoggedEvent[] = [];
    let { after, before } = window;
    let scanned = 0;
    for (;;) {
      // The embedded store reads synchronously: without a turn, a whole scan would hold the request thread.
      if (scanned > 0) await turn();
      const chunk = await this.store.readAll({
        filter: storeFilter,
        maxCount: this.scan.chunk,
        ...(backwards ? { direction: 'backwards' as const } : {}),
        ...(after === undefined ? {} : { after }),
        ...(before === undefined ? {} : { before }),
      });
      for (const record of chunk) {
        if (backwards) before = record.position;
        else after = record.position;
        scanned++;
        const logged = loggedEventOf(record, tenant);
        if (logged !== null && matches(logged, filter)) nodes.push(logged);
        if (nodes.length > size) return { nodes };
      }
      if (chunk.length < this.scan.chunk) return { nodes };
      if (scanned >= this.scan.budget) return { nodes, resume: (backwards ? before : after)! };
    }
  }

  /** One relationship's events by revision (cursor = revision). */
  async relationshipEvents(tenant: string, id: string, query: { afterRevision?: number; first: number }): Promise<EventPage> {
    const limit = await this.visibleUpTo();
    if (limit === null) return EMPTY_PAGE;
    const recorded = await this.store.readStream(streamIdFor(tenant, id), {
      fromRevision: (query.afterRevision ?? -1) + 1,
      maxCount: query.first + 1,
    });
    const visible = recorded.filter((record) => record.position <= limit);
    const nodes = visible.slice(0, query.first).flatMap((record) => loggedEventOf(record, tenant) ?? []);
    const items = nodes.map((node) => ({ cursor: encodeRevisionCursor(node.revision), node }));
    return { items, hasNextPage: visible.length > query.first, endCursor: items.at(-1)?.cursor ?? null };
  }

  /** Several relationships' pages, in the order of `requests` (an unknown relationship gets an empty page). */
  relationshipEventsMany(tenant: string, requests: readonly RelationshipEventsRequest[]): Promise<EventPage[]> {
    return Promise.all(requests.map((request) => this.relationshipEvents(tenant, request.id, request)));
  }

  /**
   * The feed restricted to some relationships: their streams, merged by
   * position (the streams are read whole up to the checkpoint; a relationship
   * holds tens to hundreds of events).
   */
  private async eventsOfRelationships(
    tenant: string,
    window: Window,
    size: number,
    backwards: boolean,
    filter: EventLogFilter,
  ): Promise<EventPage> {
    const { after, before } = window;
    const ids = [...new Set(filter.relationshipIds)];
    const streams = await Promise.all(ids.map((id) => this.store.readStream(streamIdFor(tenant, id))));
    const nodes = streams
      .flat()
      .filter((record) => (after === undefined || record.position > after) && (before === undefined || record.position < before))
      .sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0))
      .flatMap((record) => loggedEventOf(record, tenant) ?? [])
      .filter((logged) => matches(logged, filter));
    return backwards ? backwardsPage(nodes.slice(-(size + 1)).reverse(), size) : positionPage(nodes, size);
  }
}

/** The feed's form of a recorded event, or null when it is not one of `tenant`'s relationship events. */
function loggedEventOf(record: RecordedEvent, tenant: string): LoggedEvent | null {
  const decoded = decodeRecorded(record);
  return decoded === null || decoded.tenant !== tenant ? null : toLoggedEvent(decoded, record);
}

export function toLoggedEvent(decoded: DecodedEvent, record: RecordedEvent): LoggedEvent {
  return {
    tenant: decoded.tenant,
    relationshipId: decoded.relationshipId,
    position: decoded.position,
    revision: decoded.revision,
    eventId: record.id,
    type: decoded.event.type,
    occurredAt: decoded.event.occurredAt,
    actor: decoded.event.actor,
    data: decoded.data,
    metadata: decoded.userMetadata,
    recordedAt: record.recordedAt.getTime(),
  };
}

function matches(event: LoggedEvent, filter: EventLogFilter): boolean {
  if (filter.types !== undefined && !filter.types.includes(event.type)) return false;
  if (filter.actors !== undefined && !filter.actors.includes(event.actor)) return false;
  // Both bounds are inclusive.
  if (filter.occurredFrom !== undefined && event.occurredAt < filter.occurredFrom) return false;
  return filter.occurredTo === undefined || event.occurredAt <= filter.occurredTo;
}

/**
 * `nodes` may hold one more than `first` (then there is a next page). A scan
 * that stopped at its budget with no more than `first` passes `resumeAfter`,
 * the position it reached: there is a next page, and it starts there.
 */
function positionPage(nodes: LoggedEvent[], first: number, resumeAfter?: bigint): EventPage {
  const items = nodes.slice(0, first).map((node) => ({ cursor: encodePosition(node.position), node }));
  if (nodes.length > first || resumeAfter === undefined) {
    return { items, hasNextPage: nodes.length > first, endCursor: items.at(-1)?.cursor ?? null };
  }
  return { items, hasNextPage: true, endCursor: encodePosition(resumeAfter) };
}

/**
 * `nodes`, newest first, may hold one more than `last` (then there is a
 * previous page). A scan that stopped at its budget with no more than `last`
 * passes `resumeBefore`, the position it reached: there is a previous page,
 * and it ends there.
 */
function backwardsPage(nodes: LoggedEvent[], last: number, resumeBefore?: bigint): EventPage {
  const items = nodes
    .slice(0, last)
    .reverse()
    .map((node) => ({ cursor: encodePosition(node.position), node }));
  const more = nodes.length > last;
  const resumes = !more && resumeBefore !== undefined;
  return {
    items,
    hasNextPage: false,
    endCursor: items.at(-1)?.cursor ?? null,
    hasPreviousPage: more || resumes,
    startCursor: resumes ? encodePosition(resumeBefore) : (items[0]?.cursor ?? null),
  };
}

/** Bounds of a page of the log, both exclusive. */
interface Window {
  readonly after: bigint | undefined;
  readonly before: bigint | undefined;
}

const EMPTY_PAGE: EventPage = { items: [], hasNextPage: false, endCursor: null };
