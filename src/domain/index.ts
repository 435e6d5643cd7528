/** The public API of Courtship's pure domain. */
export * from './events.js';
export * from './state.js';
export { DomainError, DOMAIN_ERROR_CODES, type DomainErrorCode } from './errors.js';
export { defaultRules, parseRules, DAY_MS, type Rules } from './rules.js';
export { parseEventInput, type EventInput } from './validation.js';
export { upcast, CURRENT_SCHEMA_VERSION, SCHEMA_VERSIONS } from './upcast.js';
export { encodeEvent, decodeEvent, type EncodedEvent, type StoredPayload } from './codec.js';
export { parseInstant, formatInstant } from './time.js';
export { evolve, hasOpenQuestions, hasOpposedVeto, type EventPosition } from './evolve.js';
export { nextDeadline, deadlineEvent, advanceTo, recordsDeadline, type Deadline } from './deadlines.js';
export { relationshipDecider } from './decider.js';
export { REFUSALS, type RefusalCode } from './refusals.js';
export { decide, decideWithState, needsHistory, MAX_CLOCK_SKEW_MS, type AppendCommand, type DecideContext, type Decision } from './decide.js';
export { fold, stateAt, type FoldInput } from './fold.js';
export { foldHistory, recordFact, businessOrder, inBusinessOrder, type Recorded } from './history.js';
