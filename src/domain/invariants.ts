/**
 * The rules `decide` enforces on each event, against the state just before it
 * (shared/PRODUCT.md: events that refer to something unknown, events after a
 * closed phase, a forged deadline…).
 */
import { nextDeadline, recordsDeadline } from './deadlines.js';
import { isClosedPhase, isMarriedPhase, type CourtshipEvent } from './events.js';
import { DomainError, type DomainErrorCode } from './errors.js';
import { entryOf, has } from './records.js';
import type { Rules } from './rules.js';
import type { RelationshipState } from './state.js';
import { formatInstant } from './time.js';

export function checkOpening(event: CourtshipEvent, index: number, s: RelationshipState, id: string): void {
  if (s.phase === null && event.type !== 'RelationshipOpened') {
    refuse('NOT_OPENED', index, 'type', `relationship ${id} does not exist yet: its first event must be RelationshipOpened`);
  }
  if (s.phase !== null && event.type === 'RelationshipOpened') {
    refuse('ALREADY_OPENED', index, 'type', `relationship ${id} is already open; a closed one starts again with RelationshipReopened`);
  }
}

export function checkInvariants(event: CourtshipEvent, index: number, s: RelationshipState, rules: Rules, id: string): void {
  const phase = s.phase;
  if (phase !== null && isClosedPhase(phase) && event.type !== 'RelationshipReopened') {
    refuse(
      'RELATIONSHIP_CLOSED',
      index,
      'type',
      `relationship ${id} ended (${phase}); only RelationshipReopened can follow`,
    );
  }
  switch (event.type) {
    case 'RelationshipReopened':
      if (phase !== null && !isClosedPhase(phase)) {
        refuse('NOT_CLOSED', index, 'type', `relationship ${id} is ${phase}, not closed: there is nothing to reopen`);
      }
      return;
    case 'DeadlineReached': {
      const due = nextDeadline(s, rules);
      if (due === null || !recordsDeadline(event, due)) {
        refuse(
          'DEADLINE_FORGED',
          index,
          'data',
          due === null
            ? `no deadline is pending for relationship ${id}; DeadlineReached events are recorded by Courtship, not invented`
            : `the deadline due is ${due.rule} at ${formatInstant(due.at)}; a DeadlineReached must record exactly that (occurredAt included)`,
        );
      }
      return;
    }
    case 'QuestionAsked':
      if (has(s.questions, event.data.questionId)) {
        refuse('DUPLICATE_QUESTION', index, 'data.questionId', `question "${event.data.questionId}" was already asked`);
      }
      return;
    case 'QuestionAnswered': {
      const question = entryOf(s.questions, event.data.questionId);
      if (!question) {
        refuse('QUESTION_NOT_ASKED', index, 'data.questionId', `question "${event.data.questionId}" was never asked, so it cannot be answered`);
      }
      if (question.answeredAt !== null) {
        refuse(
          'QUESTION_ALREADY_ANSWERED',
          index,
          'data.questionId',
          `question "${event.data.questionId}" was already answered at ${formatInstant(question.answeredAt)}`,
        );
      }
      return;
    }
    case 'StakeholderIntroduced':
      if (has(s.stakeholders, event.data.stakeholderId)) {
        refuse('DUPLICATE_STAKEHOLDER', index, 'data.stakeholderId', `stakeholder "${event.data.stakeholderId}" was already introduced`);
      }
      return;
    case 'StakeholderStanceChanged':
      if (!has(s.stakeholders, event.data.stakeholderId)) {
        refuse(
          'STAKEHOLDER_UNKNOWN',
          index,
          'data.stakeholderId',
          `stakeholder "${event.data.stakeholderId}" was never introduced, so their stance cannot change`,
        );
      }
      return;
    case 'ProposalSubmitted':
      if (has(s.proposals, event.data.proposalId)) {
        refuse('DUPLICATE_PROPOSAL', index, 'data.proposalId', `proposal "${event.data.proposalId}" was already submitted`);
      }
      return;
    case 'ProposalRejected': {
      const proposal = entryOf(s.proposals, event.data.proposalId);
      if (!proposal) {
        refuse('PROPOSAL_UNKNOWN', index, 'data.proposalId', `proposal "${event.data.proposalId}" was never submitted, so it cannot be rejected`);
      }
      if (proposal.rejectedAt !== null) {
        refuse('PROPOSAL_ALREADY_REJECTED', index, 'data.proposalId', `proposal "${event.data.proposalId}" was already rejected`);
      }
      if (proposal.cycle !== s.cycle) {
        refuse(
          'PROPOSAL_UNKNOWN',
          index,
          'data.proposalId',
          `proposal "${event.data.proposalId}" belongs to an earlier courtship cycle, which already ended; it cannot be rejected in this one`,
        );
      }
      return;
    }
    case 'ContractSigned':
      if (has(s.contracts, event.data.contractId)) {
        refuse('DUPLICATE_CONTRACT', index, 'data.contractId', `contract "${event.data.contractId}" was already signed`);
      }
      return;
    case 'ContractRenewed': {
      const contract = entryOf(s.contracts, event.data.contractId);
      if (!contract || contract.cycle !== s.cycle) {
        refuse(
          'CONTRACT_UNKNOWN',
          index,
          'data.contractId',
          `contract "${event.data.contractId}" was not signed in this courtship cycle, so it cannot be renewed`,
        );
      }
      if (phase === null || !isMarriedPhase(phase)) {
        refuse('NOT_MARRIED', index, 'type', `relationship ${id} is ${phase}: only a married customer renews a contract`);
      }
      return;
    }
    case 'InterestWithdrawn':
      if (phase !== null && isMarriedPhase(phase)) {
        refuse('ALREADY_MARRIED', index, 'type', `relationship ${id} is ${phase}: a customer leaves with ChurnNoticeGiven, not InterestWithdrawn`);
      }
      return;
    case 'ChurnNoticeGiven':
      if (phase === null || !isMarriedPhase(phase)) {
        refuse('NOT_MARRIED', index, 'type', `relationship ${id} is ${phase}: there is no contract to leave; use InterestWithdrawn before marriage`);
      }
      return;
    case 'SupportCaseOpened':
      if (has(s.supportCases, event.data.caseId)) {
        refuse('DUPLICATE_CASE', index, 'data.caseId', `support case "${event.data.caseId}" was already opened`);
      }
      return;
    case 'SupportCaseClosed': {
      const supportCase = entryOf(s.supportCases, event.data.caseId);
      if (!supportCase) {
        refuse('CASE_UNKNOWN', index, 'data.caseId', `support case "${event.data.caseId}" was never opened, so it cannot be closed`);
      }
      if (supportCase.closedAt !== null) {
        refuse('CASE_ALREADY_CLOSED', index, 'data.caseId', `support case "${event.data.caseId}" is already closed`);
      }
      return;
    }
    case 'UpsellOpened':
      if (has(s.upsells, event.data.opportunityId)) {
        refuse('DUPLICATE_UPSELL', index, 'data.opportunityId', `up-sell opportunity "${event.data.opportunityId}" was already opened`);
      }
      return;
    case 'UpsellWon':
    case 'UpsellLost': {
      const upsell = entryOf(s.upsells, event.data.opportunityId);
      if (!upsell) {
        refuse(
          'UPSELL_UNKNOWN',
          index,
          'data.opportunityId',
          `up-sell opportunity "${event.data.opportunityId}" was never opened, so it cannot be ${event.type === 'UpsellWon' ? 'won' : 'lost'}`,
        );
      }
      if (upsell.status !== 'OPEN') {
        refuse(
          'UPSELL_ALREADY_CLOSED',
          index,
          'data.opportunityId',
          `up-sell opportunity "${event.data.opportunityId}" was already ${upsell.status === 'WON' ? 'won' : 'lost'}`,
        );
      }
      return;
    }
    default:
      return;
  }
}

export function refuse(code: DomainErrorCode, index: number, field: string, reason: string): never {
  const path = `events[${index}].${field}`;
  throw new DomainError(code, `events[${index}] refused: ${reason}.`, path, index);
}
