import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decide.js';
import { DOMAIN_ERROR_CODES } from '../../src/domain/errors.js';
import { fold } from '../../src/domain/fold.js';
import { nextDeadline } from '../../src/domain/deadlines.js';
import { DAY_MS, defaultRules, parseRules } from '../../src/domain/rules.js';
import { initialState } from '../../src/domain/state.js';
import {
  at,
  churnNotice,
  contractRenewed,
  contractSigned,
  deadlineReached,
  interestWithdrawn,
  opened,
  proposalRejected,
  proposalSubmitted,
  prospectInterest,
  questionAnswered,
  questionAsked,
  reopened,
  stakeholderIntroduced,
  stanceChanged,
  supportCaseClosed,
  supportCaseOpened,
  upsellLost,
  upsellOpened,
  upsellWon,
  vendorCall,
  stored,
  vendorInterest,
} from '../support/events.js';
import { married } from '../support/fixtures.js';
import { given } from '../support/story.js';

const open = opened('2025-01-02');
const dating = [open, vendorInterest('2025-01-03'), prospectInterest('2025-01-05')];

describe('decide refuses what makes no sense, naming the event and the field', () => {
  it('NOT_OPENED: a stream starts with RelationshipOpened', () =>
    given().when(vendorInterest('2025-01-03')).refusedWith('NOT_OPENED', 'events[0].type'));

  it('ALREADY_OPENED: a relationship opens once', () =>
    given(open).when(opened('2025-01-03')).refusedWith('ALREADY_OPENED', 'events[0].type'));

  it('QUESTION_NOT_ASKED: answering a question never asked', () =>
    given(open).when(questionAnswered('q9', '2025-01-03')).refusedWith('QUESTION_NOT_ASKED', 'events[0].data.questionId'));

  it('QUESTION_ALREADY_ANSWERED: answering twice', () =>
    given(open, questionAsked('q1', '2025-01-03'), questionAnswered('q1', '2025-01-04'))
      .when(questionAnswered('q1', '2025-01-05'))
      .refusedWith('QUESTION_ALREADY_ANSWERED', 'events[0].data.questionId'));

  it('DUPLICATE_QUESTION: the same questionId asked twice', () =>
    given(open, questionAsked('q1', '2025-01-03'))
      .when(questionAsked('q1', '2025-01-04'))
      .refusedWith('DUPLICATE_QUESTION', 'events[0].data.questionId'));

  it('STAKEHOLDER_UNKNOWN: the stance of someone never introduced', () =>
    given(open)
      .when(stanceChanged('cfo', 'OPPOSED', '2025-01-03'))
      .refusedWith('STAKEHOLDER_UNKNOWN', 'events[0].data.stakeholderId'));

  it('DUPLICATE_STAKEHOLDER: introducing the same person twice', () =>
    given(open, stakeholderIntroduced('cfo', '2025-01-03'))
      .when(stakeholderIntroduced('cfo', '2025-01-04'))
      .refusedWith('DUPLICATE_STAKEHOLDER', 'events[0].data.stakeholderId'));

  it('DUPLICATE_PROPOSAL: the same proposalId twice', () =>
    given(...dating, proposalSubmitted('p1', '2025-01-10'))
      .when(proposalSubmitted('p1', '2025-01-11'))
      .refusedWith('DUPLICATE_PROPOSAL', 'events[0].data.proposalId'));

  it('PROPOSAL_UNKNOWN: rejecting a proposal never made', () =>
    given(...dating).when(proposalRejected('p9', '2025-01-10')).refusedWith('PROPOSAL_UNKNOWN', 'events[0].data.proposalId'));

  it('PROPOSAL_ALREADY_REJECTED: rejecting the same proposal again in a later cycle', () =>
    given(...dating, proposalSubmitted('p1', '2025-01-10'), proposalRejected('p1', '2025-01-11'), reopened('2025-02-01'))
      .when(proposalRejected('p1', '2025-02-02'))
      .refusedWith('PROPOSAL_ALREADY_REJECTED', 'events[0].data.proposalId'));

  it('PROPOSAL_UNKNOWN: rejecting, in a new courtship cycle, a proposal of the one that ended', () =>
    given(...dating, proposalSubmitted('old', '2025-01-10'), interestWithdrawn('2025-01-12'), reopened('2025-02-01'), proposalSubmitted('new', '2025-02-05'))
      .when(proposalRejected('old', '2025-02-06'))
      .refusedWith('PROPOSAL_UNKNOWN', 'events[0].data.proposalId'));

  it('a stored rejection of the ended cycle\'s proposal (written before that was refused) leaves the new cycle proposed', () => {
    const state = fold(
      stored([...dating, proposalSubmitted('old', '2025-01-10'), interestWithdrawn('2025-01-12'), reopened('2025-02-01'), proposalSubmitted('new', '2025-02-05'), proposalRejected('old', '2025-02-06')], 0),
      undefined,
      initialState('acme'),
    );
    expect(state).toMatchObject({ phase: 'PROPOSED', cycle: 2 });
    expect(state.proposals.old!.rejectedAt).toBe(at('2025-02-06'));
  });

  it('DUPLICATE_CONTRACT: signing the same contractId twice', () =>
    given(...married())
      .when(contractSigned('c1', '2025-04-02'))
      .refusedWith('DUPLICATE_CONTRACT', 'events[0].data.contractId'));

  it('CONTRACT_UNKNOWN: renewing a contract never signed', () =>
    given(...married()).when(contractRenewed('c9', '2025-04-02')).refusedWith('CONTRACT_UNKNOWN', 'events[0].data.contractId'));

  it('NOT_MARRIED: a churn notice before any contract', () =>
    given(...dating).when(churnNotice('2025-01-10')).refusedWith('NOT_MARRIED', 'events[0].type'));

  it('ALREADY_MARRIED: withdrawing interest after the wedding', () =>
    given(...married()).when(interestWithdrawn('2025-04-02')).refusedWith('ALREADY_MARRIED', 'events[0].type'));

  it('DUPLICATE_CASE: the same caseId opened twice', () =>
    given(...married(), supportCaseOpened('s1', '2025-04-02'))
      .when(supportCaseOpened('s1', '2025-04-03'))
      .refusedWith('DUPLICATE_CASE', 'events[0].data.caseId'));

  it('CASE_UNKNOWN: closing a case never opened', () =>
    given(...married()).when(supportCaseClosed('s9', '2025-04-02')).refusedWith('CASE_UNKNOWN', 'events[0].data.caseId'));

  it('CASE_ALREADY_CLOSED: closing a case twice', () =>
    given(...married(), supportCaseOpened('s1', '2025-04-02'), supportCaseClosed('s1', '2025-04-03'))
      .when(supportCaseClosed('s1', '2025-04-04'))
      .refusedWith('CASE_ALREADY_CLOSED', 'events[0].data.caseId'));

  it('DUPLICATE_UPSELL: the same opportunity opened twice', () =>
    given(...married(), upsellOpened('u1', '2025-04-02'))
      .when(upsellOpened('u1', '2025-04-03'))
      .refusedWith('DUPLICATE_UPSELL', 'events[0].data.opportunityId'));

  it('UPSELL_UNKNOWN: winning an opportunity never opened', () =>
    given(...married()).when(upsellWon('u9', '2025-04-02')).refusedWith('UPSELL_UNKNOWN', 'events[0].data.opportunityId'));

  it('UPSELL_ALREADY_CLOSED: losing an opportunity already won', () =>
    given(...married(), upsellOpened('u1', '2025-04-02'), upsellWon('u1', '2025-04-03'))
      .when(upsellLost('u1', '2025-04-04'))
      .refusedWith('UPSELL_ALREADY_CLOSED', 'events[0].data.opportunityId'));

  it('RELATIONSHIP_CLOSED: anything but a reopening after the end', () =>
    given(...dating, interestWithdrawn('2025-01-10'))
      .when(vendorCall('2025-01-11'))
      .refusedWith('RELATIONSHIP_CLOSED', 'events[0].type'));

  it('NOT_CLOSED: reopening a relationship that has not ended', () =>
    given(...dating).when(reopened('2025-01-10')).refusedWith('NOT_CLOSED', 'events[0].type'));

  it('OCCURRED_AT_BEFORE_OPENING: an event dated before the relationship was opened', () =>
    given(...dating).when(vendorCall('2024-12-31')).refusedWith('OCCURRED_AT_BEFORE_OPENING', 'events[0].occurredAt'));

  it('accepts an event at the same instant as the last one', () =>
    given(...dating).when(vendorCall('2025-01-05')).then({ version: 3 }));

  it('OCCURRED_AT_IN_FUTURE: more than 5 minutes after the injected clock', () => {
    const state = fold(stored(dating, 0), undefined, initialState('r'));
    const now = at('2025-02-01');
    const context = { now, rules: defaultRules };
    const atTheLimit = { ...vendorCall('2025-02-01'), occurredAt: now + 5 * 60_000 };
    expect(decide({ relationshipId: 'r', events: [atTheLimit] }, state, context)).toHaveLength(1);
    const beyond = { ...atTheLimit, occurredAt: now + 5 * 60_000 + 1 };
    expect(() => decide({ relationshipId: 'r', events: [beyond] }, state, context)).toThrow(
      expect.objectContaining({ code: 'OCCURRED_AT_IN_FUTURE', field: 'events[0].occurredAt', index: 0 }),
    );
  });

  it('DEADLINE_FORGED: a DeadlineReached when none is due', () =>
    given(...dating).when(deadlineReached('NEGLECT', '2025-01-10')).refusedWith('DEADLINE_FORGED', 'events[0].data'));

  it('DEADLINE_FORGED: the right rule at the wrong instant', () =>
    given(...dating)
      .when(deadlineReached('MOVED_ON_SILENCE', '2025-04-04'))
      .refusedWith('DEADLINE_FORGED', 'events[0].data'));

  it('accepts a DeadlineReached that is exactly the deadline due (an import of an export)', () =>
    given(...dating)
      .when(deadlineReached('MOVED_ON_SILENCE', '2025-04-05'))
      .then({ phase: 'MOVED_ON', lastChange: { cause: { kind: 'DEADLINE', rule: 'MOVED_ON_SILENCE' } } }));

  it('gives every refusal a human sentence naming the event', () => {
    const error = given(open).when(vendorCall('2025-01-03'), questionAnswered('q9', '2025-01-04')).refusedWith('QUESTION_NOT_ASKED');
    expect(error.index).toBe(1);
    expect(error.field).toBe('events[1].data.questionId');
    expect(error.message).toBe('events[1] refused: question "q9" was never asked, so it cannot be answered.');
  });

  it('has distinct codes', () => expect(new Set(DOMAIN_ERROR_CODES).size).toBe(DOMAIN_ERROR_CODES.length));
});

