/**
 * Events in the essay's words, for stories. Dates read as in a diary:
 * '2025-02-10' is midnight UTC that day; a full ISO string works too.
 */
import type {
  Actor,
  Channel,
  ChurnReason,
  CourtshipEvent,
  DeadlineRule,
  Scope,
  Severity,
  Stance,
} from '../../src/domain/events.js';

export const DAY = 24 * 60 * 60 * 1000;

export function at(date: string): number {
  const ms = Date.parse(date.length === 10 ? `${date}T00:00:00Z` : date);
  if (Number.isNaN(ms)) throw new Error(`bad date in a test: ${date}`);
  return ms;
}

export const opened = (date: string, accountName = 'Acme Corp'): CourtshipEvent => ({
  type: 'RelationshipOpened',
  occurredAt: at(date),
  actor: 'VENDOR',
  data: { accountName, segment: 'ENTERPRISE' },
});

export const interestFrom = (actor: Actor, date: string): CourtshipEvent => ({
  type: 'InterestSignaled',
  occurredAt: at(date),
  actor,
  data: {},
});
export const vendorInterest = (date: string) => interestFrom('VENDOR', date);
export const prospectInterest = (date: string) => interestFrom('PROSPECT', date);

export const interaction = (actor: Actor, date: string, channel: Channel = 'MEETING'): CourtshipEvent => ({
  type: 'InteractionLogged',
  occurredAt: at(date),
  actor,
  data: { channel },
});
export const vendorCall = (date: string) => interaction('VENDOR', date, 'CALL');
export const prospectCall = (date: string) => interaction('PROSPECT', date, 'CALL');

export const questionAsked = (questionId: string, date: string): CourtshipEvent => ({
  type: 'QuestionAsked',
  occurredAt: at(date),
  actor: 'PROSPECT',
  data: { questionId, topic: 'SECURITY' },
});
export const questionAnswered = (questionId: string, date: string): CourtshipEvent => ({
  type: 'QuestionAnswered',
  occurredAt: at(date),
  actor: 'VENDOR',
  data: { questionId },
});

export const stakeholderIntroduced = (
  stakeholderId: string,
  date: string,
  hasVeto = true,
): CourtshipEvent => ({
  type: 'StakeholderIntroduced',
  occurredAt: at(date),
  actor: 'PROSPECT',
  data: { stakeholderId, name: `Person ${stakeholderId}`, role: 'DEPARTMENT_HEAD', hasVeto },
});
export const stanceChanged = (stakeholderId: string, stance: Stance, date: string): CourtshipEvent => ({
  type: 'StakeholderStanceChanged',
  occurredAt: at(date),
  actor: 'PROSPECT',
  data: { stakeholderId, stance },
});

export const exclusivityGranted = (date: string): CourtshipEvent => ({
  type: 'ExclusivityGranted',
  occurredAt: at(date),
  actor: 'PROSPECT',
  data: {},
});

export const proposalSubmitted = (proposalId: string, date: string): CourtshipEvent => ({
  type: 'ProposalSubmitted',
  occurredAt: at(date),
  actor: 'VENDOR',
  data: { proposalId, amount: 120_000, currency: 'EUR' },
});
export const proposalRejected = (proposalId: string, date: string): CourtshipEvent => ({
  type: 'ProposalRejected',
  occurredAt: at(date),
  actor: 'PROSPECT',
  data: { proposalId, reason: 'budget frozen' },
});

export const contractSigned = (contractId: string, date: string, endsAt?: string): CourtshipEvent => ({
  type: 'ContractSigned',
  occurredAt: at(date),
  actor: 'PROSPECT',
  data: endsAt === undefined ? { contractId, value: 100_000, currency: 'EUR' } : { contractId, endsAt: at(endsAt) },
});
export const contractRenewed = (contractId: string, date: string, endsAt?: string): CourtshipEvent => ({
  type: 'ContractRenewed',
  occurredAt: at(date),
  actor: 'PROSPECT',
  data: endsAt === undefined ? { contractId } : { contractId, endsAt: at(endsAt) },
});

export const interestWithdrawn = (date: string, actor: Actor = 'PROSPECT'): CourtshipEvent => ({
  type: 'InterestWithdrawn',
  occurredAt: at(date),
  actor,
  data: { reason: 'went another way' },
});

export const supportCaseOpened = (
  caseId: string,
  date: string,
  scope: Scope = 'HOW_TO',
  severity: Severity = 'LOW',
): CourtshipEvent => ({
  type: 'SupportCaseOpened',
  occurredAt: at(date),
  actor: 'PROSPECT',
  data: { caseId, severity, scope },
});
export const supportCaseClosed = (caseId: string, date: string): CourtshipEvent => ({
  type: 'SupportCaseClosed',
  occurredAt: at(date),
  actor: 'VENDOR',
  data: { caseId },
});

export const upsellOpened = (opportunityId: string, date: string): CourtshipEvent => ({
  type: 'UpsellOpened',
  occurredAt: at(date),
  actor: 'VENDOR',
  data: { opportunityId, amount: 20_000 },
});
export const upsellWon = (opportunityId: string, date: string): CourtshipEvent => ({
  type: 'UpsellWon',
  occurredAt: at(date),
  actor: 'PROSPECT',
  data: { opportunityId },
});
export const upsellLost = (opportunityId: string, date: string): CourtshipEvent => ({
  type: 'UpsellLost',
  occurredAt: at(date),
  actor: 'PROSPECT',
  data: { opportunityId },
});

export const competitorContact = (date: string, competitor = 'Rival Inc'): CourtshipEvent => ({
  type: 'CompetitorContactDetected',
  occurredAt: at(date),
  actor: 'SYSTEM',
  data: { competitor },
});

export const churnNotice = (date: string, reason: ChurnReason = 'IRRECONCILABLE_DIFFERENCES'): CourtshipEvent => ({
  type: 'ChurnNoticeGiven',
  occurredAt: at(date),
  actor: 'PROSPECT',
  data: { reason },
});

export const reopened = (date: string): CourtshipEvent => ({
  type: 'RelationshipReopened',
  occurredAt: at(date),
  actor: 'VENDOR',
  data: {},
});

export const deadlineReached = (rule: DeadlineRule, date: string): CourtshipEvent => ({
  type: 'DeadlineReached',
  occurredAt: at(date),
  actor: 'SYSTEM',
  data: { rule, deadline: at(date) },
});

/** A courtship that reached marriage on 2025-04-01 by the book (no flags). */
export const marriedByTheBook = (contractEnd?: string): CourtshipEvent[] => [
  opened('2025-01-02'),
  vendorInterest('2025-01-03'),
  prospectInterest('2025-01-05'),
  exclusivityGranted('2025-02-01'),
  proposalSubmitted('p1', '2025-03-01'),
  contractSigned('c1', '2025-04-01', contractEnd),
];
