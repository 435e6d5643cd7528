/**
 * evolve: how each fact changes a relationship (shared/PRODUCT.md, "Phases and
 * the rules that derive them").
 *
 * evolve is total: it never throws, whatever the phase. `decide` is where
 * events that make no sense are refused; a stored event is a fact, and a
 * "what if" replay under other rules may meet facts in phases the recorded
 * rules never produced (they are then recorded without a phase change).
 */
import {
  isClosedPhase,
  isCourtingPhase,
  isMarriedPhase,
  type CourtshipEvent,
  type DeadlineReached,
  type Phase,
} from './events.js';
import { Draft } from './draft.js';
import { entryOf, has } from './records.js';
import type { CycleMilestones, EventFlag, RelationshipState, TransitionCause } from './state.js';

/** Where an event sits in its stream. Omitted for events that are not stored (virtual deadlines). */
export interface EventPosition {
  readonly revision: number;
  readonly position?: string;
}

/** Applies one event to a state and returns the new state; the given state is left untouched. */
export function evolve(state: RelationshipState, event: CourtshipEvent, at?: EventPosition): RelationshipState {
  const next = { ...state };
  apply(new Draft(next, false), event, at);
  return next;
}

/**
 * The fold's fast path: writes `state` in place. Only for a caller that owns
 * `state` and every one of its collections (see `ownedCopy`).
 */
export function evolveInPlace(state: RelationshipState, event: CourtshipEvent, at?: EventPosition): void {
  apply(new Draft(state, true), event, at);
}

