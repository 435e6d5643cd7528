import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { DecayStatus as DecayStatusValue } from '../../app/read-side.js';
import type { ReadinessReasonCode } from '../../domain/metrics/readiness.js';
import { DecayStatus, ReadinessReason } from './enums.js';
import { Duration } from './duration.js';
import { DateTime } from './scalars.js';

@ObjectType({
  description:
    'Whether it is time to pop the question: interest is mutual, no question is open, every veto holder is SUPPORTIVE and the prospect was recently active.',
})
export class Readiness {
  @Field({ description: 'True when it is time to pop the question.' })
  ready!: boolean;

  @Field(() => [ReadinessReason], { description: 'Why it is not ready yet; empty when ready.' })
  reasons!: ReadinessReasonCode[];

  @Field(() => [String], { description: 'The reasons as sentences for people, in the same order.' })
  messages!: string[];
}

@ObjectType({ description: "How quickly the vendor answers the prospect's questions." })
export class Responsiveness {
  @Field(() => Int, { description: 'Questions waiting for an answer.' })
  openQuestions!: number;

  @Field(() => Duration, { nullable: true, description: 'Age of the oldest open question; null when none is open.' })
  oldestOpenQuestionAge!: Duration | null;

  @Field(() => Duration, { nullable: true, description: 'Median time to answer; null before the first answer.' })
  medianTimeToAnswer!: Duration | null;
}

@ObjectType({ description: 'One signal of the decay trend and its contribution.' })
export class DecayDriver {
  @Field({ description: 'The signal, e.g. `touchpointRecency` (docs/DECAY.md lists them).' })
  signal!: string;

  @Field(() => Float, { description: 'Points this signal takes off a perfect 100 in the latest week.' })
  impact!: number;
}

@ObjectType({ description: 'The health score of one week of a marriage.' })
export class WeeklyScore {
  @Field(() => DateTime, { description: 'The instant the week ends, at which it is scored.' })
  endsAt!: string;

  @Field(() => Float, { description: 'Health score of the week, 0 to 100.' })
  score!: number;
}

@ObjectType({ description: 'The health trend of a married relationship (docs/DECAY.md documents the formula).' })
export class Decay {
  @Field(() => DecayStatus, { description: 'Whether health improves, holds or decays, from the slope.' })
  status!: DecayStatusValue;

  @Field(() => Float, { description: 'Points per week over the recent weeks.' })
  slope!: number;

  @Field(() => Float, { description: 'Health score of the latest week, 0 to 100.' })
  score!: number;

  @Field(() => [DecayDriver], { description: 'Largest impact first.' })
  drivers!: DecayDriver[];

  @Field(() => [WeeklyScore], { description: 'The weekly scores the slope is fitted to, oldest first.' })
  weeks!: WeeklyScore[];
}