describe('decide over a batch', () => {
  it('checks each event against the state the batch has built so far', () => {
    const { appended, state } = given()
      .when(open, questionAsked('q1', '2025-01-03'), questionAnswered('q1', '2025-01-04'))
      .then({ version: 2 });
    expect(appended).toHaveLength(3);
    expect(state.questions.q1!.answeredAt).toBe(at('2025-01-04'));
  });

  it('refuses the whole batch on the first violation', () =>
    given(open)
      .when(vendorCall('2025-01-03'), questionAnswered('q9', '2025-01-04'), questionAnswered('q8', '2025-01-05'))
      .refusedWith('QUESTION_NOT_ASKED', 'events[1].data.questionId'));

  it('refuses an event that comes after the contract lapsed, even though the lapse was never recorded', () =>
    given(...married({ contractEnds: '2025-12-31' })).when(vendorCall('2026-01-02')).refusedWith('RELATIONSHIP_CLOSED', 'events[0].type'));

  it('returns the inserted deadline events ahead of the incoming one', () => {
    const { appended } = given(...married({ contractEnds: '2025-12-31' })).when(churnNotice('2025-07-01', 'NEGLECT')).then({
      phase: 'DIVORCED',
    });
    expect(appended).toEqual([deadlineReached('NEGLECT', '2025-05-31'), churnNotice('2025-07-01', 'NEGLECT')]);
  });

  it('leaves the state it was given untouched', () => {
    const state = Object.freeze(fold(stored(dating, 0), undefined, initialState('r')));
    const snapshot = structuredClone(state);
    decide(
      { relationshipId: 'r', events: [questionAsked('q1', '2025-01-06'), proposalSubmitted('p1', '2025-01-07')] },
      state,
      { now: at('2030-01-01'), rules: defaultRules },
    );
    expect(state).toEqual(snapshot);
  });
});