function apply(draft: Draft, event: CourtshipEvent, at: EventPosition | undefined): void {
  const s = draft.state;
  const phaseBefore = s.phase;
  // Folded in business order, a late fact's revision can be below the state's.
  if (at && at.revision > s.version) s.version = at.revision;
  s.lastEventAt = event.occurredAt;
  if (event.actor === 'PROSPECT') s.lastProspectActivityAt = event.occurredAt;
  else if (event.actor === 'VENDOR') s.lastVendorActivityAt = event.occurredAt;

  const cause: TransitionCause = eventCause(event, at);
  const t = event.occurredAt;

  switch (event.type) {
    case 'RelationshipOpened':
      if (s.phase === null) openRelationship(draft, event);
      break;
    case 'InterestSignaled':
    case 'InteractionLogged':
      if (event.actor === 'VENDOR') s.vendorInterested = true;
      if (event.actor === 'PROSPECT') s.prospectInterested = true;
      if (s.phase === 'ATTRACTION' && s.vendorInterested && s.prospectInterested) {
        enterPhase(draft, 'DATING', t, cause);
      }
      if (event.type === 'InteractionLogged' && event.actor === 'VENDOR' && s.phase !== null && isMarriedPhase(s.phase)) {
        draft.push('vendorTouchpoints', { at: t, channel: event.data.channel });
      }
      break;
    case 'QuestionAsked':
      if (!has(s.questions, event.data.questionId)) {
        draft.put('questions', event.data.questionId, {
          topic: event.data.topic,
          text: event.data.text ?? null,
          askedAt: t,
          answeredAt: null,
          cycle: s.cycle,
        });
      }
      break;
    case 'QuestionAnswered': {
      const question = entryOf(s.questions, event.data.questionId);
      if (question && question.answeredAt === null) {
        draft.put('questions', event.data.questionId, { ...question, answeredAt: t });
      }
      break;
    }
    case 'TestPassed':
    case 'TestFailed':
      draft.push('tests', {
        test: event.data.test,
        passed: event.type === 'TestPassed',
        reason: event.data.reason ?? null,
        at: t,
        cycle: s.cycle,
      });
      break;
    case 'CompetitorEngaged':
      draft.push('competitorsEngaged', { competitor: event.data.competitor, at: t, cycle: s.cycle });
      break;
    case 'ExclusivityGranted':
      // The brief moves only DATING to EXCLUSIVE: granted earlier, it is recorded but skips nothing.
      if (s.exclusivityGrantedAt === null) s.exclusivityGrantedAt = t;
      if (s.phase === 'DATING') enterPhase(draft, 'EXCLUSIVE', t, cause);
      break;
    case 'StakeholderIntroduced':
      if (!has(s.stakeholders, event.data.stakeholderId)) {
        draft.put('stakeholders', event.data.stakeholderId, {
          name: event.data.name,
          role: event.data.role,
          hasVeto: event.data.hasVeto,
          stance: 'NEUTRAL',
          introducedAt: t,
          stanceChangedAt: null,
          cycle: s.cycle,
        });
      }
      break;
    case 'StakeholderStanceChanged': {
      const stakeholder = entryOf(s.stakeholders, event.data.stakeholderId);
      if (stakeholder) {
        draft.put('stakeholders', event.data.stakeholderId, {
          ...stakeholder,
          stance: event.data.stance,
          stanceChangedAt: t,
        });
      }
      break;
    }
    case 'ProposalSubmitted':
      popTheQuestion(draft, event.data, t, cause);
      break;
    case 'ProposalRejected': {
      const proposal = entryOf(s.proposals, event.data.proposalId);
      if (!proposal || proposal.rejectedAt !== null) break;
      const reason = event.data.reason ?? null;
      draft.put('proposals', event.data.proposalId, { ...proposal, rejectedAt: t, rejectionReason: reason });
      // Only this cycle's proposal ends this cycle (decide refuses the others; a stored one is recorded, no more).
      if (s.phase === 'PROPOSED' && proposal.cycle === s.cycle) {
        s.rejectionReason = reason;
        enterPhase(draft, 'LEFT_AT_ALTAR', t, cause);
      }
      break;
    }
    case 'ContractSigned':
      marry(draft, event.data, t, cause);
      break;
    case 'InterestWithdrawn':
      // Walking away from a pending proposal is leaving the vendor at the altar.
      if (s.phase !== null && (isCourtingPhase(s.phase) || s.phase === 'PROPOSED')) {
        s.withdrawalReason = event.data.reason ?? null;
        enterPhase(draft, s.phase === 'PROPOSED' ? 'LEFT_AT_ALTAR' : 'MOVED_ON', t, cause);
      }
      break;
    case 'SupportCaseOpened':
      if (!has(s.supportCases, event.data.caseId)) {
        draft.put('supportCases', event.data.caseId, {
          openedAt: t,
          severity: event.data.severity,
          scope: event.data.scope,
          closedAt: null,
          cycle: s.cycle,
        });
      }
      if (event.data.scope === 'CANCELLATION_INQUIRY') startCheating(draft, t, cause);
      break;
    case 'SupportCaseClosed': {
      const supportCase = entryOf(s.supportCases, event.data.caseId);
      if (supportCase && supportCase.closedAt === null) {
        draft.put('supportCases', event.data.caseId, { ...supportCase, closedAt: t });
      }
      break;
    }
    case 'UpsellOpened':
      if (!has(s.upsells, event.data.opportunityId)) {
        draft.put('upsells', event.data.opportunityId, {
          openedAt: t,
          status: 'OPEN',
          closedAt: null,
          amount: event.data.amount ?? null,
          reason: event.data.reason ?? null,
          cycle: s.cycle,
        });
      }
      break;
    case 'UpsellWon':
    case 'UpsellLost': {
      const upsell = entryOf(s.upsells, event.data.opportunityId);
      if (upsell && upsell.status === 'OPEN') {
        draft.put('upsells', event.data.opportunityId, {
          ...upsell,
          status: event.type === 'UpsellWon' ? 'WON' : 'LOST',
          closedAt: t,
          amount: event.data.amount ?? upsell.amount,
          reason: event.data.reason ?? upsell.reason,
        });
      }
      if (event.type === 'UpsellWon' && s.phase === 'CHEATING') enterPhase(draft, 'MARRIED', t, cause);
      break;
    }
    case 'CompetitorContactDetected':
      draft.push('competitorContacts', { competitor: event.data.competitor, at: t, cycle: s.cycle });
      startCheating(draft, t, cause);
      break;
    case 'ContractRenewed': {
      const contract = entryOf(s.contracts, event.data.contractId);
      if (contract) {
        draft.put('contracts', event.data.contractId, {
          ...contract,
          endsAt: event.data.endsAt ?? null,
          renewedAt: [...contract.renewedAt, t],
        });
        s.contractEndsAt = currentContractEnd(s);
      }
      if (s.phase === 'CHEATING') enterPhase(draft, 'MARRIED', t, cause);
      break;
    }
    case 'ChurnNoticeGiven':
      if (s.phase !== null && isMarriedPhase(s.phase)) {
        s.churnReason = event.data.reason;
        enterPhase(draft, 'DIVORCED', t, cause);
      }
      break;
    case 'RelationshipReopened':
      if (s.phase !== null && isClosedPhase(s.phase)) startNewCycle(draft, t, cause);
      break;
    case 'DeadlineReached':
      applyDeadline(draft, event);
      break;
    default:
      assertNever(event);
  }

  // "NEGLECTED → MARRIED: the vendor shows up again", unless the event itself moved the phase.
  if (event.actor === 'VENDOR' && phaseBefore === 'NEGLECTED' && s.phase === 'NEGLECTED') {
    enterPhase(draft, 'MARRIED', t, cause);
  }
}

