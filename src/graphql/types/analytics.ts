/**
 * Pipeline analytics as GraphQL types (docs/ANALYTICS.md). Durations are in
 * seconds, as numbers: they are statistics, not one relationship's duration.
 */
import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { GroupBy } from '../../analytics/cohort.js';
import type { OutcomeReasonKind as OutcomeReasonKindValue } from '../../analytics/outcomes.js';
import type { RetentionCohortBy as RetentionByValue } from '../../analytics/retention.js';
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

@ObjectType({ description: 'One phase of the funnel. entered + skipped = reached.' })
export class FunnelStage {
  @Field(() => Phase, { description: 'The phase.' })
  phase!: PhaseValue;

  @Field(() => Int, { description: 'Relationships that entered this phase or a later one.' })
  reached!: number;

  @Field(() => Int, { description: 'Relationships that entered this very phase.' })
  entered!: number;

  @Field(() => Int, { description: 'Relationships that went on to a later phase without entering this one (reached − entered).' })
  skipped!: number;

  @Field(() => Float, { nullable: true, description: 'reached(next phase) / reached(this one); null for MARRIED or when none reached this one.' })
  conversionToNext!: number | null;

  @Field(() => Int, { description: 'Relationships that entered this phase and then the next one: the times to next are over them (a skipped phase adds no zero).' })
  countToNext!: number;

  @Field(() => Float, { nullable: true, description: 'Median seconds from entering this phase to entering the next, over countToNext relationships.' })
  medianSecondsToNext!: number | null;

  @Field(() => Float, { nullable: true, description: '90th percentile of the same seconds.' })
  p90SecondsToNext!: number | null;
}

@ObjectType({ description: 'The funnel of one group.' })
export class FunnelGroup {
  @Field(() => String, { nullable: true, description: 'The segment, owner or month (YYYY-MM); null for relationships without one.' })
  key!: string | null;

  @Field(() => Int, { description: 'Relationships in this group.' })
  total!: number;

  @Field(() => [FunnelStage], { description: 'The funnel of this group, one stage per phase.' })
  stages!: FunnelStage[];
}

@ObjectType({ description: 'How many relationships reached, entered and skipped each courtship phase, and how fast they moved on.' })
export class Funnel {
  @Field(() => Int, { description: 'Relationships counted.' })
  total!: number;

  @Field(() => [FunnelStage], { description: 'ATTRACTION, DATING, EXCLUSIVE, PROPOSED, MARRIED.' })
  stages!: FunnelStage[];

  @Field(() => [FunnelGroup], { description: 'Sorted by key, null last; empty when groupBy is NONE.' })
  groups!: FunnelGroup[];
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

@ObjectType({ description: 'How many durations fall in [fromSeconds, toSeconds); toSeconds is null for the last, open-ended bucket.' })
export class HistogramBucket {
  @Field(() => Float, { description: 'Start of the bucket, in seconds (inclusive).' })
  fromSeconds!: number;

  @Field(() => Float, { nullable: true, description: 'End of the bucket, in seconds (exclusive); null for the last, open-ended one.' })
  toSeconds!: number | null;

  @Field(() => Int, { description: 'Durations in this bucket.' })
  count!: number;
}

@ObjectType({ description: 'A duration over the relationships that reached it (the others are left out, not counted as zero).' })
export class DurationStats {
  @Field(() => DurationDistribution, { description: 'The distribution over every relationship counted.' })
  overall!: DurationDistribution;

  @Field(() => [HistogramBucket], { description: 'Whole weeks: 0–1, 1–2, … 25–26, then 26 weeks or more.' })
  weeklyHistogram!: HistogramBucket[];

  @Field(() => [DurationGroup], { description: 'Sorted by key, null last; empty when groupBy is NONE.' })
  groups!: DurationGroup[];
}

@ObjectType({ description: 'How many current marriages score in [from, to) (the last bucket includes 100).' })
export class ScoreBucket {
  @Field(() => Float, { description: 'Lowest score of the bucket (inclusive).' })
  from!: number;

  @Field(() => Float, { description: 'Highest score of the bucket (exclusive, but 100 belongs to the last).' })
  to!: number;

  @Field(() => Int, { description: 'Current marriages whose latest score falls in the bucket.' })
  count!: number;
}

@ObjectType({
  description:
    'The health of the installed base. current* fields count the relationships married at the instant (MARRIED, NEGLECTED, CHEATING); ended* fields the divorced ones, by the trend frozen at their end.',
})
export class DecaySummary {
  @Field(() => Int, { description: 'Relationships in MARRIED, NEGLECTED or CHEATING at the instant.' })
  currentlyMarried!: number;

