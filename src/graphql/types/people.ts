import { Field, ID, ObjectType } from 'type-graphql';
import type { Role, Stance as StanceValue, Topic } from '../../domain/events.js';
import { QuestionTopic, Stance, StakeholderRole } from './enums.js';
import { Duration } from './duration.js';
import { DateTime } from './scalars.js';

@ObjectType({ description: 'A member of the prospect\'s "family" taking part in the decision.' })
export class Stakeholder {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => StakeholderRole)
  role!: Role;

  @Field()
  hasVeto!: boolean;

  @Field(() => Stance)
  stance!: StanceValue;

  @Field(() => DateTime)
  introducedAt!: string;

  @Field(() => DateTime, { nullable: true })
  stanceChangedAt!: string | null;
}

@ObjectType({ description: "A prospect's due-diligence question still waiting for an answer." })
export class OpenQuestion {
  @Field(() => ID)
  id!: string;

  @Field(() => QuestionTopic)
  topic!: Topic;

  @Field(() => String, { nullable: true, description: 'The question as the prospect put it, when recorded.' })
  text!: string | null;

  @Field(() => DateTime)
  askedAt!: string;

  @Field(() => Duration, { description: 'How long it has been waiting.' })
  age!: Duration;
}
