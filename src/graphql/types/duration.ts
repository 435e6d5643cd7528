import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { Phase as PhaseValue } from '../../domain/events.js';
import { Phase } from './enums.js';

@ObjectType({ description: 'Elapsed time, in three forms. ISO 8601 uses days, never months or years.' })
export class Duration {
  @Field(() => Int, { description: 'Whole seconds.' })
  seconds!: number;

  @Field(() => Float, { description: 'Fractional days (4 decimals).' })
  days!: number;

  @Field({ description: 'ISO 8601 duration, e.g. `P12DT3H`.' })
  iso!: string;
}

@ObjectType({ description: 'Time spent in one phase, summed over every stay in it.' })
export class TimeInPhase {
  @Field(() => Phase, { description: 'The phase.' })
  phase!: PhaseValue;

  @Field(() => Int, { description: 'Whole seconds spent in it.' })
  seconds!: number;

  @Field(() => Float, { description: 'Fractional days spent in it (4 decimals).' })
  days!: number;

  @Field({ description: 'ISO 8601 duration, e.g. `P12DT3H`.' })
  iso!: string;
}
