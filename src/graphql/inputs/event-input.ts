import { Field, ID, InputType } from 'type-graphql';
import type { Actor as ActorValue } from '../../domain/events.js';
import { Actor } from '../types/enums.js';
import { DateTime, JSON } from '../types/scalars.js';

@InputType({ description: 'One event of the catalog, as integrators and backfills send it.' })
export class EventInput {
  @Field({ description: 'An event type of the catalog, e.g. `QuestionAsked`.' })
  type!: string;

  @Field(() => DateTime, { description: 'Business time; never earlier than the stream\'s last event.' })
  occurredAt!: Date;

  @Field(() => Actor, { description: 'Who initiated it.' })
  actor!: ActorValue;

  @Field(() => JSON, { nullable: true, description: "The type's fields, e.g. `{ questionId: \"q1\", topic: \"SECURITY\" }`." })
  data?: unknown;

  @Field(() => ID, { nullable: true, description: 'A UUID for idempotent retries: resending the same batch appends nothing twice.' })
  eventId?: string | null;

  @Field(() => JSON, { nullable: true, description: 'Free-form metadata, stored with the event.' })
  metadata?: unknown;
}
