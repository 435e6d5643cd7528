/**
 * The worked example of docs/DECAY.md, as events. Day 0 is the signing
 * (Monday 6 January 2025, 09:00 UTC); the courtship before it is negative days.
 */
import type { CourtshipEvent } from '../../../src/domain/events.js';
import { day } from './timeline.js';
import { on } from '../../support/events.js';

export const decayExample: CourtshipEvent[] = [
  on(day(-40), 'RelationshipOpened', 'VENDOR', { accountName: 'Globex Retail' }),
  on(day(-39), 'InterestSignaled', 'VENDOR', {}),
  on(day(-38), 'InterestSignaled', 'PROSPECT', {}),
  on(day(-30), 'StakeholderIntroduced', 'PROSPECT', { stakeholderId: 'cfo', name: 'Maria Nguyen', role: 'DECISION_MAKER', hasVeto: true }),
  on(day(-25), 'StakeholderStanceChanged', 'PROSPECT', { stakeholderId: 'cfo', stance: 'SUPPORTIVE' }),
  on(day(-20), 'ExclusivityGranted', 'PROSPECT', {}),
  on(day(-10), 'ProposalSubmitted', 'VENDOR', { proposalId: 'p1', amount: 90_000, currency: 'EUR' }),
  on(day(0), 'ContractSigned', 'PROSPECT', { contractId: 'c1', value: 90_000, currency: 'EUR', endsAt: day(730) }),
  // The honeymoon: a vendor touchpoint every two weeks, one how-to question, an up-sell won.
  on(day(7), 'InteractionLogged', 'VENDOR', { channel: 'CALL' }),
  on(day(20), 'SupportCaseOpened', 'PROSPECT', { caseId: 'k1', severity: 'LOW', scope: 'HOW_TO' }),
  on(day(21), 'InteractionLogged', 'VENDOR', { channel: 'BUSINESS_REVIEW' }),
  on(day(21), 'SupportCaseClosed', 'VENDOR', { caseId: 'k1' }),
  on(day(35), 'InteractionLogged', 'VENDOR', { channel: 'CALL' }),
  on(day(40), 'UpsellOpened', 'VENDOR', { opportunityId: 'u1', amount: 20_000 }),
  on(day(49), 'InteractionLogged', 'VENDOR', { channel: 'MEETING' }),
  on(day(60), 'UpsellWon', 'PROSPECT', { opportunityId: 'u1' }),
  on(day(63), 'InteractionLogged', 'VENDOR', { channel: 'CALL' }),
  on(day(77), 'InteractionLogged', 'VENDOR', { channel: 'BUSINESS_REVIEW' }),
  // Then the vendor stops calling, and the customer cools.
  on(day(90), 'UpsellOpened', 'VENDOR', { opportunityId: 'u2', amount: 30_000 }),
  on(day(95), 'StakeholderIntroduced', 'PROSPECT', { stakeholderId: 'cio', name: 'Kofi Haddad', role: 'BOSS', hasVeto: true }),
  on(day(100), 'SupportCaseOpened', 'PROSPECT', { caseId: 'k2', severity: 'HIGH', scope: 'DEFECT' }),
  on(day(110), 'SupportCaseOpened', 'PROSPECT', { caseId: 'k3', severity: 'CRITICAL', scope: 'OUTAGE' }),
  on(day(112), 'SupportCaseClosed', 'VENDOR', { caseId: 'k3' }),
  on(day(115), 'UpsellLost', 'PROSPECT', { opportunityId: 'u2', reason: 'no budget' }),
  on(day(119), 'CompetitorContactDetected', 'PROSPECT', { competitor: 'Rivalsoft' }),
];

/** The instant the example is scored at: day 126, eighteen weeks after the signing. */
export const exampleDay = 126;
