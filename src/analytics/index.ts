/**
 * Pipeline analytics: pure functions over relationship states at an instant
 * (docs/ANALYTICS.md). No I/O: the GraphQL resolvers and the CLI feed them
 * read-model rows or states re-folded from the log.
 */
export { cohort, groupKey, type AnalyticsScope, type CohortMember, type GroupBy } from './cohort.js';
export { distributionOf, medianOf, type Distribution } from './distribution.js';
export { funnel, FUNNEL_PHASES, type Funnel, type FunnelPhase, type FunnelStage } from './funnel.js';
export { timeToMarriageStats, timeToProposalStats, type DistributionGroup, type DurationStats } from './durations.js';
export { decaySummary, type DecaySummary } from './decay.js';
export { outcomes, UNSPECIFIED_REASON, type OutcomeCount, type ReasonCount } from './outcomes.js';
export { RulesComparer, type ChangedRelationship, type PhaseMove, type RulesComparison } from './what-if.js';
