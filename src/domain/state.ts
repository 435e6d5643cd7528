/**
 * The state of one relationship, as `evolve` folds it from its stream.
 *
 * Plain JSON-serialisable data (times are epoch ms, absent values are `null`,
 * no Maps, no Dates), because projections store it and "as of" replays compare
 * it. Treat a state as immutable: `evolve` returns a new object and shares
 * every part it did not change.
 */
import type {
  Channel,
  ChurnReason,
  DeadlineRule,
  EventType,
  Phase,
  Role,
  Scope,
  Severity,
  Stance,
  StoredEvent,
  Topic,
} from './events.js';

/** Why a phase changed: an event of the stream, or a time-based rule. */
export type TransitionCause =
  | {
      kind: 'EVENT';
      eventType: EventType;
      /** Stream revision of the event; null when it was applied without one (not stored). */
      revision: number | null;
      /** Opaque global position of the event, when known. */
      position?: string;
    }
  | { kind: 'DEADLINE'; rule: DeadlineRule };

export interface PhaseChange {
  from: Phase;
  to: Phase;
  /** Epoch ms: the event's occurredAt, or the exact deadline instant. */
  at: number;
  /** The cycle the change belongs to (a reopening belongs to the new cycle). */
  cycle: number;
  cause: TransitionCause;
  /**
   * Epoch ms: when this change became known (the record time of the event
   * whose recording made it part of the history). Absent for changes derived
   * at read time (a deadline due but not recorded yet) and in folds of events
   * without record times.
   */
  recordedAt?: number;
}

export interface Question {
  topic: Topic;
  /** The question as the prospect put it, when recorded. */
  text: string | null;
  askedAt: number;
  answeredAt: number | null;
  cycle: number;
}

export interface Stakeholder {
  name: string;
  role: Role;
  hasVeto: boolean;
  /** NEUTRAL until a StakeholderStanceChanged says otherwise. */
  stance: Stance;
  introducedAt: number;
  stanceChangedAt: number | null;
  cycle: number;
}

export interface TestResult {
  test: string;
  passed: boolean;
  reason: string | null;
  at: number;
  cycle: number;
}

export interface CompetitorSighting {
  competitor: string;
  at: number;
  cycle: number;
}

export interface Proposal {
  submittedAt: number;
  amount: number | null;
  currency: string | null;
  /** Made from ATTRACTION/DATING, with open questions, or with a veto holder OPPOSED. */
  premature: boolean;
  rejectedAt: number | null;
  rejectionReason: string | null;
  cycle: number;
}

export interface Contract {
  signedAt: number;
  value: number | null;
  currency: string | null;
  /** Current end of term (moved by renewals); null: never lapses. */
  endsAt: number | null;
  renewedAt: number[];
  cycle: number;
}

export interface SupportCase {
  openedAt: number;
  severity: Severity;
  scope: Scope;
  closedAt: number | null;
  cycle: number;
}

export type UpsellStatus = 'OPEN' | 'WON' | 'LOST';

export interface Upsell {
  openedAt: number;
  status: UpsellStatus;
  closedAt: number | null;
  amount: number | null;
  reason: string | null;
  cycle: number;
}

/** What happened in one courtship cycle; `cycles[n - 1]` is cycle n. */
export interface CycleMilestones {
  cycle: number;
  startedAt: number;
  firstProposalAt: number | null;
  marriedAt: number | null;
  /** When the cycle reached a closed phase, and which. */
  endedAt: number | null;
  outcome: 'DIVORCED' | 'MOVED_ON' | 'LEFT_AT_ALTAR' | null;
}

/** Flags that events carry (the other risk flags are derived by the metrics). */
export type EventFlag = 'PREMATURE_PROPOSAL' | 'SKIPPED_PHASES';

export interface RelationshipState {
  id: string;
  accountName: string | null;
  segment: string | null;
  owner: string | null;
  source: string | null;
  openedAt: number | null;

  /** 1-based courtship cycle; 0 before RelationshipOpened. */
  cycle: number;
  cycleStartedAt: number | null;
  /** null before RelationshipOpened. */
  phase: Phase | null;
  phaseSince: number | null;
  phaseHistory: PhaseChange[];

  /** Stream revision of the last stored event applied; -1 before any. */
  version: number;
  /** occurredAt of the last event applied in business order (deadlines included). */
  lastEventAt: number | null;
  /**
   * Recorded DeadlineReached events dated after the last applied event that
   * the history does not support (a late fact broke the silence): they do not
   * count, unless an event before them makes them due again (domain/history.ts).
   */
  skippedDeadlines: StoredEvent[];

  /** Mutual interest markers for the current cycle. */
  vendorInterested: boolean;
  prospectInterested: boolean;
  /** Last event whose actor is PROSPECT / VENDOR, any cycle. */
  lastProspectActivityAt: number | null;
  lastVendorActivityAt: number | null;

  /** Ids are unique for the life of the stream, across cycles. */
  questions: Record<string, Question>;
  stakeholders: Record<string, Stakeholder>;
  tests: TestResult[];
  competitorsEngaged: CompetitorSighting[];
  /** When the prospect went steady in the current cycle. */
  exclusivityGrantedAt: number | null;
  proposals: Record<string, Proposal>;
  contracts: Record<string, Contract>;
  /**
   * When the current cycle's contracts run out: the latest endsAt among them,
   * null when none was signed or one has no end. Drives CONTRACT_LAPSE.
   */
  contractEndsAt: number | null;
  supportCases: Record<string, SupportCase>;
  upsells: Record<string, Upsell>;
  /** Customers talking to rivals (CompetitorContactDetected). */
  competitorContacts: CompetitorSighting[];
  /** Vendor-initiated InteractionLogged since the current cycle's marriage, with channel. */
  vendorTouchpoints: { at: number; channel: Channel }[];

  cycles: CycleMilestones[];
  /** Event-carried flags of the current cycle. */
  flags: EventFlag[];

  /** Why the current cycle ended, by outcome. */
  churnReason: ChurnReason | null;
  withdrawalReason: string | null;
  rejectionReason: string | null;
}

/** The state of a stream with no events yet. */
export function initialState(id: string): RelationshipState {
  return {
    id,
    accountName: null,
    segment: null,
    owner: null,
    source: null,
    openedAt: null,
    cycle: 0,
    cycleStartedAt: null,
    phase: null,
    phaseSince: null,
    phaseHistory: [],
    version: -1,
    lastEventAt: null,
    skippedDeadlines: [],
    vendorInterested: false,
    prospectInterested: false,
    lastProspectActivityAt: null,
    lastVendorActivityAt: null,
    questions: {},
    stakeholders: {},
    tests: [],
    competitorsEngaged: [],
    exclusivityGrantedAt: null,
    proposals: {},
    contracts: {},
    contractEndsAt: null,
    supportCases: {},
    upsells: {},
    competitorContacts: [],
    vendorTouchpoints: [],
    cycles: [],
    flags: [],
    churnReason: null,
    withdrawalReason: null,
    rejectionReason: null,
  };
}