function openRelationship(draft: Draft, event: Extract<CourtshipEvent, { type: 'RelationshipOpened' }>): void {
  const s = draft.state;
  const t = event.occurredAt;
  s.accountName = event.data.accountName;
  s.segment = event.data.segment ?? null;
  s.owner = event.data.owner ?? null;
  s.source = event.data.source ?? null;
  s.openedAt = t;
  s.cycle = 1;
  s.cycleStartedAt = t;
  s.phase = 'ATTRACTION';
  s.phaseSince = t;
  draft.push('cycles', newCycle(1, t));
}

/** → PROPOSED from any earlier phase; premature from ATTRACTION/DATING, with open questions or an opposed veto. */
function popTheQuestion(
  draft: Draft,
  data: { proposalId: string; amount?: number; currency?: string },
  t: number,
  cause: TransitionCause,
): void {
  const s = draft.state;
  if (has(s.proposals, data.proposalId)) return;
  const beforeMarriage = s.phase !== null && (isCourtingPhase(s.phase) || s.phase === 'PROPOSED');
  const premature =
    beforeMarriage && (s.phase === 'ATTRACTION' || s.phase === 'DATING' || hasOpenQuestions(s) || hasOpposedVeto(s));
  draft.put('proposals', data.proposalId, {
    submittedAt: t,
    amount: data.amount ?? null,
    currency: data.currency ?? null,
    premature,
    rejectedAt: null,
    rejectionReason: null,
    cycle: s.cycle,
  });
  const milestones = currentCycle(s);
  if (milestones && milestones.firstProposalAt === null) {
    draft.replaceAt('cycles', s.cycle - 1, { ...milestones, firstProposalAt: t });
  }
  if (premature) addFlag(draft, 'PREMATURE_PROPOSAL');
  if (s.phase !== null && isCourtingPhase(s.phase)) enterPhase(draft, 'PROPOSED', t, cause);
}

/**
 * → MARRIED on a signed contract, from any open phase (a new contract also
 * ends NEGLECTED or CHEATING); from before PROPOSED it skipped phases.
 */
function marry(
  draft: Draft,
  data: { contractId: string; value?: number; currency?: string; endsAt?: number },
  t: number,
  cause: TransitionCause,
): void {
  const s = draft.state;
  if (!has(s.contracts, data.contractId)) {
    draft.put('contracts', data.contractId, {
      signedAt: t,
      value: data.value ?? null,
      currency: data.currency ?? null,
      endsAt: data.endsAt ?? null,
      renewedAt: [],
      cycle: s.cycle,
    });
    s.contractEndsAt = currentContractEnd(s);
  }
  if (s.phase === null || s.phase === 'MARRIED' || isClosedPhase(s.phase)) return;
  if (isCourtingPhase(s.phase)) addFlag(draft, 'SKIPPED_PHASES');
  const milestones = currentCycle(s);
  if (milestones && milestones.marriedAt === null) {
    draft.replaceAt('cycles', s.cycle - 1, { ...milestones, marriedAt: t });
  }
  enterPhase(draft, 'MARRIED', t, cause);
}

/** MARRIED / NEGLECTED → CHEATING. */
function startCheating(draft: Draft, t: number, cause: TransitionCause): void {
  const phase = draft.state.phase;
  if (phase === 'MARRIED' || phase === 'NEGLECTED') enterPhase(draft, 'CHEATING', t, cause);
}

