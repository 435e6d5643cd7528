import { Field, ID, ObjectType } from 'type-graphql';
import { PhaseTransition } from './history.js';

@ObjectType({ description: 'A relationship moved from one phase to another (delivered by `Subscription.phaseChanged`).' })
export class PhaseChange extends PhaseTransition {
  @Field(() => ID, { description: 'The relationship that changed phase (its id in mutations).' })
  relationshipId!: string;

  @Field({
    description:
      'Opaque and valid forever: hand it back as `phaseChanged(after:)` after a disconnect or a server restart to receive every change since, then live.',
  })
  cursor!: string;
}
