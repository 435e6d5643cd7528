/**
 * The typed mutations for frontends, one per interaction in the catalog, as a
 * table. Each row becomes an input type (`<Mutation>Input`, the common fields
 * plus the event's own) and a mutation (see resolvers/interactions.ts) that
 * appends exactly one event through the same path as `appendEvents`.
 */
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import type { Actor as ActorValue, EventType } from '../../domain/events.js';
import {
  Actor,
  Channel,
  ChurnReason,
  QuestionTopic,
  Severity,
  Stance,
  StakeholderRole,
  SupportScope,
} from '../types/enums.js';
import { DateTime } from '../types/scalars.js';

/** A type thunk as `@Field` takes it (type-graphql does not export the type). */
type TypeThunk = NonNullable<Parameters<typeof Field>[0]> & ((...args: never[]) => unknown);

type FieldSpec = {
  type: TypeThunk;
  required?: boolean;
  defaultValue?: unknown;
  description?: string;
};

/**
 * Who the event is attributed to, which the rules care about (prospect
 * silence, the vendor showing up): fixed when the catalog implies one side,
 * otherwise an `actor` argument, with a default when one side is usual.
 */
type ActorSpec = { fixed: ActorValue } | { default: ActorValue } | 'required';

export interface Interaction {
  readonly mutation: string;
  readonly eventType: Exclude<EventType, 'DeadlineReached'>;
  readonly description: string;
  readonly actor: ActorSpec;
  /** The event's data fields, named as in the catalog. */
  readonly fields: Readonly<Record<string, FieldSpec>>;
}

const id = (description?: string): FieldSpec => ({ type: () => ID, required: true, description });
const text = (required = false, description?: string): FieldSpec => ({ type: () => String, required, description });
const money: FieldSpec = { type: () => Float };
const upsell = { opportunityId: id(), amount: money, reason: text() };