  @Field(() => Int, { description: 'Current marriages whose health improves.' })
  currentlyImproving!: number;

  @Field(() => Int, { description: 'Current marriages whose health holds.' })
  currentlyStable!: number;

  @Field(() => Int, { description: 'Current marriages whose health decays.' })
  currentlyDecaying!: number;

  @Field(() => [ScoreBucket], { description: "The current marriages' latest weekly health scores, in ten buckets of 10 points." })
  currentScoreBuckets!: ScoreBucket[];

  @Field(() => Int, { description: 'Relationships whose current cycle married and has ended (DIVORCED).' })
  endedMarriages!: number;

  @Field(() => Int, { description: 'Ended marriages whose trend was IMPROVING when they ended.' })
  endedImprovingAtEnd!: number;

  @Field(() => Int, { description: 'Ended marriages whose trend was STABLE when they ended.' })
  endedStableAtEnd!: number;

  @Field(() => Int, { description: 'Ended marriages whose trend was DECAYING when they ended.' })
  endedDecayingAtEnd!: number;

  @Field(() => Int, { description: 'Relationships whose current marriage (ongoing or ended) was NEGLECTED at least once.' })
  marriagesEverNeglected!: number;

  @Field(() => Float, { nullable: true, description: 'Median weeks from signing to the first NEGLECTED, over marriagesEverNeglected.' })
  medianWeeksToFirstNeglect!: number | null;
}

export const OutcomeReasonKind = {
  CHURN_REASON: 'CHURN_REASON',
  REJECTION: 'REJECTION',
  WITHDRAWAL: 'WITHDRAWAL',
  DEADLINE_RULE: 'DEADLINE_RULE',
  UNSPECIFIED: 'UNSPECIFIED',
} as const satisfies { [K in OutcomeReasonKindValue]: K };
registerEnumType(OutcomeReasonKind, {
  name: 'OutcomeReasonKind',
  description:
    "Where a courtship's ending reason comes from: a churn notice's ChurnReason, a rejection's or withdrawal's free text, a time-based rule, or nothing stated.",
});

@ObjectType({ description: 'One reason courtships ended, and how often.' })
export class OutcomeReason {
  @Field(() => OutcomeReasonKind, { description: 'Where the reason comes from.' })
  kind!: OutcomeReasonKindValue;

  @Field(() => String, {
    nullable: true,
    description: 'The ChurnReason, the free text, or the rule (MOVED_ON_SILENCE, ALTAR_SILENCE, CONTRACT_LAPSE); null for UNSPECIFIED.',
  })
  value!: string | null;

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

export const RetentionCohortBy = { MARRIAGE: 'MARRIAGE', OPENING: 'OPENING' } as const satisfies { [K in RetentionByValue]: K };
registerEnumType(RetentionCohortBy, {
  name: 'RetentionCohortBy',
  description: "Cohorts by the UTC month the current cycle married, or the month it started (the opening or reopening).",
});

@ObjectType({ description: 'One cohort at the end of one month.' })
export class RetentionCell {
  @Field(() => Int, { description: "0: the end of the cohort's own month." })
  monthsSince!: number;

  @Field(() => Int, { description: 'Married by the end of that month and not divorced by then.' })
  stillMarried!: number;

  @Field(() => Int, { description: 'Divorced by the end of that month.' })
  churned!: number;

  @Field(() => Float, { description: 'stillMarried / size, 4 decimals.' })
  retention!: number;
}

@ObjectType({ description: 'One cohort: relationships that started (married or opened) in one month, and how many are still married each month since.' })
export class RetentionCohort {
  @Field({ description: 'YYYY-MM.' })
  cohort!: string;

  @Field(() => Int, { description: 'Relationships in the cohort.' })
  size!: number;

  @Field(() => [RetentionCell], { description: 'Whole months that ended by the instant, from 0.' })
  months!: RetentionCell[];
}

@ObjectType({ description: 'Cohort × months since → still married / churned.' })
export class CohortRetention {
  @Field(() => RetentionCohortBy, { description: 'Which month starts a cohort.' })
  by!: RetentionByValue;

  @Field(() => [RetentionCohort], { description: 'Oldest first.' })
  cohorts!: RetentionCohort[];
}
