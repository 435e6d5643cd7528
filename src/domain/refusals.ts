/**
 * The text of every refusal `decide` makes, in one table keyed by its code
 * (the code is what clients branch on; the text is a sentence a person can
 * act on). Each entry takes what its sentence names. The table is typed over
 * every refusal code, so a new code does not compile until its text is
 * written here; `refuse` builds the DomainError from it.
 */
import type { Deadline } from './deadlines.js';
import { DomainError, type DomainErrorCode } from './errors.js';
import type { EventType, Phase } from './events.js';
import { formatInstant } from './time.js';

/** Codes of input that is malformed rather than refused by a rule: their texts come from the schemas that find them. */
type MalformedInputCode = 'INVALID_EVENT' | 'UNKNOWN_EVENT_TYPE' | 'INVALID_RULES';
export type RefusalCode = Exclude<DomainErrorCode, MalformedInputCode>;

interface Relationship {
  readonly id: string;
  readonly phase: Phase | null;
}

export const REFUSALS = {
  NOT_OPENED: ({ id }: { id: string }) => `relationship ${id} does not exist yet: its first event must be RelationshipOpened`,
  ALREADY_OPENED: ({ id }: { id: string }) => `relationship ${id} is already open; a closed one starts again with RelationshipReopened`,
  RELATIONSHIP_CLOSED: ({ id, phase }: Relationship) => `relationship ${id} ended (${phase}); only RelationshipReopened can follow`,
  NOT_CLOSED: ({ id, phase }: Relationship) => `relationship ${id} is ${phase}, not closed: there is nothing to reopen`,
  DEADLINE_FORGED: ({ id, due }: { id: string; due: Deadline | null }) =>
    due === null
      ? `no deadline is pending for relationship ${id}; DeadlineReached events are recorded by Courtship, not invented`
      : `the deadline due is ${due.rule} at ${formatInstant(due.at)}; a DeadlineReached must record exactly that (occurredAt included)`,
  DUPLICATE_QUESTION: ({ questionId }: { questionId: string }) => `question "${questionId}" was already asked`,
  QUESTION_NOT_ASKED: ({ questionId }: { questionId: string }) => `question "${questionId}" was never asked, so it cannot be answered`,
  QUESTION_ALREADY_ANSWERED: ({ questionId, answeredAt }: { questionId: string; answeredAt: number }) =>
    `question "${questionId}" was already answered at ${formatInstant(answeredAt)}`,
  DUPLICATE_STAKEHOLDER: ({ stakeholderId }: { stakeholderId: string }) => `stakeholder "${stakeholderId}" was already introduced`,
  STAKEHOLDER_UNKNOWN: ({ stakeholderId }: { stakeholderId: string }) =>
    `stakeholder "${stakeholderId}" was never introduced, so their stance cannot change`,
  DUPLICATE_PROPOSAL: ({ proposalId }: { proposalId: string }) => `proposal "${proposalId}" was already submitted`,
  PROPOSAL_UNKNOWN: ({ proposalId, earlierCycle }: { proposalId: string; earlierCycle: boolean }) =>
    earlierCycle
      ? `proposal "${proposalId}" belongs to an earlier courtship cycle, which already ended; it cannot be rejected in this one`
      : `proposal "${proposalId}" was never submitted, so it cannot be rejected`,
  PROPOSAL_ALREADY_REJECTED: ({ proposalId }: { proposalId: string }) => `proposal "${proposalId}" was already rejected`,
  DUPLICATE_CONTRACT: ({ contractId }: { contractId: string }) => `contract "${contractId}" was already signed`,
  CONTRACT_UNKNOWN: ({ contractId }: { contractId: string }) =>
    `contract "${contractId}" was not signed in this courtship cycle, so it cannot be renewed`,
  NOT_MARRIED: ({ id, phase, type }: Relationship & { type: 'ContractRenewed' | 'ChurnNoticeGiven' }) =>
    type === 'ContractRenewed'
      ? `relationship ${id} is ${phase}: only a married customer renews a contract`
      : `relationship ${id} is ${phase}: there is no contract to leave; use InterestWithdrawn before marriage`,
  ALREADY_MARRIED: ({ id, phase }: Relationship) => `relationship ${id} is ${phase}: a customer leaves with ChurnNoticeGiven, not InterestWithdrawn`,
  DUPLICATE_CASE: ({ caseId }: { caseId: string }) => `support case "${caseId}" was already opened`,
  CASE_UNKNOWN: ({ caseId }: { caseId: string }) => `support case "${caseId}" was never opened, so it cannot be closed`,
  CASE_ALREADY_CLOSED: ({ caseId }: { caseId: string }) => `support case "${caseId}" is already closed`,
  DUPLICATE_UPSELL: ({ opportunityId }: { opportunityId: string }) => `up-sell opportunity "${opportunityId}" was already opened`,
  UPSELL_UNKNOWN: ({ opportunityId, type }: { opportunityId: string; type: 'UpsellWon' | 'UpsellLost' }) =>
    `up-sell opportunity "${opportunityId}" was never opened, so it cannot be ${type === 'UpsellWon' ? 'won' : 'lost'}`,
  UPSELL_ALREADY_CLOSED: ({ opportunityId, status }: { opportunityId: string; status: 'WON' | 'LOST' }) =>
    `up-sell opportunity "${opportunityId}" was already ${status === 'WON' ? 'won' : 'lost'}`,
  OCCURRED_AT_BEFORE_OPENING: ({ occurredAt, openedAt }: { occurredAt: number; openedAt: number }) =>
    `it occurred at ${formatInstant(occurredAt)}, before the relationship was opened (${formatInstant(openedAt)}); nothing happens in a relationship before its RelationshipOpened`,
  OCCURRED_AT_IN_FUTURE: ({ occurredAt, now, pending }: { occurredAt: number; now: number; pending?: Deadline }) =>
    pending === undefined
      ? `it occurred at ${formatInstant(occurredAt)}, more than 5 minutes after now (${formatInstant(now)}); events record what has happened`
      : `it occurred at ${formatInstant(occurredAt)}, after the ${pending.rule} deadline (${formatInstant(pending.at)}), which has not passed yet (now is ${formatInstant(now)}); send it once that time has come`,
  CONTRADICTS_RECORDED_EVENT: ({ occurredAt, recorded, how, reason }: { occurredAt: number; recorded: { type: EventType; revision: number; occurredAt: number }; how: string; reason: string }) =>
    `dated ${formatInstant(occurredAt)}, it contradicts the recorded ${recorded.type} at revision ${recorded.revision} (${formatInstant(recorded.occurredAt)}), ${how}: ${reason}`,
} as const satisfies { readonly [C in RefusalCode]: (facts: never) => string };

export type RefusalFacts<C extends RefusalCode> = Parameters<(typeof REFUSALS)[C]>[0];

/** The refusal of the batch's event `index`, at its `field`, with the text the table gives for `code`. */
export function refusal<C extends RefusalCode>(code: C, index: number, field: string, facts: RefusalFacts<C>): DomainError {
  const text = (REFUSALS[code] as (facts: RefusalFacts<C>) => string)(facts);
  return new DomainError(code, `events[${index}] refused: ${text}.`, `events[${index}].${field}`, index);
}

export function refuse<C extends RefusalCode>(code: C, index: number, field: string, facts: RefusalFacts<C>): never {
  throw refusal(code, index, field, facts);
}
