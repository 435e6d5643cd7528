import { Field, InputType, registerEnumType } from 'type-graphql';
import type { RelationshipOrderField as OrderFieldValue } from '../../app/read-side.js';
import {
  DateTimeFilter,
  DecayStatusFilter,
  FloatFilter,
  IntFilter,
  PhaseFilter,
  RiskFlagsFilter,
  StringFilter,
} from './operators.js';

@InputType({
  description:
    'One operator object per field; fields combine with AND. `and`, `or` and `not` nest, e.g. `{ or: [{ phase: { eq: DATING } }, { flags: { has: NEGLECT } }] }`.',
})
export class RelationshipFilter {
  @Field(() => StringFilter, { nullable: true, description: 'The relationship id.' })
  id?: StringFilter | null;

  @Field(() => StringFilter, { nullable: true, description: 'The account name.' })
  accountName?: StringFilter | null;

  @Field(() => PhaseFilter, { nullable: true, description: 'The phase at the query instant.' })
  phase?: PhaseFilter | null;

  @Field(() => StringFilter, { nullable: true, description: 'The segment.' })
  segment?: StringFilter | null;

  @Field(() => StringFilter, { nullable: true, description: 'The vendor-side owner.' })
  owner?: StringFilter | null;

  @Field(() => StringFilter, { nullable: true, description: 'Where the lead came from.' })
  source?: StringFilter | null;

  @Field(() => IntFilter, { nullable: true, description: 'The courtship cycle, from 1.' })
  cycle?: IntFilter | null;

  @Field(() => DecayStatusFilter, { nullable: true, description: 'The decay status at the query instant.' })
  decayStatus?: DecayStatusFilter | null;

  @Field(() => FloatFilter, { nullable: true, description: "The current cycle's time to proposal, in days." })
  timeToProposalDays?: FloatFilter | null;

  @Field(() => FloatFilter, { nullable: true, description: "The current cycle's time to marriage, in days." })
  timeToMarriageDays?: FloatFilter | null;

  @Field(() => DateTimeFilter, { nullable: true, description: "occurredAt of the relationship's last event." })
  updatedAt?: DateTimeFilter | null;

  @Field(() => DateTimeFilter, { nullable: true, description: 'occurredAt of the RelationshipOpened event.' })
  openedAt?: DateTimeFilter | null;

  @Field(() => DateTimeFilter, { nullable: true, description: 'When the current phase began.' })
  phaseSince?: DateTimeFilter | null;

  @Field(() => RiskFlagsFilter, { nullable: true, description: 'The risk flags at the query instant.' })
  flags?: RiskFlagsFilter | null;

  @Field(() => [RelationshipFilter], { nullable: true, description: 'Every one of these matches.' })
  and?: RelationshipFilter[] | null;

  @Field(() => [RelationshipFilter], { nullable: true, description: 'At least one of these matches.' })
  or?: RelationshipFilter[] | null;

  @Field(() => RelationshipFilter, {
    nullable: true,
    description:
      'This one does not match. Unlike SQL\'s NOT, absent values are not set apart: `not: { segment: { eq: SMB } }` also matches relationships without a segment, which `segment: { ne: SMB }` leaves out.',
  })
  not?: RelationshipFilter | null;
}

export const RelationshipOrderField = {
  ID: 'ID',
  ACCOUNT_NAME: 'ACCOUNT_NAME',
  PHASE: 'PHASE',
  PHASE_SINCE: 'PHASE_SINCE',
  UPDATED_AT: 'UPDATED_AT',
  OPENED_AT: 'OPENED_AT',
  TIME_TO_PROPOSAL: 'TIME_TO_PROPOSAL',
  DECAY_SCORE: 'DECAY_SCORE',
} as const satisfies { [K in OrderFieldValue]: K };

export const OrderDirection = { ASC: 'ASC', DESC: 'DESC' } as const;

registerEnumType(RelationshipOrderField, {
  name: 'RelationshipOrderField',
  description: 'What a pipeline board sorts by.',
});
registerEnumType(OrderDirection, { name: 'OrderDirection', description: 'Ascending or descending.' });

@InputType({ description: 'One sort key; later keys break ties of earlier ones.' })
export class RelationshipOrder {
  @Field(() => RelationshipOrderField, { description: 'What to sort by.' })
  field!: OrderFieldValue;

  @Field(() => OrderDirection, { defaultValue: 'ASC', description: 'ASC or DESC; absent values sort last either way.' })
  direction!: 'ASC' | 'DESC';
}
