/**
 * Filter operators, one input object per field type, in the style frontend
 * teams know from Prisma and Hasura: `{ segment: { eq: "SMB" } }`.
 */
import { Field, Float, InputType, Int } from 'type-graphql';
import type { DecayStatus as DecayStatusValue } from '../../app/read-side.js';
import type { Phase as PhaseValue, RiskFlag as RiskFlagValue } from '../../domain/events.js';
import { DecayStatus, Phase, RiskFlag } from '../types/enums.js';
import { DateTime } from '../types/scalars.js';

@InputType()
export class StringFilter {
  @Field(() => String, { nullable: true })
  eq?: string | null;

  @Field(() => String, { nullable: true })
  ne?: string | null;

  @Field(() => [String], { nullable: true })
  in?: string[] | null;

  @Field(() => [String], { nullable: true })
  notIn?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Case-insensitive substring.' })
  contains?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'true: the field is not set; false: it is set.' })
  isNull?: boolean | null;
}

@InputType()
export class IntFilter {
  @Field(() => Int, { nullable: true })
  eq?: number | null;

  @Field(() => Int, { nullable: true })
  gt?: number | null;

  @Field(() => Int, { nullable: true })
  gte?: number | null;

  @Field(() => Int, { nullable: true })
  lt?: number | null;

  @Field(() => Int, { nullable: true })
  lte?: number | null;
}

@InputType()
export class FloatFilter {
  @Field(() => Float, { nullable: true })
  eq?: number | null;

  @Field(() => Float, { nullable: true })
  gt?: number | null;

  @Field(() => Float, { nullable: true })
  gte?: number | null;

  @Field(() => Float, { nullable: true })
  lt?: number | null;

  @Field(() => Float, { nullable: true })
  lte?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'true: no value yet (e.g. no proposal in this cycle).' })
  isNull?: boolean | null;
}

@InputType()
export class DateTimeFilter {
  @Field(() => DateTime, { nullable: true })
  eq?: Date | null;

  @Field(() => DateTime, { nullable: true })
  gt?: Date | null;

  @Field(() => DateTime, { nullable: true })
  gte?: Date | null;

  @Field(() => DateTime, { nullable: true })
  lt?: Date | null;

  @Field(() => DateTime, { nullable: true })
  lte?: Date | null;
}

@InputType()
export class PhaseFilter {
  @Field(() => Phase, { nullable: true })
  eq?: PhaseValue | null;

  @Field(() => Phase, { nullable: true })
  ne?: PhaseValue | null;

  @Field(() => [Phase], { nullable: true })
  in?: PhaseValue[] | null;

  @Field(() => [Phase], { nullable: true })
  notIn?: PhaseValue[] | null;
}

@InputType()
export class DecayStatusFilter {
  @Field(() => DecayStatus, { nullable: true })
  eq?: DecayStatusValue | null;

  @Field(() => DecayStatus, { nullable: true })
  ne?: DecayStatusValue | null;

  @Field(() => [DecayStatus], { nullable: true })
  in?: DecayStatusValue[] | null;

  @Field(() => [DecayStatus], { nullable: true })
  notIn?: DecayStatusValue[] | null;

  @Field(() => Boolean, { nullable: true, description: 'true: not married now (not yet, or no longer), so no current decay trend.' })
  isNull?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: a divorced relationship is matched by the trend frozen at its end; by default it has no current trend.',
  })
  includeEnded?: boolean | null;
}

@InputType()
export class RiskFlagsFilter {
  @Field(() => RiskFlag, { nullable: true })
  has?: RiskFlagValue | null;

  @Field(() => [RiskFlag], { nullable: true })
  hasAny?: RiskFlagValue[] | null;

  @Field(() => [RiskFlag], { nullable: true })
  hasAll?: RiskFlagValue[] | null;

  @Field(() => Boolean, { nullable: true })
  isEmpty?: boolean | null;
}