export const INTERACTIONS: readonly Interaction[] = [
  {
    mutation: 'openRelationship',
    eventType: 'RelationshipOpened',
    description: 'Starts a relationship (phase ATTRACTION). The relationship id is the caller\'s choice.',
    actor: { default: 'VENDOR' },
    fields: { accountName: text(true), segment: text(), owner: text(), source: text() },
  },
  {
    mutation: 'signalInterest',
    eventType: 'InterestSignaled',
    description: 'One side shows interest; once both have, they are DATING.',
    actor: 'required',
    fields: { channel: { type: () => Channel } },
  },
  {
    mutation: 'logInteraction',
    eventType: 'InteractionLogged',
    description: 'Any contact, attributed to the side that initiated it.',
    actor: 'required',
    fields: { channel: { type: () => Channel, required: true }, purpose: text() },
  },
  {
    mutation: 'askQuestion',
    eventType: 'QuestionAsked',
    description: "The prospect's due-diligence question.",
    actor: { fixed: 'PROSPECT' },
    fields: { questionId: id(), topic: { type: () => QuestionTopic, required: true }, text: text() },
  },
  {
    mutation: 'answerQuestion',
    eventType: 'QuestionAnswered',
    description: 'The vendor answers an open question.',
    actor: { fixed: 'VENDOR' },
    fields: { questionId: id() },
  },
  {
    mutation: 'passTest',
    eventType: 'TestPassed',
    description: 'The vendor passes a qualification test (security review, reference call, pilot).',
    actor: { fixed: 'PROSPECT' },
    fields: { test: text(true), reason: text() },
  },
  {
    mutation: 'failTest',
    eventType: 'TestFailed',
    description: 'The vendor fails a qualification test.',
    actor: { fixed: 'PROSPECT' },
    fields: { test: text(true), reason: text() },
  },
  {
    mutation: 'engageCompetitor',
    eventType: 'CompetitorEngaged',
    description: 'The prospect evaluates a rival before buying.',
    actor: { fixed: 'PROSPECT' },
    fields: { competitor: text(true) },
  },
  {
    mutation: 'grantExclusivity',
    eventType: 'ExclusivityGranted',
    description: 'The prospect shortlists the vendor alone ("going steady").',
    actor: { fixed: 'PROSPECT' },
    fields: {},
  },
  {
    mutation: 'introduceStakeholder',
    eventType: 'StakeholderIntroduced',
    description: 'A member of the "family" joins the decision.',
    actor: { default: 'PROSPECT' },
    fields: {
      stakeholderId: id(),
      name: text(true),
      role: { type: () => StakeholderRole, required: true },
      hasVeto: { type: () => Boolean, required: true, defaultValue: false },
    },
  },
  {
    mutation: 'changeStakeholderStance',
    eventType: 'StakeholderStanceChanged',
    description: "A stakeholder's stance changes.",
    actor: { default: 'PROSPECT' },
    fields: { stakeholderId: id(), stance: { type: () => Stance, required: true } },
  },
  {
    mutation: 'submitProposal',
    eventType: 'ProposalSubmitted',
    description: 'Pops the question.',
    actor: { fixed: 'VENDOR' },
    fields: { proposalId: id(), amount: money, currency: text() },
  },
  {
    mutation: 'rejectProposal',
    eventType: 'ProposalRejected',
    description: 'The prospect says no: LEFT_AT_ALTAR.',
    actor: { fixed: 'PROSPECT' },
    fields: { proposalId: id(), reason: text() },
  },
  {
    mutation: 'signContract',
    eventType: 'ContractSigned',
    description: 'The marriage. Without `endsAt` the contract never lapses.',
    actor: { fixed: 'PROSPECT' },
    fields: { contractId: id(), value: money, currency: text(), endsAt: { type: () => DateTime } },
  },
  {
    mutation: 'withdrawInterest',
    eventType: 'InterestWithdrawn',
    description: 'Either side walks away before marriage: MOVED_ON (LEFT_AT_ALTAR while a proposal is pending).',
    actor: 'required',
    fields: { reason: text() },
  },
  {
    mutation: 'openSupportCase',
    eventType: 'SupportCaseOpened',
    description: 'The customer opens a support case.',
    actor: { fixed: 'PROSPECT' },
    fields: {
      caseId: id(),
      severity: { type: () => Severity, required: true },
      scope: { type: () => SupportScope, required: true },
    },
  },
  {
    mutation: 'closeSupportCase',
    eventType: 'SupportCaseClosed',
    description: 'The vendor closes a support case.',
    actor: { fixed: 'VENDOR' },
    fields: { caseId: id() },
  },
  {
    mutation: 'openUpsell',
    eventType: 'UpsellOpened',
    description: 'The vendor opens an up-sell opportunity.',
    actor: { fixed: 'VENDOR' },
    fields: upsell,
  },
  {
    mutation: 'winUpsell',
    eventType: 'UpsellWon',
    description: 'The customer buys more.',
    actor: { fixed: 'PROSPECT' },
    fields: upsell,
  },
  {
    mutation: 'loseUpsell',
    eventType: 'UpsellLost',
    description: 'The customer declines an up-sell.',
    actor: { fixed: 'PROSPECT' },
    fields: upsell,
  },
  {
    mutation: 'detectCompetitorContact',
    eventType: 'CompetitorContactDetected',
    description: 'A customer talks to a rival: CHEATING.',
    actor: { default: 'PROSPECT' },
    fields: { competitor: text(true) },
  },
  {
    mutation: 'renewContract',
    eventType: 'ContractRenewed',
    description: 'Recommitment; a new `endsAt` moves the lapse deadline.',
    actor: { fixed: 'PROSPECT' },
    fields: { contractId: id(), endsAt: { type: () => DateTime } },
  },
  {
    mutation: 'giveChurnNotice',
    eventType: 'ChurnNoticeGiven',
    description: 'Divorce filed.',
    actor: { default: 'PROSPECT' },
    fields: { reason: { type: () => ChurnReason, required: true } },
  },
  {
    mutation: 'reopenRelationship',
    eventType: 'RelationshipReopened',
    description: 'A closed relationship starts a new courtship cycle at ATTRACTION.',
    actor: { default: 'VENDOR' },
    fields: {},
  },
];