describe('deadlines fall neither early nor behind history', () => {
  const id = 'rel-1';
  const history = [opened('2025-01-01'), prospectInterest('2025-01-02')];
  const silenceEnds = at('2025-01-02') + 90 * DAY_MS;
  const stateOf = (events: typeof history) =>
    fold(
      decide({ relationshipId: id, events }, initialState(id), { now: at('2025-03-01'), rules: defaultRules }).map((event, revision) => ({
        event,
        revision,
      })),
    );

  it('refuses an event dated, within the clock skew, after a silence deadline that has not passed yet', () => {
    const now = silenceEnds - 2 * 60_000;
    const early = { ...vendorInterest('2025-01-03'), occurredAt: silenceEnds + 60_000 };
    expect(() => decide({ relationshipId: id, events: [early] }, stateOf(history), { now, rules: defaultRules })).toThrow(
      expect.objectContaining({ code: 'OCCURRED_AT_IN_FUTURE', field: 'events[0].occurredAt' }),
    );
  });

  it('refuses to record a deadline before its instant, even when sent exactly', () => {
    const now = silenceEnds - 2 * 60_000;
    const forgedEarly = deadlineReached('MOVED_ON_SILENCE', new Date(silenceEnds).toISOString());
    expect(() => decide({ relationshipId: id, events: [forgedEarly] }, stateOf(history), { now, rules: defaultRules })).toThrow(
      expect.objectContaining({ code: 'OCCURRED_AT_IN_FUTURE' }),
    );
  });

  it('under a shortened silence rule, the deadline falls at the last recorded event, never before it', () => {
    // A reference call the vendor passed, while still courting one-sidedly (no phase change).
    const testPassed = { type: 'TestPassed', occurredAt: at('2025-02-20'), actor: 'VENDOR', data: { test: 'reference call' } } as const;
    const later = [...history, testPassed];
    const shorter = parseRules({ movedOnSilenceDays: 30 });
    const due = nextDeadline(stateOf(later), shorter);
    expect(due).toEqual({ rule: 'MOVED_ON_SILENCE', at: at('2025-02-20') });
  });
});
