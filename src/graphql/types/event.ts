import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { Actor as ActorValue } from '../../domain/events.js';
import { Actor } from './enums.js';
import { DateTime, JSON } from './scalars.js';

@ObjectType({ description: 'A recorded event of a relationship, as it sits in the global log.' })
export class Event {
  @Field(() => ID, { description: "The event's id (the client's eventId when one was given)." })
  id!: string;

  @Field(() => ID)
  relationshipId!: string;

  @Field(() => Int, { description: 'Revision within the relationship stream, from 0.' })
  revision!: number;

  @Field({ description: 'Opaque global position; also the cursor of this event in `Query.events`.' })
  position!: string;

  @Field()
  type!: string;

  @Field(() => DateTime, { description: 'Business time.' })
  occurredAt!: number;

  @Field(() => Actor)
  actor!: ActorValue;

  @Field(() => JSON)
  data!: unknown;

  @Field(() => JSON, { nullable: true, description: "The client's free-form metadata, if any." })
  metadata!: unknown;

  @Field(() => DateTime, { description: 'When the store recorded it.' })
  recordedAt!: number;
}
