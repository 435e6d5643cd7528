/**
 * The one way to build events in tests, in the essay's words.
 *
 * - Named builders for a story: `opened('2025-01-02')`,
 *   `proposalSubmitted('p1', '2025-03-01')`, `contractSigned('c1', T0 + days(3))`…
 * - `on(when, type, actor, data)` for any event with exactly the data a test
 *   needs (typed by the event type).
 * - `stored(events)`: the events as a stream holds them (with revisions), for
 *   the domain's folds.
 * - `eventInput(type, occurredAt, actor, data)`: an event as a caller sends it
 *   to the command service, unchecked (so a test can send what must be refused).
 *
 * A date (`When`) reads as in a diary: '2025-02-10' is midnight UTC that day;
 * a full ISO string works too, and so do epoch milliseconds (`T0 + days(3)`).
 * Named courtships (the married one…) are in fixtures.ts; recording events in
 * a store the way the API does is in record.ts.
 */
import type { EventInput } from '../../src/app/commands.js';
import type {
  Actor,
  Channel,
  ChurnReason,
  CourtshipEvent,
  DeadlineRule,
  EventOfType,
  EventType,
  Scope,
  Severity,
  Stance,
  StoredEvent,
} from '../../src/domain/events.js';

export const DAY = 24 * 60 * 60 * 1000;

/** `n` days in milliseconds (fractions allowed). */
export const days = (n: number): number => Math.round(n * DAY);

/** A date in a test: 'YYYY-MM-DD' (midnight UTC), a full ISO string, or epoch milliseconds. */
export type When = string | number;

/** A default instant for stories told in offsets: Monday 6 January 2025, 09:00 UTC. */
export const T0 = Date.parse('2025-01-06T09:00:00.000Z');

export function at(date: When): number {
  if (typeof date === 'number') return date;
  const ms = Date.parse(date.length === 10 ? `${date}T00:00:00Z` : date);
  if (Number.isNaN(ms)) throw new Error(`bad date in a test: ${date}`);
  return ms;
}

/** Any event: on `date`, `actor` did `type`, with `data`. */
export function on<T extends EventType>(date: When, type: T, actor: Actor, data: EventOfType<T>['data']): CourtshipEvent {
  return { type, occurredAt: at(date), actor, data } as CourtshipEvent;
}

/** The events as their stream holds them: revisions from `firstRevision` (0) on. */
export function stored(events: readonly CourtshipEvent[], firstRevision = 0): StoredEvent[] {
  return events.map((event, i) => ({ event, revision: firstRevision + i }));
}

/** An event as a caller sends it (the API's EventInput): nothing checked; a number `occurredAt` is sent as ISO. */
export function eventInput(
  type: string,
  occurredAt: When,
  actor: string,
  data: unknown = {},
  extra: { readonly eventId?: string; readonly metadata?: unknown } = {},
): EventInput {
  const instant = typeof occurredAt === 'number' ? new Date(occurredAt).toISOString() : occurredAt;
  return { type, occurredAt: instant, actor, data, ...extra };
}

/** Opened by the vendor; `account` adds to or replaces the account's data (segment ENTERPRISE unless said). */
export const opened = (date: When, accountName = 'Acme Corp', account: Omit<EventOfType<'RelationshipOpened'>['data'], 'accountName'> = {}): CourtshipEvent => ({
  type: 'RelationshipOpened',
  occurredAt: at(date),
  actor: 'VENDOR',
  data: { accountName, segment: 'ENTERPRISE', ...account },
});

export const interestFrom = (actor: Actor, date: When): CourtshipEvent => ({
  type: 'InterestSignaled',
  occurredAt: at(date),
  actor,
  data: {},
});
export const vendorInterest = (date: When) => interestFrom('VENDOR', date);
export const prospectInterest = (date: When) => interestFrom('PROSPECT', date);

export const interaction = (actor: Actor, date: When, channel: Channel = 'MEETING'): CourtshipEvent => ({
  type: 'InteractionLogged',
  occurredAt: at(date),
  actor,
  data: { channel },
});
export const vendorCall = (date: When) => interaction('VENDOR', date, 'CALL');
export const prospectCall = (date: When) => interaction('PROSPECT', date, 'CALL');

export const questionAsked = (questionId: string, date: When): CourtshipEvent => ({
  type: 'QuestionAsked',
  occurredAt: at(date),
  actor: 'PROSPECT',
  data: { questionId, topic: 'SECURITY' },
});
export const questionAnswered = (questionId: string, date: When): CourtshipEvent => ({
  type: 'QuestionAnswered',
  occurredAt: at(date),
  actor: 'VENDOR',
  data: { questionId },
});

