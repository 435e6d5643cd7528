import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { Phase as PhaseValue } from '../../domain/events.js';
import { Phase } from './enums.js';
import { TransitionCause } from './history.js';
import { DateTime } from './scalars.js';

@ObjectType({ description: 'A relationship moved from one phase to another (delivered by `Subscription.phaseChanged`).' })
export class PhaseChange {
  @Field(() => ID)
  relationshipId!: string;

  @Field(() => Phase)
  from!: PhaseValue;

  @Field(() => Phase)
  to!: PhaseValue;

  @Field(() => DateTime, { description: "The causing event's occurredAt, or the exact deadline instant." })
  at!: string;

  @Field(() => Int)
  cycle!: number;

  @Field(() => TransitionCause)
  cause!: TransitionCause;

  @Field({
    description:
      'Opaque and valid forever: hand it back as `phaseChanged(after:)` after a disconnect or a server restart to receive every change since, then live.',
  })
  cursor!: string;
}
