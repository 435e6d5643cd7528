import { Field, ID, InputType } from 'type-graphql';
import type { Actor as ActorValue } from '../../domain/events.js';
import { Actor } from '../types/enums.js';
import { DateTime } from '../types/scalars.js';

@InputType({ description: 'Narrows the global log; every given field must match.' })
export class EventFilter {
  @Field(() => [String], { nullable: true, description: 'Event types, e.g. ["ProposalSubmitted"].' })
  types?: string[] | null;

  @Field(() => [Actor], { nullable: true, description: 'Only events by one of these actors.' })
  actors?: ActorValue[] | null;

  @Field(() => [ID], { nullable: true, description: 'At most 100.' })
  relationshipIds?: string[] | null;

  @Field(() => DateTime, { nullable: true, description: 'occurredAt at or after this instant.' })
  occurredFrom?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'occurredAt at or before this instant.' })
  occurredTo?: Date | null;
}
