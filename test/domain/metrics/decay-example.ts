/**
 * The worked example of docs/DECAY.md, as events. Day 0 is the signing
 * (Monday 6 January 2025, 09:00 UTC); the courtship before it is negative days.
 */
import type { CourtshipEvent } from '../../../src/domain/events.js';
import { day, on } from './timeline.js';

export const decayExample: CourtshipEvent[] = [
  on(-40, 'RelationshipOpened', 'VENDOR', { accountName: 'Globex Retail' }),
  on(-39, 'InterestSignaled', 'VENDOR', {}),
  on(-38, 'InterestSignaled', 'PROSPECT', {}),
  on(-30, 'StakeholderIntroduced', 'PROSPECT', { stakeholderId: 'cfo', name: 'Maria Nguyen', role: 'DECISION_MAKER', hasVeto: true }),
  on(-25, 'StakeholderStanceChanged', 'PROSPECT', { stakeholderId: 'cfo', stance: 'SUPPORTIVE' }),
  on(-20, 'ExclusivityGranted', 'PROSPECT', {}),
  on(-10, 'ProposalSubmitted', 'VENDOR', { proposalId: 'p1', amount: 90_000, currency: 'EUR' }),
  on(0, 'ContractSigned', 'PROSPECT', { contractId: 'c1', value: 90_000, currency: 'EUR', endsAt: day(730) }),
  // The honeymoon: a vendor touchpoint every two weeks, one how-to question, an up-sell won.
  on(7, 'InteractionLogged', 'VENDOR', { channel: 'CALL' }),
  on(20, 'SupportCaseOpened', 'PROSPECT', { caseId: 'k1', severity: 'LOW', scope: 'HOW_TO' }),
  on(21, 'InteractionLogged', 'VENDOR', { channel: 'BUSINESS_REVIEW' }),
  on(21, 'SupportCaseClosed', 'VENDOR', { caseId: 'k1' }),
  on(35, 'InteractionLogged', 'VENDOR', { channel: 'CALL' }),
  on(40, 'UpsellOpened', 'VENDOR', { opportunityId: 'u1', amount: 20_000 }),
  on(49, 'InteractionLogged', 'VENDOR', { channel: 'MEETING' }),
  on(60, 'UpsellWon', 'PROSPECT', { opportunityId: 'u1' }),
  on(63, 'InteractionLogged', 'VENDOR', { channel: 'CALL' }),
  on(77, 'InteractionLogged', 'VENDOR', { channel: 'BUSINESS_REVIEW' }),
  // Then the vendor stops calling, and the customer cools.
  on(90, 'UpsellOpened', 'VENDOR', { opportunityId: 'u2', amount: 30_000 }),
  on(95, 'StakeholderIntroduced', 'PROSPECT', { stakeholderId: 'cio', name: 'Kofi Haddad', role: 'BOSS', hasVeto: true }),
  on(100, 'SupportCaseOpened', 'PROSPECT', { caseId: 'k2', severity: 'HIGH', scope: 'DEFECT' }),
  on(110, 'SupportCaseOpened', 'PROSPECT', { caseId: 'k3', severity: 'CRITICAL', scope: 'OUTAGE' }),
  on(112, 'SupportCaseClosed', 'VENDOR', { caseId: 'k3' }),
  on(115, 'UpsellLost', 'PROSPECT', { opportunityId: 'u2', reason: 'no budget' }),
  on(119, 'CompetitorContactDetected', 'PROSPECT', { competitor: 'Rivalsoft' }),
];

/** The instant the example is scored at: day 126, eighteen weeks after the signing. */
export const exampleDay = 126;
