import { Field, ID, ObjectType } from 'type-graphql';
import type { Role, Stance as StanceValue, Topic } from '../../domain/events.js';
import { encodeNodeId, type Scope } from '../identity/global-id.js';
import { QuestionTopic, Stance, StakeholderRole } from './enums.js';
import { Duration } from './duration.js';
import { Node } from './node.js';
import { DateTime } from './scalars.js';

@ObjectType({ implements: Node, description: 'A member of the prospect\'s "family" taking part in the decision.' })
export class Stakeholder extends Node {
  @Field(() => ID, { description: "The client's own stakeholder id, as given to `introduceStakeholder` (unique within the relationship only)." })
  stakeholderId!: string;

  @Field({ description: 'As introduced.' })
  name!: string;

  @Field(() => StakeholderRole, { description: 'Their part in the decision.' })
  role!: Role;

  @Field({ description: 'Whether they can block the deal on their own.' })
  hasVeto!: boolean;

  @Field(() => Stance, { description: 'Their current stance towards the vendor (NEUTRAL until it changes).' })
  stance!: StanceValue;

  @Field(() => DateTime, { description: 'occurredAt of the StakeholderIntroduced event.' })
  introducedAt!: string;

  @Field(() => DateTime, { nullable: true, description: 'When the stance last changed; null if it never did.' })
  stanceChangedAt!: string | null;
}

@ObjectType({ implements: Node, description: "A prospect's due-diligence question still waiting for an answer." })
export class OpenQuestion extends Node {
  @Field(() => ID, { description: "The client's own question id, as given to `askQuestion` (unique within the relationship only)." })
  questionId!: string;

  @Field(() => QuestionTopic, { description: 'What the question is about.' })
  topic!: Topic;

  @Field(() => String, { nullable: true, description: 'The question as the prospect put it, when recorded.' })
  text!: string | null;

  @Field(() => DateTime, { description: 'occurredAt of the QuestionAsked event.' })
  askedAt!: string;

  @Field(() => Duration, { description: 'How long it has been waiting.' })
  age!: Duration;
}

type Fields<T> = { [K in keyof T as K extends 'id' ? never : K]: T[K] };

export function stakeholderOf(scope: Scope, fields: Fields<Stakeholder>): Stakeholder {
  return Object.assign(new Stakeholder(), { ...fields, id: encodeNodeId({ type: 'Stakeholder', scope, stakeholderId: fields.stakeholderId }) });
}

export function openQuestionOf(scope: Scope, fields: Fields<OpenQuestion>): OpenQuestion {
  return Object.assign(new OpenQuestion(), { ...fields, id: encodeNodeId({ type: 'OpenQuestion', scope, questionId: fields.questionId }) });
}