function startNewCycle(draft: Draft, t: number, cause: TransitionCause): void {
  const s = draft.state;
  s.cycle += 1;
  s.cycleStartedAt = t;
  s.vendorInterested = false;
  s.prospectInterested = false;
  s.exclusivityGrantedAt = null;
  s.contractEndsAt = null;
  s.vendorTouchpoints = [];
  s.flags = [];
  s.churnReason = null;
  s.withdrawalReason = null;
  s.rejectionReason = null;
  draft.push('cycles', newCycle(s.cycle, t));
  enterPhase(draft, 'ATTRACTION', t, cause);
}

/** The phase a time-based rule leads to, when the current phase is one it watches. */
function applyDeadline(draft: Draft, event: DeadlineReached): void {
  const phase = draft.state.phase;
  if (phase === null) return;
  const cause: TransitionCause = { kind: 'DEADLINE', rule: event.data.rule };
  const t = event.occurredAt;
  switch (event.data.rule) {
    case 'NEGLECT':
      if (phase === 'MARRIED') enterPhase(draft, 'NEGLECTED', t, cause);
      return;
    case 'ALTAR_SILENCE':
      if (phase === 'PROPOSED') enterPhase(draft, 'LEFT_AT_ALTAR', t, cause);
      return;
    case 'MOVED_ON_SILENCE':
      if (isCourtingPhase(phase)) enterPhase(draft, 'MOVED_ON', t, cause);
      return;
    case 'CONTRACT_LAPSE':
      if (isMarriedPhase(phase)) enterPhase(draft, 'DIVORCED', t, cause);
      return;
    default:
      assertNever(event.data.rule);
  }
}

function enterPhase(draft: Draft, to: Phase, at: number, cause: TransitionCause): void {
  const s = draft.state;
  if (s.phase === null || s.phase === to) return;
  draft.push('phaseHistory', { from: s.phase, to, at, cycle: s.cycle, cause });
  s.phase = to;
  s.phaseSince = at;
  if (to === 'DIVORCED' || to === 'MOVED_ON' || to === 'LEFT_AT_ALTAR') {
    const milestones = currentCycle(s);
    if (milestones) draft.replaceAt('cycles', s.cycle - 1, { ...milestones, endedAt: at, outcome: to });
  }
}

function eventCause(event: CourtshipEvent, at: EventPosition | undefined): TransitionCause {
  if (event.type === 'DeadlineReached') return { kind: 'DEADLINE', rule: event.data.rule };
  if (!at) return { kind: 'EVENT', eventType: event.type, revision: null };
  return at.position === undefined
    ? { kind: 'EVENT', eventType: event.type, revision: at.revision }
    : { kind: 'EVENT', eventType: event.type, revision: at.revision, position: at.position };
}

function addFlag(draft: Draft, flag: EventFlag): void {
  if (!draft.state.flags.includes(flag)) draft.push('flags', flag);
}

function newCycle(cycle: number, startedAt: number): CycleMilestones {
  return { cycle, startedAt, firstProposalAt: null, marriedAt: null, endedAt: null, outcome: null };
}

function currentCycle(s: RelationshipState): CycleMilestones | undefined {
  return s.cycles[s.cycle - 1];
}

export function hasOpenQuestions(s: RelationshipState): boolean {
  for (const id in s.questions) if (s.questions[id]!.answeredAt === null) return true;
  return false;
}

export function hasOpposedVeto(s: RelationshipState): boolean {
  for (const id in s.stakeholders) {
    const stakeholder = s.stakeholders[id]!;
    if (stakeholder.hasVeto && stakeholder.stance === 'OPPOSED') return true;
  }
  return false;
}

/** The latest end among the current cycle's contracts; null when none was signed or one never ends. */
function currentContractEnd(s: RelationshipState): number | null {
  let end: number | null = null;
  for (const id in s.contracts) {
    const contract = s.contracts[id]!;
    if (contract.cycle !== s.cycle) continue;
    if (contract.endsAt === null) return null;
    if (end === null || contract.endsAt > end) end = contract.endsAt;
  }
  return end;
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
