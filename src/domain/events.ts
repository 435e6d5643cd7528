/**
 * The event catalog: every fact Courtship records about a relationship, in the
 * essay's words (shared/PRODUCT.md, "The event catalog").
 *
 * Inside the domain, times are epoch milliseconds (UTC); the ISO 8601 strings
 * of the API and of stored payloads are converted at the edges
 * (`validation.ts`, `codec.ts`).
 */

export const PHASES = [
  'ATTRACTION',
  'DATING',
  'EXCLUSIVE',
  'PROPOSED',
  'MARRIED',
  'NEGLECTED',
  'CHEATING',
  'DIVORCED',
  'MOVED_ON',
  'LEFT_AT_ALTAR',
] as const;
export type Phase = (typeof PHASES)[number];

/** Phases that only RelationshipReopened can leave. */
export const CLOSED_PHASES = ['DIVORCED', 'MOVED_ON', 'LEFT_AT_ALTAR'] as const satisfies readonly Phase[];
export type ClosedPhase = (typeof CLOSED_PHASES)[number];

/** The courtship proper: before any proposal. */
export const COURTING_PHASES = ['ATTRACTION', 'DATING', 'EXCLUSIVE'] as const satisfies readonly Phase[];
/** Married life, including its decay. */
export const MARRIED_PHASES = ['MARRIED', 'NEGLECTED', 'CHEATING'] as const satisfies readonly Phase[];

export const ACTORS = ['VENDOR', 'PROSPECT', 'SYSTEM'] as const;
export type Actor = (typeof ACTORS)[number];

export const CHANNELS = ['CALL', 'EMAIL', 'MEETING', 'DEMO', 'EVENT', 'BUSINESS_REVIEW', 'OTHER'] as const;
export type Channel = (typeof CHANNELS)[number];

export const TOPICS = [
  'COMPANY',
  'FINANCIAL',
  'PARTNERS',
  'TECHNOLOGY',
  'PRODUCT',
  'SECURITY',
  'PRICING',
  'SUPPORT',
  'OTHER',
] as const;
export type Topic = (typeof TOPICS)[number];

export const ROLES = [
  'CHAMPION',
  'DECISION_MAKER',
  'BOSS',
  'PEER_MANAGER',
  'DEPARTMENT_HEAD',
  'PROCUREMENT',
  'END_USER',
  'OTHER',
] as const;
export type Role = (typeof ROLES)[number];

export const STANCES = ['SUPPORTIVE', 'NEUTRAL', 'OPPOSED'] as const;
export type Stance = (typeof STANCES)[number];

export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SCOPES = ['HOW_TO', 'DEFECT', 'OUTAGE', 'BILLING', 'CANCELLATION_INQUIRY', 'OTHER'] as const;
export type Scope = (typeof SCOPES)[number];

export const CHURN_REASONS = [
  'IRRECONCILABLE_DIFFERENCES',
  'PRICE',
  'PRODUCT_GAP',
  'NEGLECT',
  'COMPETITOR',
  'OTHER',
] as const;
export type ChurnReason = (typeof CHURN_REASONS)[number];

export const RISK_FLAGS = [
  'PREMATURE_PROPOSAL',
  'SKIPPED_PHASES',
  'UNANSWERED_QUESTIONS',
  'VETO_OPPOSED',
  'GOING_SILENT',
  'NEGLECT',
  'COMPETITOR_CONTACT',
] as const;
export type RiskFlag = (typeof RISK_FLAGS)[number];

/**
 * Time-based rules. The order is also the tie-break when two deadlines fall on
 * the same instant (only NEGLECT and CONTRACT_LAPSE can coincide).
 */
export const DEADLINE_RULES = ['NEGLECT', 'ALTAR_SILENCE', 'MOVED_ON_SILENCE', 'CONTRACT_LAPSE'] as const;
export type DeadlineRule = (typeof DEADLINE_RULES)[number];

/** Every event shares this envelope; `data` is specific to the type. */
export interface DomainEvent<T extends string, D> {
  readonly type: T;
  /** Business time, epoch milliseconds UTC. */
  readonly occurredAt: number;
  readonly actor: Actor;
  readonly data: D;
}

type Empty = Record<string, never>;

export type RelationshipOpened = DomainEvent<
  'RelationshipOpened',
  { accountName: string; segment?: string; owner?: string; source?: string }
>;
export type InterestSignaled = DomainEvent<'InterestSignaled', { channel?: Channel }>;
export type InteractionLogged = DomainEvent<'InteractionLogged', { channel: Channel; purpose?: string }>;
export type QuestionAsked = DomainEvent<'QuestionAsked', { questionId: string; topic: Topic; text?: string }>;
export type QuestionAnswered = DomainEvent<'QuestionAnswered', { questionId: string }>;
export type TestPassed = DomainEvent<'TestPassed', { test: string; reason?: string }>;
export type TestFailed = DomainEvent<'TestFailed', { test: string; reason?: string }>;
export type CompetitorEngaged = DomainEvent<'CompetitorEngaged', { competitor: string }>;
export type ExclusivityGranted = DomainEvent<'ExclusivityGranted', Empty>;
export type StakeholderIntroduced = DomainEvent<
  'StakeholderIntroduced',
  { stakeholderId: string; name: string; role: Role; hasVeto: boolean }
