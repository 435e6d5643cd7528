/**
 * Resumable subscriptions for integrators. Both feeds are "everything after
 * this cursor, in order, then live" (src/subscriptions/feed.ts), scoped to the
 * token's tenant; cursors are global log positions, valid forever.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { LoggedEvent, PhaseChangeCursor, PhaseChangeRecord } from '../../app/read-side.js';
import type { Phase as PhaseValue } from '../../domain/events.js';
import { encodePosition } from '../../app/cursors.js';
import { openFeed } from '../../subscriptions/feed.js';
import type { RequestContext } from '../context.js';
import { servicesOf } from '../services.js';
import { Phase } from '../types/enums.js';
import { Event } from '../types/event.js';
import { PhaseChange } from '../types/phase-change.js';
import { toEvent } from './event-log.js';
import { refusePastTheEnd, refusePositionPastTheEnd } from './consistency.js';
import { afterPosition, invalidCursor } from './paging.js';

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
  const { readSide, log } = servicesOf(info.schema);
  const after = afterPhaseChange(args.after);
  await refusePositionPastTheEnd({ readSide, log }, after?.position);
  const tenant = context.tenant;
  const relationshipId = args.relationshipId ?? undefined;
  const phases = args.phases && args.phases.length > 0 ? args.phases : undefined;
  return openFeed<PhaseChangeRecord>(
    {
      backlog: (key, first) =>
        readSide.listPhaseChanges(tenant, {
          first,
          ...(key === undefined ? {} : { after: cursorOfKey(key) }),
          ...(relationshipId === undefined ? {} : { relationshipId }),
          ...(phases === undefined ? {} : { phases }),
        }),
      listen: (deliver) => readSide.onApplied((batch) => deliver(batch.phaseChanges)),
      head: () => {
        const checkpoint = readSide.checkpoint();
        return checkpoint === null ? null : keyOf({ position: checkpoint, seq: null });
      },
      positionOf: (change) => keyOf(change),
      matches: (change) =>
        change.tenant === tenant &&
        (relationshipId === undefined || change.relationshipId === relationshipId) &&
        (phases === undefined || phases.includes(change.to)),
    },
    { after: after === undefined ? undefined : keyOf(after), bufferLimit: SUBSCRIBER_BUFFER_LIMIT, cursorOf: (key) => cursorOfKeyText(key) },
  );
}

/**
 * A phase change's place in the feed, as one number: its event's position and
 * its rank among the changes that event delivered (a late fact delivers
 * several). A cursor without a rank (a bare position, as cursors were before
 * corrections) stands after every change of its event.
 */
const RANKS = 1n << 20n;

function keyOf(cursor: PhaseChangeCursor): bigint {
  return cursor.position * RANKS + (cursor.seq === null ? RANKS - 1n : BigInt(cursor.seq));
}

function cursorOfKey(key: bigint): PhaseChangeCursor {
  const seq = key % RANKS;
  return { position: key / RANKS, seq: seq === RANKS - 1n ? null : Number(seq) };
}

/** The cursor of a feed key: a change's, or a bare position (after every change of its event). */
function cursorOfKeyText(key: bigint): string {
  const cursor = cursorOfKey(key);
  return cursor.seq === null ? encodePosition(cursor.position) : phaseChangeCursor({ position: cursor.position, seq: cursor.seq });
}

/** A PhaseChange's cursor: its event's position, a dot, and its rank. */
export function phaseChangeCursor(change: { position: bigint; seq: number }): string {
  return `${encodePosition(change.position)}.${change.seq}`;
}

function afterPhaseChange(after: string | null | undefined): PhaseChangeCursor | undefined {
  if (after === null || after === undefined) return undefined;
  const dot = after.indexOf('.');
  if (dot < 0) return { position: afterPosition(after)!, seq: null };
  const rank = after.slice(dot + 1);
  if (!/^(0|[1-9][0-9]{0,5})$/.test(rank) || Number(rank) >= Number(RANKS - 1n)) throw invalidCursor('after');
  return { position: afterPosition(after.slice(0, dot))!, seq: Number(rank) };
}

interface RelationshipEventsArgs {
  relationshipId: string;
  after?: string | null;
}

async function relationshipEvents({ args, context, info }: SubscribeData<RelationshipEventsArgs>): Promise<AsyncIterable<LoggedEvent>> {
  const { readSide, log } = servicesOf(info.schema);
  await refusePastTheEnd({ readSide, log }, args.after);
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
      'With `after` (a cursor from an earlier PhaseChange), first every change since then in order, then live; without it, live only. ' +
      'When a late fact rewrites a history, the transitions that no longer hold come again with `retracted: true`, then the new ones: applied as a diff, they leave a mirror equal to `phaseHistory`.',
  })
  phaseChanged(
    @Root() change: PhaseChangeRecord,
    @Arg('relationshipId', () => ID, { nullable: true, description: "Only this relationship's changes; all of the tenant's when absent." })
    _relationshipId: string | null,
    @Arg('phases', () => [Phase], { nullable: true, description: 'Only changes into one of these phases.' }) _phases: PhaseValue[] | null,
    @Arg('after', () => String, {
      nullable: true,
      description: 'A PhaseChange `cursor`: first every change since then, in order, then live. Absent: live only.',
    })
    _after: string | null,
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
      cursor: phaseChangeCursor(change),
      recordedAt: new Date(change.recordedAt).toISOString(),
      retracted: change.retracted,
      correctedBy:
        change.correctedBy === null
          ? null
          : { kind: 'EVENT', eventType: change.correctedBy.eventType, rule: null, revision: change.correctedBy.revision, position: change.correctedBy.position },
    };
  }

  @Subscription(() => Event, {
    subscribe: relationshipEvents as never,
    description:
      "One relationship's raw events, for integrators who mirror history. With `after` (an event's position), first every event since then, then live.",
  })
  relationshipEvents(
    @Root() event: LoggedEvent,
    @Arg('relationshipId', () => ID, { description: 'The relationship whose events to mirror.' }) _relationshipId: string,
    @Arg('after', () => String, { nullable: true, description: "An event's position: first every event since then, then live." })
    _after: string | null,
  ): Event {
    return toEvent(event);
  }
}
