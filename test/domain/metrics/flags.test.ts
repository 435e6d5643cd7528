import { describe, expect, it } from 'vitest';
import type { CourtshipEvent } from '../../../src/domain/events.js';
import { riskFlags } from '../../../src/domain/metrics/flags.js';
import { asOf, day, marriedOn, mutualInterest, rules } from './timeline.js';
import { on } from '../../support/events.js';

const flagsOn = (events: readonly CourtshipEvent[], d: number) => riskFlags(asOf(events, d), day(d), rules);

describe('risk flags', () => {
  it('raises nothing on a healthy second date', () => {
    expect(flagsOn(mutualInterest(), 5)).toEqual([]);
  });

  it('flags a proposal made on the second date as premature', () => {
    const events = [...mutualInterest(), on(day(4), 'ProposalSubmitted', 'VENDOR', { proposalId: 'p1' })];
    expect(flagsOn(events, 5)).toEqual(['PREMATURE_PROPOSAL']);
  });

  it('flags a contract signed before any proposal as skipping phases', () => {
    const events = [...mutualInterest(), on(day(4), 'ContractSigned', 'PROSPECT', { contractId: 'c1' })];
    expect(flagsOn(events, 5)).toEqual(['SKIPPED_PHASES']);
  });

  it('flags a question left unanswered for more than a week', () => {
    const events = [...mutualInterest(), on(day(3), 'QuestionAsked', 'PROSPECT', { questionId: 'q1', topic: 'SECURITY' })];
    expect(flagsOn(events, 10)).toEqual([]);
    expect(flagsOn(events, 10.5)).toEqual(['UNANSWERED_QUESTIONS']);
  });

  it('uses the unanswered-question threshold the rules give', () => {
    const events = [...mutualInterest(), on(day(3), 'QuestionAsked', 'PROSPECT', { questionId: 'q1', topic: 'SECURITY' })];
    expect(riskFlags(asOf(events, 5), day(5), { ...rules, flags: { unansweredQuestionDays: 1 } })).toEqual(['UNANSWERED_QUESTIONS']);
  });

  it('flags a veto holder who opposes the deal', () => {
    const events = [
      ...mutualInterest(),
      on(day(3), 'StakeholderIntroduced', 'PROSPECT', { stakeholderId: 'cio', name: 'Lars Silva', role: 'BOSS', hasVeto: true }),
      on(day(4), 'StakeholderStanceChanged', 'PROSPECT', { stakeholderId: 'cio', stance: 'OPPOSED' }),
    ];
    expect(flagsOn(events, 5)).toEqual(['VETO_OPPOSED']);
  });

  it('does not flag an opposed stakeholder without a veto', () => {
    const events = [
      ...mutualInterest(),
      on(day(3), 'StakeholderIntroduced', 'PROSPECT', { stakeholderId: 'u1', name: 'Sam Tanaka', role: 'END_USER', hasVeto: false }),
      on(day(4), 'StakeholderStanceChanged', 'PROSPECT', { stakeholderId: 'u1', stance: 'OPPOSED' }),
    ];
    expect(flagsOn(events, 5)).toEqual([]);
  });

  it('flags a dating prospect going silent past half the moved-on deadline (45 of 90 days)', () => {
    expect(flagsOn(mutualInterest(), 2 + 45)).toEqual([]);
    expect(flagsOn(mutualInterest(), 2 + 45.5)).toEqual(['GOING_SILENT']);
  });

  it('flags a proposed prospect going silent past half the altar deadline (22.5 of 45 days)', () => {
    const events = [...mutualInterest(), on(day(5), 'ExclusivityGranted', 'PROSPECT', {}), on(day(10), 'ProposalSubmitted', 'VENDOR', { proposalId: 'p1' })];
    expect(flagsOn(events, 10 + 22)).toEqual([]);
    expect(flagsOn(events, 10 + 23)).toEqual(['GOING_SILENT']);
  });

  it('flags a vendor that stopped showing up for more than half the neglect threshold', () => {
    const events = [...marriedOn(20), on(day(25), 'InteractionLogged', 'VENDOR', { channel: 'CALL' })];
    expect(flagsOn(events, 25 + 30)).toEqual([]);
    expect(flagsOn(events, 25 + 31)).toEqual(['NEGLECT']);
  });

  it('keeps flagging neglect once the marriage is NEGLECTED', () => {
    const events = [...marriedOn(20), on(day(25), 'InteractionLogged', 'VENDOR', { channel: 'CALL' })];
    const state = asOf(events, 25 + 61);
    expect(state.phase).toBe('NEGLECTED');
    expect(riskFlags(state, day(86), rules)).toEqual(['NEGLECT']);
  });

  it('flags a customer caught talking to a rival, for the rest of the marriage', () => {
    const events = [
      ...marriedOn(20),
      on(day(30), 'CompetitorContactDetected', 'PROSPECT', { competitor: 'Rivalsoft' }),
      on(day(35), 'ContractRenewed', 'PROSPECT', { contractId: 'c1' }),
      on(day(40), 'InteractionLogged', 'VENDOR', { channel: 'BUSINESS_REVIEW' }),
    ];
    expect(asOf(events, 41).phase).toBe('MARRIED');
    expect(flagsOn(events, 41)).toEqual(['COMPETITOR_CONTACT']);
  });

  it('flags a customer cheating by asking how to cancel', () => {
    const events = [
      ...marriedOn(20),
      on(day(30), 'SupportCaseOpened', 'PROSPECT', { caseId: 'k1', severity: 'HIGH', scope: 'CANCELLATION_INQUIRY' }),
    ];
    expect(flagsOn(events, 31)).toEqual(['COMPETITOR_CONTACT']);
  });

  it('does not count rivals the prospect weighed before the marriage', () => {
    const events = [
      ...mutualInterest(),
      on(day(3), 'CompetitorEngaged', 'PROSPECT', { competitor: 'Rivalsoft' }),
      on(day(5), 'ExclusivityGranted', 'PROSPECT', {}),
      on(day(10), 'ProposalSubmitted', 'VENDOR', { proposalId: 'p1' }),
      on(day(20), 'ContractSigned', 'PROSPECT', { contractId: 'c1' }),
    ];
    expect(flagsOn(events, 21)).toEqual([]);
  });
});