/** What a field of the catalog means, wherever it appears (a row's own description wins). */
const FIELD_DESCRIPTIONS: Readonly<Record<string, string>> = {
  accountName: 'The account, as it should be shown.',
  segment: 'Market segment, e.g. SMB or ENTERPRISE.',
  owner: 'The vendor-side owner (a sales or success rep).',
  source: 'Where the lead came from.',
  channel: 'How the contact happened.',
  purpose: 'What it was about, in a few words.',
  questionId: "The client's id of the question, unique within the relationship.",
  topic: 'What the question is about.',
  text: 'The question as the prospect put it.',
  test: 'The test, e.g. "security review", "reference call", "pilot".',
  reason: 'Why, in a few words.',
  competitor: 'The rival vendor.',
  stakeholderId: "The client's id of the stakeholder, unique within the relationship.",
  name: "The stakeholder's name.",
  role: 'Their part in the decision.',
  hasVeto: 'Whether they can block the deal on their own.',
  stance: 'The new stance.',
  proposalId: "The client's id of the proposal.",
  amount: 'Amount of money, in `currency` where given.',
  currency: 'ISO 4217 currency code, e.g. EUR.',
  contractId: "The client's id of the contract.",
  value: 'Contract value, in `currency` where given.',
  endsAt: 'When the contract ends unless renewed; absent: it never lapses.',
  caseId: "The client's id of the support case.",
  severity: "The case's severity.",
  scope: 'What the case is about.',
  opportunityId: "The client's id of the up-sell opportunity.",
};

/**
 * The fields every interaction input has, whatever the event. type-graphql
 * inherits fields only from a registered type; this one is never referenced,
 * so it stays out of the schema.
 */
@InputType('InteractionInputBase')
export abstract class InteractionInputBase {
  @Field(() => ID, { description: 'The relationship the event is appended to (its id in mutations).' })
  relationshipId!: string;

  @Field(() => DateTime, { nullable: true, description: 'Business time; defaults to now.' })
  occurredAt?: Date | null;

  @Field(() => ID, { nullable: true, description: 'A UUID for idempotent retries.' })
  eventId?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Fail with CONFLICT unless the relationship is at this version (stream revision of its last event).',
  })
  expectedVersion?: number | null;
}

export type InteractionInputValues = InteractionInputBase & { actor?: ActorValue } & Record<string, unknown>;

/** Builds the input type of one interaction from its row; call once per row. */
export function defineInputType(interaction: Interaction): Function {
  const name = `${interaction.mutation[0]!.toUpperCase()}${interaction.mutation.slice(1)}Input`;
  const InputClass = { [name]: class extends InteractionInputBase {} }[name]!;
  InputType(name, { description: interaction.description })(InputClass);
  const { actor } = interaction;
  if (actor !== 'required' && 'default' in actor) {
    Field(() => Actor, { defaultValue: actor.default, description: 'Who initiated it.' })(InputClass.prototype, 'actor');
  } else if (actor === 'required') {
    Field(() => Actor, { description: 'Who initiated it.' })(InputClass.prototype, 'actor');
  }
  for (const [key, spec] of Object.entries(interaction.fields)) {
    const description = spec.description ?? FIELD_DESCRIPTIONS[key];
    Field(spec.type, {
      nullable: !spec.required,
      ...(spec.defaultValue !== undefined ? { defaultValue: spec.defaultValue } : {}),
      ...(description ? { description } : {}),
    })(InputClass.prototype, key);
  }
  return InputClass;
}
