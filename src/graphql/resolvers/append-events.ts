import { Arg, Authorized, Ctx, ID, Int, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../context.js';
import { EventInput } from '../inputs/event-input.js';
import type { CourtshipServices } from '../services.js';
import { AppendResult } from '../types/append-result.js';
import { record } from './record.js';

@Resolver()
export class AppendEventsResolver {
  constructor(private readonly services: CourtshipServices) {}

  @Authorized('write')
  @Mutation(() => AppendResult, {
    description:
      'Appends events to one relationship, all or nothing: the integrators\' and backfill path. A new relationship starts with its RelationshipOpened. A wrong `expectedVersion` fails with CONFLICT and the current version.',
  })
  async appendEvents(
    @Arg('relationshipId', () => ID, { description: 'The relationship to append to (a new one starts with its RelationshipOpened).' }) relationshipId: string,
    @Arg('expectedVersion', () => Int, { nullable: true, description: 'Fail with CONFLICT unless the relationship is at this version (stream revision of its last event); absent: no check.' }) expectedVersion: number | null,
    @Arg('events', () => [EventInput], { description: 'The events, in order: all are appended or none.' }) events: EventInput[],
    @Ctx() ctx: RequestContext,
  ): Promise<AppendResult> {
    return record(ctx, this.services, {
      relationshipId,
      expectedVersion,
      events: events.map((event) => ({
        type: event.type,
        occurredAt: event.occurredAt.toISOString(),
        actor: event.actor,
        ...(event.data === null || event.data === undefined ? {} : { data: event.data }),
        ...(event.eventId === null || event.eventId === undefined ? {} : { eventId: event.eventId }),
        ...(event.metadata === null || event.metadata === undefined ? {} : { metadata: event.metadata }),
      })),
    });
  }
}