>;
export type StakeholderStanceChanged = DomainEvent<
  'StakeholderStanceChanged',
  { stakeholderId: string; stance: Stance }
>;
export type ProposalSubmitted = DomainEvent<
  'ProposalSubmitted',
  { proposalId: string; amount?: number; currency?: string }
>;
export type ProposalRejected = DomainEvent<'ProposalRejected', { proposalId: string; reason?: string }>;
export type ContractSigned = DomainEvent<
  'ContractSigned',
  /** endsAt: epoch ms; a contract without it never lapses. */
  { contractId: string; value?: number; currency?: string; endsAt?: number }
>;
export type InterestWithdrawn = DomainEvent<'InterestWithdrawn', { reason?: string }>;
export type SupportCaseOpened = DomainEvent<
  'SupportCaseOpened',
  { caseId: string; severity: Severity; scope: Scope }
>;
export type SupportCaseClosed = DomainEvent<'SupportCaseClosed', { caseId: string }>;
export interface UpsellData {
  opportunityId: string;
  amount?: number;
  reason?: string;
}
export type UpsellOpened = DomainEvent<'UpsellOpened', UpsellData>;
export type UpsellWon = DomainEvent<'UpsellWon', UpsellData>;
export type UpsellLost = DomainEvent<'UpsellLost', UpsellData>;
export type CompetitorContactDetected = DomainEvent<'CompetitorContactDetected', { competitor: string }>;
export type ContractRenewed = DomainEvent<
  'ContractRenewed',
  /** endsAt: the renewed term's end, epoch ms; absent means the renewed term has no end. */
  { contractId: string; endsAt?: number }
>;
export type ChurnNoticeGiven = DomainEvent<'ChurnNoticeGiven', { reason: ChurnReason }>;
export type RelationshipReopened = DomainEvent<'RelationshipReopened', Empty>;
/**
 * A time-based rule fell due (actor SYSTEM). `occurredAt` equals `deadline`:
 * the exact instant the rule fired. See docs/ARCHITECTURE.md.
 */
export type DeadlineReached = DomainEvent<'DeadlineReached', { rule: DeadlineRule; deadline: number }>;

export type CourtshipEvent =
  | RelationshipOpened
  | InterestSignaled
  | InteractionLogged
  | QuestionAsked
  | QuestionAnswered
  | TestPassed
  | TestFailed
  | CompetitorEngaged
  | ExclusivityGranted
  | StakeholderIntroduced
  | StakeholderStanceChanged
  | ProposalSubmitted
  | ProposalRejected
  | ContractSigned
  | InterestWithdrawn
  | SupportCaseOpened
  | SupportCaseClosed
  | UpsellOpened
  | UpsellWon
  | UpsellLost
  | CompetitorContactDetected
  | ContractRenewed
  | ChurnNoticeGiven
  | RelationshipReopened
  | DeadlineReached;

export type EventType = CourtshipEvent['type'];
export type EventOfType<T extends EventType> = Extract<CourtshipEvent, { type: T }>;

export const EVENT_TYPES = [
  'RelationshipOpened',
  'InterestSignaled',
  'InteractionLogged',
  'QuestionAsked',
  'QuestionAnswered',
  'TestPassed',
  'TestFailed',
  'CompetitorEngaged',
  'ExclusivityGranted',
  'StakeholderIntroduced',
  'StakeholderStanceChanged',
  'ProposalSubmitted',
  'ProposalRejected',
  'ContractSigned',
  'InterestWithdrawn',
  'SupportCaseOpened',
  'SupportCaseClosed',
  'UpsellOpened',
  'UpsellWon',
  'UpsellLost',
  'CompetitorContactDetected',
  'ContractRenewed',
  'ChurnNoticeGiven',
  'RelationshipReopened',
  'DeadlineReached',
] as const satisfies readonly EventType[];

/** An event as read back from its stream: the revision is what phase-history causes point to. */
export interface StoredEvent {
  readonly event: CourtshipEvent;
  /** 0-based stream revision. */
  readonly revision: number;
  /** Opaque global position (encoded), when known. */
  readonly position?: string;
  /** Epoch ms: when the store recorded it (record time), when known. */
  readonly recordedAt?: number;
}

export function isClosedPhase(phase: Phase): phase is ClosedPhase {
  return phase === 'DIVORCED' || phase === 'MOVED_ON' || phase === 'LEFT_AT_ALTAR';
}

export function isCourtingPhase(phase: Phase): boolean {
  return phase === 'ATTRACTION' || phase === 'DATING' || phase === 'EXCLUSIVE';
}

export function isMarriedPhase(phase: Phase): boolean {
  return phase === 'MARRIED' || phase === 'NEGLECTED' || phase === 'CHEATING';
}
