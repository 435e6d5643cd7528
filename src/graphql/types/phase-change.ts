import { Field, ID, ObjectType } from 'type-graphql';
import { PhaseTransition, TransitionCause } from './history.js';

@ObjectType({ description: 'A relationship moved from one phase to another (delivered by `Subscription.phaseChanged`).' })
export class PhaseChange extends PhaseTransition {
  @Field(() => ID, { description: 'The relationship that changed phase (its id in mutations).' })
  relationshipId!: string;

  @Field({
    description:
      'Opaque, unique to this item and valid forever: hand it back as `phaseChanged(after:)` after a disconnect or a server restart to receive every change since, then live.',
  })
  cursor!: string;

  @Field({
    description:
      'True when a late fact took this transition back: it no longer holds (remove it from a mirror). False for a transition that holds since this item.',
  })
  retracted!: boolean;

  @Field(() => TransitionCause, {
    nullable: true,
    description:
      'For an item of a correction (retracted, or re-derived): the late fact whose recording rewrote the history (kind EVENT, its type, revision and position). Null for an ordinary change.',
  })
  correctedBy!: TransitionCause | null;
}
