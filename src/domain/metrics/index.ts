/** The metrics' public API: pure functions of (state as of T, T, rules). */
export { describe, type DescribeRules, type RelationshipView } from './view.js';
export { decayTrend, leastSquaresSlope, type DecayTrend, type DecayDriver, type DecayStatus, type WeeklyScore } from './decay.js';
export { decayRulesSchema, defaultDecayRules, DECAY_SIGNALS, type DecayRules, type DecaySignal } from './decay-rules.js';
export { flagRulesSchema, defaultFlagRules, type FlagRules } from './flag-rules.js';
export { riskFlags, type FlagsRules } from './flags.js';
export { readiness, READINESS_REASONS, type Readiness, type ReadinessReason, type ReadinessReasonCode } from './readiness.js';
export { responsiveness, type Responsiveness } from './responsiveness.js';
export { cycleDurations, timeInPhases, timeToMarriage, timeToProposal, type CycleDurations, type PhaseTime, type TimeInPhases } from './durations.js';
export { durationBetween, durationOfSeconds, isoDuration, type Duration } from './duration.js';
