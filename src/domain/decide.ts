/**
 * decide: what a batch of incoming events appends to a relationship's stream.
 *
 * Each event is checked against the state as it evolves through the batch, so
 * a batch may open a relationship and then ask questions in it. The first
 * violation refuses the whole batch (DomainError, naming the event's index and
 * field). Deadlines that fall due before an incoming event are inserted before
 * it, so the log never disagrees with the rules (docs/ARCHITECTURE.md).
 */
import { deadlineEvent, nextDeadline, recordsDeadline, type Deadline } from './deadlines.js';
import { isClosedPhase, isMarriedPhase, type CourtshipEvent } from './events.js';
import { DomainError, type DomainErrorCode } from './errors.js';
import { evolve } from './evolve.js';
import { entryOf, has } from './records.js';
import type { Rules } from './rules.js';
import type { RelationshipState } from './state.js';
import { formatInstant } from './time.js';

export interface AppendCommand {
  readonly relationshipId: string;
  readonly events: readonly CourtshipEvent[];
}

export interface DecideContext {
  /** The injected clock, epoch ms. */
  readonly now: number;
  readonly rules: Rules;
}

/** How far ahead of the clock an event may claim to have happened (clock skew between systems). */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** The events to append, in order: the incoming ones, with any due DeadlineReached inserted before them. */
export function decide(command: AppendCommand, state: RelationshipState, context: DecideContext): CourtshipEvent[] {
  const out: CourtshipEvent[] = [];
  let current = state;
  const append = (event: CourtshipEvent) => {
    current = evolve(current, event, { revision: current.version + 1 });
    out.push(event);
  };
  command.events.forEach((event, index) => {
    checkTime(event, index, current, context.now);
    checkOpening(event, index, current, command.relationshipId);
    for (let due = nextDeadline(current, context.rules); due !== null && due.at <= event.occurredAt; ) {
      if (due.at > context.now) refuseAheadOfDeadline(event, index, due, context.now);
      if (recordsDeadline(event, due)) break;
      append(deadlineEvent(due));
      due = nextDeadline(current, context.rules);
    }
    checkInvariants(event, index, current, context.rules, command.relationshipId);
    append(event);
  });
  return out;
}

/**
 * An event dated within the clock-skew allowance but after a deadline that has
 * not passed yet: recording the deadline now would close the relationship
 * early, and recording the event without it would put the deadline behind it.
 */
function refuseAheadOfDeadline(event: CourtshipEvent, index: number, due: Deadline, now: number): never {
  return refuse(
    'OCCURRED_AT_IN_FUTURE',
    index,
    'occurredAt',
    `it occurred at ${formatInstant(event.occurredAt)}, after the ${due.rule} deadline (${formatInstant(due.at)}), which has not passed yet (now is ${formatInstant(now)}); send it once that time has come`,
  );
}

function checkTime(event: CourtshipEvent, index: number, s: RelationshipState, now: number): void {
  if (s.lastEventAt !== null && event.occurredAt < s.lastEventAt) {
    refuse(
      'OCCURRED_AT_BACKWARDS',
      index,
      'occurredAt',
      `it occurred at ${formatInstant(event.occurredAt)}, before the stream's last event (${formatInstant(s.lastEventAt)}); a relationship's history only moves forward`,
    );
  }
  if (event.occurredAt > now + MAX_CLOCK_SKEW_MS) {
    refuse(
      'OCCURRED_AT_IN_FUTURE',
      index,
      'occurredAt',
      `it occurred at ${formatInstant(event.occurredAt)}, more than 5 minutes after now (${formatInstant(now)}); events record what has happened`,
    );
  }
}

function checkOpening(event: CourtshipEvent, index: number, s: RelationshipState, id: string): void {
  if (s.phase === null && event.type !== 'RelationshipOpened') {
    refuse('NOT_OPENED', index, 'type', `relationship ${id} does not exist yet: its first event must be RelationshipOpened`);
  }
  if (s.phase !== null && event.type === 'RelationshipOpened') {
    refuse('ALREADY_OPENED', index, 'type', `relationship ${id} is already open; a closed one starts again with RelationshipReopened`);
  }
}

function checkInvariants(event: CourtshipEvent, index: number, s: RelationshipState, rules: Rules, id: string): void {
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

function refuse(code: DomainErrorCode, index: number, field: string, reason: string): never {
  const path = `events[${index}].${field}`;
  throw new DomainError(code, `events[${index}] refused: ${reason}.`, path, index);
}
