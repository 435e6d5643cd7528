import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { EventLogFilter, EventLogQuery, LoggedEvent, ReadSide } from '../../app/read-side.js';
import { encodePosition } from '../../app/cursors.js';
import type { RequestContext } from '../context.js';
import { EventFilter } from '../inputs/event-filter.js';
import { toEventLogFilter } from '../inputs/to-read-side.js';
import type { CourtshipServices } from '../services.js';
import { EventConnection } from '../types/connections.js';
import { encodeNodeId } from '../identity/global-id.js';
import { Event } from '../types/event.js';
import { perItem } from './complexity.js';
import { awaitConsistency } from './consistency.js';
import { afterPosition, checkPage } from './paging.js';

@Authorized('read')
@Resolver()
export class EventLogResolver {
  constructor(private readonly services: CourtshipServices) {}

  @Query(() => EventConnection, {
    complexity: perItem(50),
    description:
      "The tenant's events in global log order, for analysts. Cursors are positions and stay valid forever. " +
      'Pages forwards with `first`/`after`, backwards with `last`/`before` (the latest events, without `before`). ' +
      'With a filter on actor or time that matches rarely, a page may hold fewer events than asked and still have a next page ' +
      '(a previous one, backwards): follow `pageInfo.endCursor` (`startCursor`).',
  })
  async events(
    @Arg('after', () => String, { nullable: true, description: "A cursor (an event's position): the page starts after it." }) after: string | null,
    @Arg('first', () => Int, { nullable: true, description: 'The first 1 to 100 events after `after`; 50 when neither `first` nor `last` is given.' })
    first: number | null,
    @Arg('last', () => Int, { nullable: true, description: 'The last 1 to 100 events before `before` (the latest, without `before`).' })
    last: number | null,
    @Arg('before', () => String, { nullable: true, description: "A cursor (an event's position): the page ends before it." })
    before: string | null,
    @Arg('filter', () => EventFilter, { nullable: true, description: 'Only the events that match; the whole log when absent.' }) filter: EventFilter | null,
    @Arg('consistentWith', () => String, {
      nullable: true,
      description: 'A `position` returned by a mutation: wait (at most 5 s) until the feed includes it.',
    })
    consistentWith: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<EventConnection> {
    const page = checkPage({ first, after, last, before }, DEFAULT_PAGE_SIZE);
    await awaitConsistency(this.services, consistentWith);
    const afterBound = afterPosition(page.after, 'after');
    const beforeBound = afterPosition(page.before, 'before');
    const logFilter = toEventLogFilter(filter);
    const bounds = {
      ...(afterBound === undefined ? {} : { after: afterBound }),
      ...(beforeBound === undefined ? {} : { before: beforeBound }),
      ...(logFilter === undefined ? {} : { filter: logFilter }),
    };
    const readSide = this.services.readSide;
    const size = page.direction === 'forwards' ? { first: page.size } : { last: page.size };
    // Relay's pageInfo on the side the page did not scan: whether any event lies beyond the cursor there.
    const [listed, upToAfter, fromBefore] = await Promise.all([
      readSide.listEvents(ctx.tenant, { ...bounds, ...size }),
      afterBound === undefined ? false : anyEvent(readSide, ctx.tenant, { last: 1, before: afterBound + 1n, ...filterOf(logFilter) }),
      beforeBound === undefined ? false : anyEvent(readSide, ctx.tenant, { first: 1, ...atOrAfter(beforeBound), ...filterOf(logFilter) }),
    ]);
    const edges = listed.items.map(({ node }) => ({ cursor: encodePosition(node.position), node: toEvent(node) }));
    // A page whose filters matched few events may hold fewer than asked with a next (or previous) page:
    // its endCursor (startCursor) says where the scan stopped.
    return {
      edges,
      pageInfo: {
        hasNextPage: listed.hasNextPage || fromBefore,
        hasPreviousPage: (listed.hasPreviousPage ?? false) || upToAfter,
        startCursor: listed.startCursor ?? edges[0]?.cursor ?? null,
        endCursor: listed.endCursor,
      },
    };
  }
}

const DEFAULT_PAGE_SIZE = 50;

/** The bound of a page that starts at `position` (included). */
function atOrAfter(position: bigint): { after?: bigint } {
  return position > 0n ? { after: position - 1n } : {};
}

function filterOf(filter: EventLogFilter | undefined): { filter?: EventLogFilter } {
  return filter === undefined ? {} : { filter };
}

/** Whether a one-event page finds an event (or a scan that ran out of budget before it could tell: then it may). */
async function anyEvent(readSide: ReadSide, tenant: string, query: EventLogQuery): Promise<boolean> {
  const probe = await readSide.listEvents(tenant, query);
  return probe.items.length > 0 || probe.hasNextPage || (probe.hasPreviousPage ?? false);
}

export function toEvent(logged: LoggedEvent): Event {
  return Object.assign(new Event(), {
    id: encodeNodeId({ type: 'Event', relationshipId: logged.relationshipId, revision: logged.revision }),
    eventId: logged.eventId,
    relationshipId: logged.relationshipId,
    revision: logged.revision,
    position: encodePosition(logged.position),
    type: logged.type,
    occurredAt: logged.occurredAt,
    actor: logged.actor,
    data: logged.data,
    metadata: logged.metadata,
    recordedAt: logged.recordedAt,
  });
}
