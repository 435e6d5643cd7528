/**
 * Filter operators, one input object per field type, in the style frontend
 * teams know from Prisma and Hasura: `{ segment: { eq: "SMB" } }`.
 */
import { Field, Float, InputType, Int } from 'type-graphql';
import type { DecayStatus as DecayStatusValue } from '../../app/read-side.js';
import type { Phase as PhaseValue, RiskFlag as RiskFlagValue } from '../../domain/events.js';
import { DecayStatus, Phase, RiskFlag } from '../types/enums.js';
import { DateTime } from '../types/scalars.js';

@InputType({ description: 'Operators on a text field; every given operator must match.' })
export class StringFilter {
  @Field(() => String, { nullable: true, description: 'Equal to this.' })
  eq?: string | null;

  @Field(() => String, { nullable: true, description: 'Not equal to this (absent values do not match).' })
  ne?: string | null;

  @Field(() => [String], { nullable: true, description: 'Equal to one of these.' })
  in?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Equal to none of these (absent values do not match).' })
  notIn?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Case-insensitive substring.' })
  contains?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'true: the field is not set; false: it is set.' })
  isNull?: boolean | null;
}

@InputType({ description: 'Operators on a whole-number field; every given operator must match.' })
export class IntFilter {
  @Field(() => Int, { nullable: true, description: 'Equal to this.' })
  eq?: number | null;

  @Field(() => Int, { nullable: true, description: 'Greater than this.' })
  gt?: number | null;

  @Field(() => Int, { nullable: true, description: 'Greater than or equal to this.' })
  gte?: number | null;

  @Field(() => Int, { nullable: true, description: 'Less than this.' })
  lt?: number | null;

  @Field(() => Int, { nullable: true, description: 'Less than or equal to this.' })
  lte?: number | null;
}

@InputType({ description: 'Operators on a number field; every given operator must match.' })
export class FloatFilter {
  @Field(() => Float, { nullable: true, description: 'Equal to this.' })
  eq?: number | null;

  @Field(() => Float, { nullable: true, description: 'Greater than this.' })
  gt?: number | null;

  @Field(() => Float, { nullable: true, description: 'Greater than or equal to this.' })
  gte?: number | null;

  @Field(() => Float, { nullable: true, description: 'Less than this.' })
  lt?: number | null;

  @Field(() => Float, { nullable: true, description: 'Less than or equal to this.' })
  lte?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'true: no value yet (e.g. no proposal in this cycle).' })
  isNull?: boolean | null;
}

@InputType({ description: 'Operators on an instant; every given operator must match.' })
export class DateTimeFilter {
  @Field(() => DateTime, { nullable: true, description: 'Equal to this.' })
  eq?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'After this instant.' })
  gt?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'At or after this instant.' })
  gte?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Before this instant.' })
  lt?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'At or before this instant.' })
  lte?: Date | null;
}

@InputType({ description: 'Operators on the phase; every given operator must match.' })
export class PhaseFilter {
  @Field(() => Phase, { nullable: true, description: 'Equal to this.' })
  eq?: PhaseValue | null;

  @Field(() => Phase, { nullable: true, description: 'Not equal to this (absent values do not match).' })
  ne?: PhaseValue | null;

  @Field(() => [Phase], { nullable: true, description: 'Equal to one of these.' })
  in?: PhaseValue[] | null;

  @Field(() => [Phase], { nullable: true, description: 'Equal to none of these (absent values do not match).' })
  notIn?: PhaseValue[] | null;
}

@InputType({ description: 'Operators on the decay status; every given operator must match.' })
export class DecayStatusFilter {
  @Field(() => DecayStatus, { nullable: true, description: 'Equal to this.' })
  eq?: DecayStatusValue | null;

  @Field(() => DecayStatus, { nullable: true, description: 'Not equal to this (absent values do not match).' })
  ne?: DecayStatusValue | null;

  @Field(() => [DecayStatus], { nullable: true, description: 'Equal to one of these.' })
  in?: DecayStatusValue[] | null;

  @Field(() => [DecayStatus], { nullable: true, description: 'Equal to none of these (absent values do not match).' })
  notIn?: DecayStatusValue[] | null;

  @Field(() => Boolean, { nullable: true, description: 'true: not married now (not yet, or no longer), so no current decay trend.' })
  isNull?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: a divorced relationship is matched by the trend frozen at its end; by default it has no current trend.',
  })
  includeEnded?: boolean | null;
}

@InputType({ description: 'Operators on the set of risk flags; every given operator must match.' })
export class RiskFlagsFilter {
  @Field(() => RiskFlag, { nullable: true, description: 'Carries this flag.' })
  has?: RiskFlagValue | null;

  @Field(() => [RiskFlag], { nullable: true, description: 'Carries at least one of these flags.' })
  hasAny?: RiskFlagValue[] | null;

  @Field(() => [RiskFlag], { nullable: true, description: 'Carries every one of these flags.' })
  hasAll?: RiskFlagValue[] | null;

  @Field(() => Boolean, { nullable: true, description: 'true: carries no flag; false: carries at least one.' })
  isEmpty?: boolean | null;
}
