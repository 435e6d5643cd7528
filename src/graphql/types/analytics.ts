/**
 * Pipeline analytics as GraphQL types (docs/ANALYTICS.md). Durations are in
 * seconds, as numbers: they are statistics, not one relationship's duration.
 */
import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { GroupBy } from '../../analytics/cohort.js';
import type { Phase as PhaseValue } from '../../domain/events.js';
import { Phase } from './enums.js';
import { DateTime } from './scalars.js';

export const AnalyticsGroupBy = { NONE: 'NONE', SEGMENT: 'SEGMENT', OWNER: 'OWNER', COHORT_MONTH: 'COHORT_MONTH' } as const satisfies {
  [K in GroupBy]: K;
};
registerEnumType(AnalyticsGroupBy, {
  name: 'AnalyticsGroupBy',
  description: 'How to split a distribution: not at all, by segment, by owner, or by the UTC month the cycle started in.',
});

@InputType({ description: 'Which relationships a statistic counts. Each counts once, by its current courtship cycle.' })
export class AnalyticsFilter {
  @Field(() => DateTime, { nullable: true, description: 'Cycles that started at or after this instant.' })
  from?: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Cycles that started at or before this instant.' })
  to?: Date | null;

  @Field(() => String, { nullable: true, description: 'Only this segment.' })
  segment?: string | null;

  @Field(() => String, { nullable: true, description: 'Only this owner.' })
  owner?: string | null;
}

@ObjectType({ description: 'One phase of the funnel.' })
export class FunnelStage {
  @Field(() => Phase, { description: 'The phase.' })
  phase!: PhaseValue;

  @Field(() => Int, { description: 'Relationships that reached this phase or a later one.' })
  reached!: number;

  @Field(() => Float, { nullable: true, description: 'reached(next phase) / reached(this one); null for MARRIED or when none reached this one.' })
  conversionToNext!: number | null;

  @Field(() => Float, { nullable: true, description: 'Median seconds from reaching this phase to reaching the next.' })
  medianSecondsToNext!: number | null;
}

@ObjectType({ description: 'How many relationships reached each courtship phase, and how fast they moved on.' })
export class Funnel {
  @Field(() => Int, { description: 'Relationships counted.' })
  total!: number;

  @Field(() => [FunnelStage], { description: 'ATTRACTION, DATING, EXCLUSIVE, PROPOSED, MARRIED.' })
  stages!: FunnelStage[];
}

@ObjectType({ description: 'Summary statistics of durations, in seconds; null values when count is 0.' })
export class DurationDistribution {
  @Field(() => Int, { description: 'How many durations.' })
  count!: number;

  @Field(() => Float, { nullable: true, description: 'Mean, in seconds.' })
  mean!: number | null;

  @Field(() => Float, { nullable: true, description: 'Median, in seconds.' })
  median!: number | null;

  @Field(() => Float, { nullable: true, description: '75th percentile, in seconds.' })
  p75!: number | null;

  @Field(() => Float, { nullable: true, description: '90th percentile, in seconds.' })
  p90!: number | null;
}

@ObjectType({ description: 'The distribution within one group (segment, owner or month).' })
export class DurationGroup {
  @Field(() => String, { nullable: true, description: 'The segment, owner or month (YYYY-MM); null for relationships without one.' })
  key!: string | null;

  @Field(() => DurationDistribution, { description: 'The distribution within the group.' })
  stats!: DurationDistribution;
}

@ObjectType({ description: 'A duration over the relationships that reached it (the others are left out, not counted as zero).' })
export class DurationStats {
  @Field(() => DurationDistribution, { description: 'The distribution over every relationship counted.' })
  overall!: DurationDistribution;

  @Field(() => [DurationGroup], { description: 'Sorted by key, null last; empty when groupBy is NONE.' })
  groups!: DurationGroup[];
}

@ObjectType({ description: 'The health of the installed base.' })
export class DecaySummary {
  @Field(() => Int, { description: 'Relationships in MARRIED, NEGLECTED or CHEATING.' })
  married!: number;

  @Field(() => Int, { description: 'Married relationships whose health improves.' })
  improving!: number;

  @Field(() => Int, { description: 'Married relationships whose health holds.' })
  stable!: number;

  @Field(() => Int, { description: 'Married relationships whose health decays.' })
  decaying!: number;

  @Field(() => Int, { description: 'Relationships whose current marriage (ongoing or ended) was NEGLECTED at least once.' })
  everNeglected!: number;

  @Field(() => Float, { nullable: true, description: 'Median weeks from signing to the first NEGLECTED, over those.' })
  medianWeeksToFirstNeglect!: number | null;
}

@ObjectType({ description: 'One reason courtships ended, and how often.' })
export class OutcomeReason {
  @Field({
    description:
      'The closing event\'s reason (a ChurnReason, or the free text of a rejection or withdrawal), the time-based rule (MOVED_ON_SILENCE, ALTAR_SILENCE, CONTRACT_LAPSE), or UNSPECIFIED.',
  })
  reason!: string;

  @Field(() => Int, { description: 'Courtships that ended for this reason.' })
  count!: number;
}

@ObjectType({ description: 'How many courtships ended one way, and why.' })
export class Outcome {
  @Field(() => Phase, { description: 'MOVED_ON, LEFT_AT_ALTAR or DIVORCED.' })
  outcome!: PhaseValue;

  @Field(() => Int, { description: 'Courtships that ended this way.' })
  count!: number;

  @Field(() => [OutcomeReason], { description: 'Most frequent first.' })
  reasons!: OutcomeReason[];
}
