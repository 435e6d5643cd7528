/**
 * Resumable subscriptions for integrators. Both feeds are "everything after
 * this cursor, in order, then live" (src/subscriptions/feed.ts), scoped to the
 * token's tenant; cursors are global log positions, valid forever.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { LoggedEvent, PhaseChangeRecord } from '../../app/read-side.js';
import type { Phase as PhaseValue } from '../../domain/events.js';
import { encodePosition } from '../../store/port.js';
import { openFeed } from '../../subscriptions/feed.js';
import type { RequestContext } from '../context.js';
import { servicesOf } from '../services.js';
import { Phase } from '../types/enums.js';
import { Event } from '../types/event.js';
import { PhaseChange } from '../types/phase-change.js';
import { toEvent } from './event-log.js';
import { refusePastTheEnd } from './consistency.js';
import { afterPosition } from './paging.js';

/** How far a subscriber may fall behind before it is cut off (it can resume from its last cursor). */
export const SUBSCRIBER_BUFFER_LIMIT = 1000;

interface SubscribeData<Args> {
  args: Args;
  context: RequestContext;
  info: GraphQLResolveInfo;
}

interface PhaseChangedArgs {
  relationshipId?: string | null;
  phases?: PhaseValue[] | null;
  after?: string | null;
}

async function phaseChanges({ args, context, info }: SubscribeData<PhaseChangedArgs>): Promise<AsyncIterable<PhaseChangeRecord>> {
  const { readSide, store } = servicesOf(info.schema);
  await refusePastTheEnd({ readSide, store }, args.after);
  const tenant = context.tenant;
  const relationshipId = args.relationshipId ?? undefined;
  const phases = args.phases && args.phases.length > 0 ? args.phases : undefined;
  return openFeed<PhaseChangeRecord>(
    {
      backlog: (after, first) =>
        readSide.listPhaseChanges(tenant, {
          first,
          ...(after === undefined ? {} : { after }),
          ...(relationshipId === undefined ? {} : { relationshipId }),
          ...(phases === undefined ? {} : { phases }),
        }),
      listen: (deliver) => readSide.onApplied((batch) => deliver(batch.phaseChanges)),
      head: () => readSide.checkpoint(),
      positionOf: (change) => change.position,
      matches: (change) =>
        change.tenant === tenant &&
        (relationshipId === undefined || change.relationshipId === relationshipId) &&
        (phases === undefined || phases.includes(change.to)),
    },
    { after: afterPosition(args.after), bufferLimit: SUBSCRIBER_BUFFER_LIMIT },
  );
}

interface RelationshipEventsArgs {
  relationshipId: string;
  after?: string | null;
}

async function relationshipEvents({ args, context, info }: SubscribeData<RelationshipEventsArgs>): Promise<AsyncIterable<LoggedEvent>> {
  const { readSide, store } = servicesOf(info.schema);
  await refusePastTheEnd({ readSide, store }, args.after);
  const tenant = context.tenant;
  const filter = { relationshipIds: [args.relationshipId] };
  return openFeed<LoggedEvent>(
    {
      backlog: async (after, first) =>
        (await readSide.listEvents(tenant, { first, filter, ...(after === undefined ? {} : { after }) })).items.map((item) => item.node),
      // A batch applied in bulk is not listed: the feed then reads it from the log.
      listen: (deliver) => readSide.onApplied((batch) => deliver(batch.events)),
      head: () => readSide.checkpoint(),
      positionOf: (event) => event.position,
      matches: (event) => event.tenant === tenant && event.relationshipId === args.relationshipId,
    },
    { after: afterPosition(args.after), bufferLimit: SUBSCRIBER_BUFFER_LIMIT },
  );
}

@Authorized('read')
@Resolver()
export class SubscriptionsResolver {
  @Subscription(() => PhaseChange, {
    subscribe: phaseChanges as never,
    description:
      "Phase changes of the tenant's relationships (optionally one relationship, optionally only changes into some phases). " +
      'With `after` (a cursor from an earlier PhaseChange), first every change since then in order, then live; without it, live only.',
  })
  phaseChanged(
    @Root() change: PhaseChangeRecord,
    @Arg('relationshipId', () => ID, { nullable: true }) _relationshipId: string | null,
    @Arg('phases', () => [Phase], { nullable: true, description: 'Only changes into one of these phases.' }) _phases: PhaseValue[] | null,
    @Arg('after', () => String, { nullable: true }) _after: string | null,
  ): PhaseChange {
    return {
      relationshipId: change.relationshipId,
      from: change.from as PhaseValue,
      to: change.to,
      at: new Date(change.at).toISOString(),
      cycle: change.cycle,
      cause:
        change.cause.kind === 'EVENT'
          ? { kind: 'EVENT', eventType: change.cause.eventType, rule: null, revision: change.cause.revision, position: change.cause.position }
          : { kind: 'DEADLINE', eventType: null, rule: change.cause.rule as never, revision: change.cause.revision, position: change.cause.position },
      cursor: encodePosition(change.position),
    };
  }

  @Subscription(() => Event, {
    subscribe: relationshipEvents as never,
    description:
      "One relationship's raw events, for integrators who mirror history. With `after` (an event's position), first every event since then, then live.",
  })
  relationshipEvents(
    @Root() event: LoggedEvent,
    @Arg('relationshipId', () => ID) _relationshipId: string,
    @Arg('after', () => String, { nullable: true }) _after: string | null,
  ): Event {
    return toEvent(event);
  }
}
