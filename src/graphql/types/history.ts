import { Field, Int, ObjectType } from 'type-graphql';
import type { DeadlineRule as DeadlineRuleValue, Phase as PhaseValue } from '../../domain/events.js';
import { CauseKind, DeadlineRule, Phase } from './enums.js';
import { DateTime } from './scalars.js';

@ObjectType({ description: 'Why a phase changed: an event of the stream, or a deadline rule.' })
export class TransitionCause {
  @Field(() => CauseKind, { description: 'An event of the stream or a deadline rule.' })
  kind!: 'EVENT' | 'DEADLINE';

  @Field(() => String, { nullable: true, description: 'The event type, when kind is EVENT.' })
  eventType!: string | null;

  @Field(() => DeadlineRule, { nullable: true, description: 'The rule, when kind is DEADLINE.' })
  rule!: DeadlineRuleValue | null;

  @Field(() => Int, { nullable: true, description: 'Stream revision of the event that caused it, when kind is EVENT.' })
  revision!: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Opaque global position of the event that caused it (usable as an `events(after:)` cursor), when known.',
  })
  position!: string | null;
}

@ObjectType({ description: 'One entry of the phase history.' })
export class PhaseTransition {
  @Field(() => Phase, { description: 'The phase left.' })
  from!: PhaseValue;

  @Field(() => Phase, { description: 'The phase entered.' })
  to!: PhaseValue;

  @Field(() => DateTime, { description: "The causing event's occurredAt, or the exact deadline instant." })
  at!: string;

  @Field(() => Int, { description: 'The courtship cycle the change belongs to (a reopening belongs to the new one).' })
  cycle!: number;

  @Field(() => TransitionCause, { description: 'What caused it.' })
  cause!: TransitionCause;

  @Field(() => DateTime, {
    nullable: true,
    description:
      'When this change became known: the record time of the event whose recording made it part of the history (a late fact, for a change it brought). Null for a deadline due but not recorded yet.',
  })
  recordedAt!: string | null;
}
