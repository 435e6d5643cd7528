import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { Actor as ActorValue } from '../../domain/events.js';
import { Actor } from './enums.js';
import { Node } from './node.js';
import { DateTime, JSON } from './scalars.js';

@ObjectType({ implements: Node, description: 'A recorded event of a relationship, as it sits in the global log.' })
export class Event extends Node {
  @Field(() => ID, {
    description: "The event's own id: the client's `eventId` when one was given (unique within the relationship only), else one the server made.",
  })
  eventId!: string;

  @Field(() => ID, { description: 'The relationship whose stream holds it.' })
  relationshipId!: string;

  @Field(() => Int, { description: 'Revision within the relationship stream, from 0.' })
  revision!: number;

  @Field({ description: 'Opaque global position; also the cursor of this event in `Query.events`.' })
  position!: string;

  @Field({ description: 'The event type of the catalog, e.g. `ProposalSubmitted`.' })
  type!: string;

  @Field(() => DateTime, { description: 'Business time.' })
  occurredAt!: number;

  @Field(() => Actor, { description: 'Who initiated it.' })
  actor!: ActorValue;

  @Field(() => JSON, { description: "The type's own fields, as recorded." })
  data!: unknown;

  @Field(() => JSON, { nullable: true, description: "The client's free-form metadata, if any." })
  metadata!: unknown;

  @Field(() => DateTime, { description: 'When the store recorded it.' })
  recordedAt!: number;
}