export const stakeholderIntroduced = (
  stakeholderId: string,
  date: When,
  hasVeto = true,
): CourtshipEvent => ({
  type: 'StakeholderIntroduced',
  occurredAt: at(date),
  actor: 'PROSPECT',
  data: { stakeholderId, name: `Person ${stakeholderId}`, role: 'DEPARTMENT_HEAD', hasVeto },
});
export const stanceChanged = (stakeholderId: string, stance: Stance, date: When): CourtshipEvent => ({
  type: 'StakeholderStanceChanged',
  occurredAt: at(date),
  actor: 'PROSPECT',
  data: { stakeholderId, stance },
});

export const exclusivityGranted = (date: When): CourtshipEvent => ({
  type: 'ExclusivityGranted',
  occurredAt: at(date),
  actor: 'PROSPECT',
  data: {},
});

export const proposalSubmitted = (proposalId: string, date: When): CourtshipEvent => ({
  type: 'ProposalSubmitted',
  occurredAt: at(date),
  actor: 'VENDOR',
  data: { proposalId, amount: 120_000, currency: 'EUR' },
});
export const proposalRejected = (proposalId: string, date: When): CourtshipEvent => ({
  type: 'ProposalRejected',
  occurredAt: at(date),
  actor: 'PROSPECT',
  data: { proposalId, reason: 'budget frozen' },
});

export const contractSigned = (contractId: string, date: When, endsAt?: When): CourtshipEvent => ({
  type: 'ContractSigned',
  occurredAt: at(date),
  actor: 'PROSPECT',
  data: endsAt === undefined ? { contractId, value: 100_000, currency: 'EUR' } : { contractId, endsAt: at(endsAt) },
});
export const contractRenewed = (contractId: string, date: When, endsAt?: When): CourtshipEvent => ({
  type: 'ContractRenewed',
  occurredAt: at(date),
  actor: 'PROSPECT',
  data: endsAt === undefined ? { contractId } : { contractId, endsAt: at(endsAt) },
});

export const interestWithdrawn = (date: When, actor: Actor = 'PROSPECT'): CourtshipEvent => ({
  type: 'InterestWithdrawn',
  occurredAt: at(date),
  actor,
  data: { reason: 'went another way' },
});

export const supportCaseOpened = (
  caseId: string,
  date: When,
  scope: Scope = 'HOW_TO',
  severity: Severity = 'LOW',
): CourtshipEvent => ({
  type: 'SupportCaseOpened',
  occurredAt: at(date),
  actor: 'PROSPECT',
  data: { caseId, severity, scope },
});
export const supportCaseClosed = (caseId: string, date: When): CourtshipEvent => ({
  type: 'SupportCaseClosed',
  occurredAt: at(date),
  actor: 'VENDOR',
  data: { caseId },
});

export const upsellOpened = (opportunityId: string, date: When): CourtshipEvent => ({
  type: 'UpsellOpened',
  occurredAt: at(date),
  actor: 'VENDOR',
  data: { opportunityId, amount: 20_000 },
});
export const upsellWon = (opportunityId: string, date: When): CourtshipEvent => ({
  type: 'UpsellWon',
  occurredAt: at(date),
  actor: 'PROSPECT',
  data: { opportunityId },
});
export const upsellLost = (opportunityId: string, date: When): CourtshipEvent => ({
  type: 'UpsellLost',
  occurredAt: at(date),
  actor: 'PROSPECT',
  data: { opportunityId },
});

export const competitorContact = (date: When, competitor = 'Rival Inc'): CourtshipEvent => ({
  type: 'CompetitorContactDetected',
  occurredAt: at(date),
  actor: 'SYSTEM',
  data: { competitor },
});

export const churnNotice = (date: When, reason: ChurnReason = 'IRRECONCILABLE_DIFFERENCES'): CourtshipEvent => ({
  type: 'ChurnNoticeGiven',
  occurredAt: at(date),
  actor: 'PROSPECT',
  data: { reason },
});

export const reopened = (date: When): CourtshipEvent => ({
  type: 'RelationshipReopened',
  occurredAt: at(date),
  actor: 'VENDOR',
  data: {},
});

export const deadlineReached = (rule: DeadlineRule, date: When): CourtshipEvent => ({
  type: 'DeadlineReached',
  occurredAt: at(date),
  actor: 'SYSTEM',
  data: { rule, deadline: at(date) },
});
