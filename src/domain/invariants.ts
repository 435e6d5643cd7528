/**
 * The rules `decide` enforces on each event, against the state just before it
 * (shared/PRODUCT.md: events that refer to something unknown, events after a
 * closed phase, a forged deadline…).
 *
 * One entry per event type in INVARIANTS, typed over every type: a new event
 * type does not compile until someone decides its invariants (`none` when it
 * has none). The refusals' texts are in refusals.ts, keyed by code.
 */
import { nextDeadline, recordsDeadline } from './deadlines.js';
import { isClosedPhase, isMarriedPhase, type CourtshipEvent, type EventOfType, type EventType } from './events.js';
import { entryOf, has } from './records.js';
import { refuse } from './refusals.js';
import type { Rules } from './rules.js';
import type { RelationshipState } from './state.js';


/** What an invariant checks an event against. */
interface Checked<T extends EventType> {
  readonly event: EventOfType<T>;
  readonly index: number;
  readonly s: RelationshipState;
  readonly rules: Rules;
  readonly id: string;
}

type Invariant<T extends EventType> = (checked: Checked<T>) => void;

/** An event type that any open relationship may record. */
const none = (): void => {};

const INVARIANTS = {
  RelationshipOpened: none,
  InterestSignaled: none,
  InteractionLogged: none,
  TestPassed: none,
  TestFailed: none,
  CompetitorEngaged: none,
  ExclusivityGranted: none,
  CompetitorContactDetected: none,
  RelationshipReopened: ({ index, s, id }) => {
    if (s.phase !== null && !isClosedPhase(s.phase)) refuse('NOT_CLOSED', index, 'type', { id, phase: s.phase });
  },
  DeadlineReached: ({ event, index, s, rules, id }) => {
    const due = nextDeadline(s, rules);
    if (due === null || !recordsDeadline(event, due)) refuse('DEADLINE_FORGED', index, 'data', { id, due });
  },
  QuestionAsked: ({ event, index, s }) => {
    const { questionId } = event.data;
    if (has(s.questions, questionId)) refuse('DUPLICATE_QUESTION', index, 'data.questionId', { questionId });
  },
  QuestionAnswered: ({ event, index, s }) => {
    const { questionId } = event.data;
    const question = entryOf(s.questions, questionId);
    if (!question) refuse('QUESTION_NOT_ASKED', index, 'data.questionId', { questionId });
    if (question.answeredAt !== null) {
      refuse('QUESTION_ALREADY_ANSWERED', index, 'data.questionId', { questionId, answeredAt: question.answeredAt });
    }
  },
  StakeholderIntroduced: ({ event, index, s }) => {
    const { stakeholderId } = event.data;
    if (has(s.stakeholders, stakeholderId)) refuse('DUPLICATE_STAKEHOLDER', index, 'data.stakeholderId', { stakeholderId });
  },
  StakeholderStanceChanged: ({ event, index, s }) => {
    const { stakeholderId } = event.data;
    if (!has(s.stakeholders, stakeholderId)) refuse('STAKEHOLDER_UNKNOWN', index, 'data.stakeholderId', { stakeholderId });
  },
  ProposalSubmitted: ({ event, index, s }) => {
    const { proposalId } = event.data;
    if (has(s.proposals, proposalId)) refuse('DUPLICATE_PROPOSAL', index, 'data.proposalId', { proposalId });
  },
  ProposalRejected: ({ event, index, s }) => {
    const { proposalId } = event.data;
    const proposal = entryOf(s.proposals, proposalId);
    if (!proposal) refuse('PROPOSAL_UNKNOWN', index, 'data.proposalId', { proposalId, earlierCycle: false });
    if (proposal.rejectedAt !== null) refuse('PROPOSAL_ALREADY_REJECTED', index, 'data.proposalId', { proposalId });
    if (proposal.cycle !== s.cycle) refuse('PROPOSAL_UNKNOWN', index, 'data.proposalId', { proposalId, earlierCycle: true });
  },
  ContractSigned: ({ event, index, s }) => {
    const { contractId } = event.data;
    if (has(s.contracts, contractId)) refuse('DUPLICATE_CONTRACT', index, 'data.contractId', { contractId });
  },
  ContractRenewed: ({ event, index, s, id }) => {
    const { contractId } = event.data;
    const contract = entryOf(s.contracts, contractId);
    if (!contract || contract.cycle !== s.cycle) refuse('CONTRACT_UNKNOWN', index, 'data.contractId', { contractId });
    if (s.phase === null || !isMarriedPhase(s.phase)) refuse('NOT_MARRIED', index, 'type', { id, phase: s.phase, type: event.type });
  },
  InterestWithdrawn: ({ index, s, id }) => {
    if (s.phase !== null && isMarriedPhase(s.phase)) refuse('ALREADY_MARRIED', index, 'type', { id, phase: s.phase });
  },
  ChurnNoticeGiven: ({ event, index, s, id }) => {
    if (s.phase === null || !isMarriedPhase(s.phase)) refuse('NOT_MARRIED', index, 'type', { id, phase: s.phase, type: event.type });
  },
  SupportCaseOpened: ({ event, index, s }) => {
    const { caseId } = event.data;
    if (has(s.supportCases, caseId)) refuse('DUPLICATE_CASE', index, 'data.caseId', { caseId });
  },
  SupportCaseClosed: ({ event, index, s }) => {
    const { caseId } = event.data;
    const supportCase = entryOf(s.supportCases, caseId);
    if (!supportCase) refuse('CASE_UNKNOWN', index, 'data.caseId', { caseId });
    if (supportCase.closedAt !== null) refuse('CASE_ALREADY_CLOSED', index, 'data.caseId', { caseId });
  },
  UpsellOpened: ({ event, index, s }) => {
    const { opportunityId } = event.data;
    if (has(s.upsells, opportunityId)) refuse('DUPLICATE_UPSELL', index, 'data.opportunityId', { opportunityId });
  },
  UpsellWon: ({ event, index, s }) => checkUpsellClosing(event, index, s),
  UpsellLost: ({ event, index, s }) => checkUpsellClosing(event, index, s),
} satisfies { readonly [T in EventType]: Invariant<T> };

function checkUpsellClosing(event: EventOfType<'UpsellWon' | 'UpsellLost'>, index: number, s: RelationshipState): void {
  const { opportunityId } = event.data;
  const upsell = entryOf(s.upsells, opportunityId);
  if (!upsell) refuse('UPSELL_UNKNOWN', index, 'data.opportunityId', { opportunityId, type: event.type });
  if (upsell.status !== 'OPEN') refuse('UPSELL_ALREADY_CLOSED', index, 'data.opportunityId', { opportunityId, status: upsell.status });
}

export function checkOpening(event: CourtshipEvent, index: number, s: RelationshipState, id: string): void {
  if (s.phase === null && event.type !== 'RelationshipOpened') refuse('NOT_OPENED', index, 'type', { id });
  if (s.phase !== null && event.type === 'RelationshipOpened') refuse('ALREADY_OPENED', index, 'type', { id });
}

export function checkInvariants(event: CourtshipEvent, index: number, s: RelationshipState, rules: Rules, id: string): void {
  if (s.phase !== null && isClosedPhase(s.phase) && event.type !== 'RelationshipReopened') {
    refuse('RELATIONSHIP_CLOSED', index, 'type', { id, phase: s.phase });
  }
  (INVARIANTS[event.type] as Invariant<EventType>)({ event, index, s, rules, id });
}
