/**
 * Reading `$all` in pages, forwards or backwards, for the port's `readAll`.
 *
 * - The cursor between pages is the full (commit, prepare) position: events of
 *   an old-style transaction (pre-20 servers, the TCP client) share one commit
 *   position, so a commit position alone would skip the rest of one at a page
 *   boundary.
 * - The port's positions are commit positions, so a caller reading on from the
 *   last event it got (`after`) would skip the rest of such a transaction too.
 *   So a result never ends inside one: when the limit falls inside a
 *   transaction that has more matching events, the result stops before the
 *   transaction, or, when the transaction alone fills it, holds all of it.
 * - Client 6.2.1's readAll sends no filter to the server (it sets `NoFilter`,
 *   streams/readAll.js), so the filter runs here; while it finds little, the
 *   pages grow to PAGE_SIZE rather than stay the size of the limit.
 */
import { BACKWARDS, END, FORWARDS } from '@eventstore/db-client';
import { matchesReadAllFilter, type ReadAllFilter, type RecordedEvent } from './port.js';
import {
  afterCommit,
  compareLogPositions,
  fromPosition,
  logPositionOf,
  toRecordedEvent,
  type EsdbResolvedEvent,
  type FromPosition,
  type LogPosition,
} from './eventstoredb-client.js';

export const PAGE_SIZE = 1000;
/** A filtered read multiplies its page size by this after each page, up to PAGE_SIZE. */
const FILTERED_PAGE_GROWTH = 8;

export type ReadPage = (direction: typeof FORWARDS | typeof BACKWARDS, from: FromPosition, maxCount: number) => Promise<EsdbResolvedEvent[]>;

/**
 * A read that reached its limit on an event of a transaction (committed at
 * `commit`): looking for more matching events of it, or, when the transaction
 * fills the result (`whole`), taking the rest of it.
 */
interface Closing {
  readonly commit: bigint;
  readonly whole: boolean;
}

const inTransaction = (position: LogPosition) => position.prepare < position.commit;

/** Up to `limit` events (all when negative) strictly after commit position `after` (and before `before`) that match `filter`. */
export function readAllForwards(
  readPage: ReadPage,
  after: bigint | undefined,
  limit: number,
  filter: ReadAllFilter | undefined,
  before?: bigint,
): Promise<RecordedEvent[]> {
  return readAllPaged(readPage, {
    direction: FORWARDS,
    start: afterCommit(after),
    limit,
    filter,
    // The page starts at the (inclusive) cursor: an event at or before it was returned already.
    seen: (position, cursor) => compareLogPositions(position, cursor) <= 0,
    beforeRange: () => false,
    pastRange: (position) => before !== undefined && position.commit >= before,
    growPages: false,
  });
}

/**
 * Up to `limit` events (all when negative) strictly before commit position
 * `before` (the end of the log when undefined) and after `after`, newest
 * first, that match `filter`. Like a forwards read, a result never ends
 * inside a transaction, so a caller reading on before the oldest event it got
 * skips nothing. The server reads backwards from a position exclusively;
 * events at or past the cursor are skipped all the same, should one answer
 * inclusively.
 */
export function readAllBackwards(
  readPage: ReadPage,
  bounds: { after: bigint | undefined; before: bigint | undefined },
  limit: number,
  filter: ReadAllFilter | undefined,
): Promise<RecordedEvent[]> {
  const { after, before } = bounds;
  return readAllPaged(readPage, {
    direction: BACKWARDS,
    start: before === undefined ? undefined : { commit: before, prepare: before },
    limit,
    filter,
    seen: (position, cursor) => compareLogPositions(position, cursor) >= 0,
    beforeRange: (position) => before !== undefined && position.commit >= before,
    pastRange: (position) => after !== undefined && position.commit <= after,
    growPages: before !== undefined,
  });
}

/** One read of `$all` in either direction; the direction's differences are the plan's. */
interface ReadPlan {
  readonly direction: typeof FORWARDS | typeof BACKWARDS;
  /** Where the first page starts (undefined: the log's start forwards, its end backwards). */
  readonly start: LogPosition | undefined;
  readonly limit: number;
  readonly filter: ReadAllFilter | undefined;
  /** Whether an event of a page was already read (at or behind the cursor). */
  readonly seen: (position: LogPosition, cursor: LogPosition) => boolean;
  /** Not yet in the range read: skip it and read on. */
  readonly beforeRange: (position: LogPosition) => boolean;
  /** Out of the range read: the result is complete. */
  readonly pastRange: (position: LogPosition) => boolean;
  /** Whether pages grow even without a filter (a bounded backwards read looks for its range). */
  readonly growPages: boolean;
}

async function readAllPaged(readPage: ReadPage, plan: ReadPlan): Promise<RecordedEvent[]> {
  const { limit, filter } = plan;
  const events: RecordedEvent[] = [];
  // One more than needed: a page may start at the cursor, which is skipped.
  let pageSize = limit < 0 ? PAGE_SIZE : Math.min(limit + 1, PAGE_SIZE);
  let cursor = plan.start;
  let closing: Closing | undefined;
  for (;;) {
    const from = cursor === undefined ? (plan.direction === FORWARDS ? fromPosition(undefined) : END) : fromPosition(cursor);
    const page = await readPage(plan.direction, from, pageSize);
    let moved = false;
    for (const resolved of page) {
      const position = logPositionOf(resolved);
      if (position === null || (cursor !== undefined && plan.seen(position, cursor))) continue;
      cursor = position;
      moved = true;
      if (plan.beforeRange(position)) continue;
      if (closing !== undefined && position.commit !== closing.commit) return events;
      if (plan.pastRange(position)) return events;
      const event = toRecordedEvent(resolved);
      if (event === null || !matchesReadAllFilter(event, filter)) continue;
      if (closing !== undefined && !closing.whole) {
        // The transaction goes on past the limit: stop before it, unless it is all there is.
        const outside = events.filter((kept) => kept.position !== closing!.commit);
        if (outside.length > 0) return outside;
        closing = { commit: closing.commit, whole: true };
      }
      events.push(event);
      if (events.length === limit && closing === undefined) {
        if (!inTransaction(position)) return events;
        closing = { commit: position.commit, whole: false };
      }
    }
    if (page.length < pageSize || !moved) return events;
    if (filter !== undefined || closing !== undefined || plan.growPages) pageSize = Math.min(pageSize * FILTERED_PAGE_GROWTH, PAGE_SIZE);
  }
}
