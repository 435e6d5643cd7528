/**
 * Pipeline analytics: pure functions over relationship states at an instant
 * (docs/ANALYTICS.md). No I/O: the GraphQL resolvers and the CLI feed them
 * read-model rows or states re-folded from the log.
 */
export { cohort, type AnalyticsScope, type CohortMember, type GroupBy } from './cohort.js';
export { factsOf, groupKey, type CohortFacts } from './facts.js';
export { distributionOf, medianOf, type Distribution } from './distribution.js';
export { funnel, FUNNEL_PHASES, type Funnel, type FunnelGroup, type FunnelPhase, type FunnelStage } from './funnel.js';
export { timeToMarriageStats, timeToProposalStats, type DistributionGroup, type DurationStats } from './durations.js';
export { decaySummary, type DecaySummary, type ScoreBucket } from './decay.js';
export { outcomes, OUTCOME_REASON_KINDS, type EndedWindow, type OutcomeCount, type OutcomeReasonKind, type ReasonCount } from './outcomes.js';
export { cohortRetention, RetentionTally, type CohortRetention, type RetentionCohortBy } from './retention.js';
export { RulesComparer, type ChangedRelationship, type PhaseMove, type RulesComparison } from './what-if.js';
