/**
 * Runtime schemas of each event's `data`, at its current schema version, as
 * clients send it (instants are ISO 8601 strings; the schemas turn them into
 * epoch ms). Objects are strict: a misspelled field is refused by name rather
 * than silently dropped.
 */
import { z } from 'zod';
import {
  CHANNELS,
  CHURN_REASONS,
  DEADLINE_RULES,
  ROLES,
  SCOPES,
  SEVERITIES,
  STANCES,
  TOPICS,
  type EventOfType,
  type EventType,
} from './events.js';
import { parseInstant } from './time.js';

const id = z.string().min(1).max(128);
const label = z.string().min(1).max(200);
const text = z.string().max(10_000);
const amount = z.number().finite().nonnegative();
const currency = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code such as EUR');

/** ISO 8601 with a zone → epoch ms. */
export const instant = z.string().transform((value, ctx) => {
  const ms = parseInstant(value);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 date-time with a zone, e.g. 2025-03-01T09:30:00Z' });
    return z.NEVER;
  }
  return ms;
});

const upsell = z.strictObject({ opportunityId: id, amount: amount.optional(), reason: text.optional() });
const empty = z.strictObject({});

export const DATA_SCHEMAS = {
  RelationshipOpened: z.strictObject({
    accountName: label,
    segment: label.optional(),
    owner: label.optional(),
    source: label.optional(),
  }),
  InterestSignaled: z.strictObject({ channel: z.enum(CHANNELS).optional() }),
  InteractionLogged: z.strictObject({ channel: z.enum(CHANNELS), purpose: text.optional() }),
  QuestionAsked: z.strictObject({ questionId: id, topic: z.enum(TOPICS), text: text.optional() }),
  QuestionAnswered: z.strictObject({ questionId: id }),
  TestPassed: z.strictObject({ test: label, reason: text.optional() }),
  TestFailed: z.strictObject({ test: label, reason: text.optional() }),
  CompetitorEngaged: z.strictObject({ competitor: label }),
  ExclusivityGranted: empty,
  StakeholderIntroduced: z.strictObject({
    stakeholderId: id,
    name: label,
    role: z.enum(ROLES),
    hasVeto: z.boolean(),
  }),
  StakeholderStanceChanged: z.strictObject({ stakeholderId: id, stance: z.enum(STANCES) }),
  ProposalSubmitted: z.strictObject({ proposalId: id, amount: amount.optional(), currency: currency.optional() }),
  ProposalRejected: z.strictObject({ proposalId: id, reason: text.optional() }),
  ContractSigned: z.strictObject({
    contractId: id,
    value: amount.optional(),
    currency: currency.optional(),
    endsAt: instant.optional(),
  }),
  InterestWithdrawn: z.strictObject({ reason: text.optional() }),
  SupportCaseOpened: z.strictObject({ caseId: id, severity: z.enum(SEVERITIES), scope: z.enum(SCOPES) }),
  SupportCaseClosed: z.strictObject({ caseId: id }),
  UpsellOpened: upsell,
  UpsellWon: upsell,
  UpsellLost: upsell,
  CompetitorContactDetected: z.strictObject({ competitor: label }),
  ContractRenewed: z.strictObject({ contractId: id, endsAt: instant.optional() }),
  ChurnNoticeGiven: z.strictObject({ reason: z.enum(CHURN_REASONS) }),
  RelationshipReopened: empty,
  DeadlineReached: z.strictObject({ rule: z.enum(DEADLINE_RULES), deadline: instant }),
} satisfies { [T in EventType]: z.ZodType<EventOfType<T>['data']> };

/** Data fields holding instants: ISO strings outside, epoch ms inside. */
export const INSTANT_FIELDS: Partial<Record<EventType, readonly string[]>> = {
  ContractSigned: ['endsAt'],
  ContractRenewed: ['endsAt'],
  DeadlineReached: ['deadline'],
};
