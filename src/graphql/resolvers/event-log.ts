import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { LoggedEvent } from '../../app/read-side.js';
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
import { afterPosition, pageSize } from './paging.js';

@Authorized('read')
@Resolver()
export class EventLogResolver {
  constructor(private readonly services: CourtshipServices) {}

  @Query(() => EventConnection, {
    complexity: perItem(50),
    description:
      "The tenant's events in global log order, for analysts. Cursors are positions and stay valid forever. " +
      'With a filter on actor or time that matches rarely, a page may hold fewer than `first` events and still have a next page: follow `pageInfo.endCursor`.',
  })
  async events(
    @Arg('after', () => String, { nullable: true, description: "A cursor (an event's position): the page starts after it." }) after: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50, description: '1 to 100.' }) first: number,
    @Arg('filter', () => EventFilter, { nullable: true, description: 'Only the events that match; the whole log when absent.' }) filter: EventFilter | null,
    @Arg('consistentWith', () => String, {
      nullable: true,
      description: 'A `position` returned by a mutation: wait (at most 5 s) until the feed includes it.',
    })
    consistentWith: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<EventConnection> {
    await awaitConsistency(this.services, consistentWith);
    const position = afterPosition(after);
    const logFilter = toEventLogFilter(filter);
    const page = await this.services.readSide.listEvents(ctx.tenant, {
      first: pageSize(first),
      ...(position === undefined ? {} : { after: position }),
      ...(logFilter === undefined ? {} : { filter: logFilter }),
    });
    const edges = page.items.map(({ node }) => ({ cursor: encodePosition(node.position), node: toEvent(node) }));
    // A page whose filters matched few events may end before `first` with a next page: its endCursor says where the scan stopped.
    // The log pages forwards only (a store reads `$all` forwards), so it never claims a previous page.
    return {
      edges,
      pageInfo: { hasNextPage: page.hasNextPage, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null, endCursor: page.endCursor },
    };
  }
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
