/**
 * Domain refusals. Each code is distinct and stable (the GraphQL edge exposes
 * it as `extensions.reason`); the message is a sentence a person can act on.
 */
export const DOMAIN_ERROR_CODES = [
  'INVALID_EVENT',
  'UNKNOWN_EVENT_TYPE',
  'INVALID_RULES',
  'NOT_OPENED',
  'ALREADY_OPENED',
  'QUESTION_NOT_ASKED',
  'QUESTION_ALREADY_ANSWERED',
  'STAKEHOLDER_UNKNOWN',
  'DUPLICATE_QUESTION',
  'DUPLICATE_STAKEHOLDER',
  'DUPLICATE_PROPOSAL',
  'DUPLICATE_CASE',
  'DUPLICATE_CONTRACT',
  'DUPLICATE_UPSELL',
  'PROPOSAL_UNKNOWN',
  'PROPOSAL_ALREADY_REJECTED',
  'CASE_UNKNOWN',
  'CASE_ALREADY_CLOSED',
  'UPSELL_UNKNOWN',
  'UPSELL_ALREADY_CLOSED',
  'CONTRACT_UNKNOWN',
  'NOT_MARRIED',
  'ALREADY_MARRIED',
  'RELATIONSHIP_CLOSED',
  'NOT_CLOSED',
  'OCCURRED_AT_BEFORE_OPENING',
  'CONTRADICTS_RECORDED_EVENT',
  'OCCURRED_AT_IN_FUTURE',
  'DEADLINE_FORGED',
] as const;
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

/** A recorded event, as a refusal names it. */
export interface RecordedConflict {
  readonly revision: number;
  readonly type: string;
  /** Epoch ms. */
  readonly occurredAt: number;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Path of the offending field, e.g. `events[2].data.questionId`; null when the whole input is at fault. */
    readonly field: string | null = null,
    /** Index of the offending event in the batch; null when not about one event. */
    readonly index: number | null = null,
    /** The recorded event a late fact contradicts (CONTRADICTS_RECORDED_EVENT). */
    readonly conflict: RecordedConflict | null = null,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
