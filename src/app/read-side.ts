/**
 * What the read side offers the API, the CLI and the subscriptions.
 *
 * The projector (src/projections) implements `ReadSide`; the GraphQL resolvers
 * (src/graphql) and the command service (src/app/commands.ts) use it. Times are
 * epoch milliseconds; positions are bigint inside and opaque strings outside.
 */
import type { RelationshipState } from '../domain/state.js';
import type { Phase, RiskFlag } from '../domain/events.js';
import type { ClockFlagThresholds } from '../domain/metrics/flags.js';
import type { AnalyticsScope, GroupBy } from '../analytics/cohort.js';
import type { DecaySummary } from '../analytics/decay.js';
import type { DurationStats } from '../analytics/durations.js';
import type { Funnel } from '../analytics/funnel.js';
import type { EndedWindow, OutcomeCount } from '../analytics/outcomes.js';
import type { CohortRetention, RetentionCohortBy } from '../analytics/retention.js';

/* ---------------------------------------------------------------- filters */
/** One operator object per field, as frontends know them (Prisma/Hasura style). */
export interface StringFilter {
  eq?: string;
  ne?: string;
  in?: string[];
  notIn?: string[];
  contains?: string;
  /** true: the field is null/absent; false: it is set. */
  isNull?: boolean;
}
export interface EnumFilter<T extends string> {
  eq?: T;
  ne?: T;
  in?: T[];
  notIn?: T[];
}
export interface NumberFilter {
  eq?: number;
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  isNull?: boolean;
}
/** Bounds are epoch milliseconds. */
export type TimeFilter = NumberFilter;

export type DecayStatus = 'IMPROVING' | 'STABLE' | 'DECAYING';

export interface RelationshipFilter {
  id?: StringFilter;
  accountName?: StringFilter;
  phase?: EnumFilter<Phase>;
  segment?: StringFilter;
  owner?: StringFilter;
  source?: StringFilter;
  cycle?: NumberFilter;
  /**
   * Decay status now (or as of the query instant); relationships before
   * marriage have none, nor do divorced ones unless `includeEnded` (then the
   * status their marriage ended with).
   */
  decayStatus?: EnumFilter<DecayStatus> & { isNull?: boolean; includeEnded?: boolean };
  /** Current cycle's time to proposal, in days (fractional). */
  timeToProposalDays?: NumberFilter;
  timeToMarriageDays?: NumberFilter;
  /** occurredAt of the relationship's last event. */
  updatedAt?: TimeFilter;
  /** occurredAt of the RelationshipOpened event. */
  openedAt?: TimeFilter;
  phaseSince?: TimeFilter;
  /** Relationships carrying (some / all of) these risk flags. */
  flags?: { has?: RiskFlag; hasAny?: RiskFlag[]; hasAll?: RiskFlag[]; isEmpty?: boolean };
  and?: RelationshipFilter[];
  or?: RelationshipFilter[];
  not?: RelationshipFilter;
}

export type RelationshipOrderField =
  | 'ID'
  | 'ACCOUNT_NAME'
  | 'PHASE'
  | 'PHASE_SINCE'
  | 'UPDATED_AT'
  | 'OPENED_AT'
  | 'TIME_TO_PROPOSAL'
  | 'DECAY_SCORE';
export interface RelationshipOrder {
  field: RelationshipOrderField;
  direction: 'ASC' | 'DESC';
}

/* ------------------------------------------------------------- read rows */
export interface RelationshipRow {
  readonly tenant: string;
  readonly id: string;
  /**
   * Fold of the recorded events (deadlines included once recorded). A row
   * that carries `columns` reads it from the file on first use.
   */
  readonly state: RelationshipState;
  /** Global position of the last event applied to this relationship. */
  readonly position: bigint;
  /** What the list table holds of the same recorded state, when the row was read from it: served without reading `state`. */
  readonly columns?: RelationshipColumns;
}

/**
 * The recorded state's values a list filters, orders and shows, as the
 * read model's list table keeps them (no state to parse). They are the
 * values at any instant T past `updatedAt` while no deadline is due
 * (`stableUntil` null or after T), the risk flags being `standingFlags`
 * plus each clock flag whose threshold T is past (`flagsRaisedAt`); from
 * `stableUntil` on, only the state (deadlines applied) says.
 */
export interface RelationshipColumns {
  readonly tenant: string;
  readonly id: string;
  readonly accountName: string | null;
  readonly segment: string | null;
  readonly owner: string | null;
  readonly source: string | null;
  readonly openedAt: number | null;
  readonly phase: Phase | null;
  readonly phaseSince: number | null;
  readonly cycle: number;
  /** Stream revision of the last event. */
  readonly version: number;
  readonly position: bigint;
  /** occurredAt of the last event. */
  readonly updatedAt: number | null;
  readonly standingFlags: readonly RiskFlag[];
  readonly clockFlagThresholds: ClockFlagThresholds;
  /** The next deadline's instant (null: none): the values hold before it only. */
  readonly stableUntil: number | null;
}

/** Whether the columns are the relationship's values at `at` (no deadline due by then). */
export function columnsHoldAt(columns: RelationshipColumns, at: number): boolean {
  return columns.stableUntil === null || columns.stableUntil > at;
}

/** One string per relationship of any tenant, for maps (NUL never appears in tenant ids). */
export function relationshipKey(tenant: string, id: string): string {
  return `${tenant}\u0000${id}`;
}

/**
 * The instant a row is evaluated at: the query's, or the row's last event when
 * that is later (a next page evaluated at its first page's instant, for a row
 * written since; an event dated a few minutes ahead of the clock), so a row is
 * never described before its own events.
 */
export function evaluationInstant(row: RelationshipRow, at: number): number {
  const last = row.columns ? row.columns.updatedAt : row.state.lastEventAt;
  return last !== null && last > at ? last : at;
}

export interface Page<T> {
  readonly items: readonly { cursor: string; node: T }[];
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
  readonly startCursor: string | null;
  readonly endCursor: string | null;
  readonly totalCount: number;
}

/**
 * Which page of a list: the `first` items after `after` (forwards), or the
 * `last` items before `before` (backwards); exactly one of `first` and `last`.
 * Cursors are opaque strings from an earlier page of the same list.
 */
export interface PageRequest {
  readonly first?: number;
  readonly after?: string;
  readonly last?: number;
  readonly before?: string;
}

/** A page of events; unlike a page of relationships it has no total (counting would read the whole log). */
export interface EventPage {
  readonly items: readonly { cursor: string; node: LoggedEvent }[];
  readonly hasNextPage: boolean;
  /** Where the next page starts: the last event's cursor, or how far a scan that found too few went. */
  readonly endCursor: string | null;
  /** A backwards page of the log: whether events lie before it (or its scan stopped at its budget). */
  readonly hasPreviousPage?: boolean;
  /** A backwards page of the log: where the previous page ends, the first event's cursor or how far its scan went. */
  readonly startCursor?: string | null;
}

/**
 * Which page of the log: the `first` events after `after` (forwards), or the
 * `last` events before `before` (backwards); either bound may be given both ways.
 */
export type EventLogQuery = { after?: bigint; before?: bigint; filter?: EventLogFilter } & (
  | { first: number; last?: undefined }
  | { last: number; first?: undefined }
);

export interface PhaseChangeRecord {
  readonly tenant: string;
  readonly relationshipId: string;
  readonly from: Phase | null;
  readonly to: Phase;
  readonly at: number;
  readonly cycle: number;
  readonly cause:
    | { kind: 'EVENT'; eventType: string; revision: number; position: string }
    | { kind: 'DEADLINE'; rule: string; revision: number; position: string };
  /**
   * Position of the event whose recording delivered it (for a correction, the
   * late fact); with `seq`, the change's cursor.
   */
  readonly position: bigint;
  /** Its rank among the changes one event delivered (a late fact may deliver several). */
  readonly seq: number;
  /** True when a late fact took this transition back: it no longer holds. */
  readonly retracted: boolean;
  /** The late fact whose recording re-derived the history (this item is part of the correction); null otherwise. */
  readonly correctedBy: { eventType: string; revision: number; position: string } | null;
  /** Epoch ms: when the event at `position` was recorded. */
  readonly recordedAt: number;
}

/** Where a phase-change feed stands: after the change `seq` of the event at `position` (every one of them when seq is null). */
export interface PhaseChangeCursor {
  readonly position: bigint;
  readonly seq: number | null;
}

export interface LoggedEvent {
  readonly tenant: string;
  readonly relationshipId: string;
  readonly position: bigint;
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: number;
  readonly actor: 'VENDOR' | 'PROSPECT' | 'SYSTEM';
  readonly data: unknown;
  readonly metadata: Record<string, unknown> | null;
  readonly recordedAt: number;
}

/** One relationship's page of events, as `listRelationshipEvents` takes it. */
export interface RelationshipEventsRequest {
  readonly id: string;
  readonly afterRevision?: number;
  readonly first: number;
}

export interface EventLogFilter {
  types?: string[];
  actors?: ('VENDOR' | 'PROSPECT' | 'SYSTEM')[];
  relationshipIds?: string[];
  occurredFrom?: number;
  occurredTo?: number;
}

/** What the projector announces after each commit. */
export interface AppliedNotice {
  readonly phaseChanges: readonly PhaseChangeRecord[];
  /**
   * The events applied, in log order; null when they were applied in bulk
   * (a long catch-up) without being listed: read them from the log.
   */
  readonly events: readonly LoggedEvent[] | null;
  /** Each relationship the batch changed, in its new state. */
  readonly rows: readonly RelationshipRow[];
  /** Position of the last event applied. */
  readonly checkpoint: bigint;
}

/* -------------------------------------------------------------- analytics */
/** Which statistic (docs/ANALYTICS.md), with its own arguments. */
export type AnalyticsQuestion =
  | { readonly kind: 'FUNNEL'; readonly groupBy: GroupBy }
  | { readonly kind: 'TIME_TO_PROPOSAL'; readonly groupBy: GroupBy }
  | { readonly kind: 'TIME_TO_MARRIAGE'; readonly groupBy: GroupBy }
  | { readonly kind: 'DECAY' }
  | { readonly kind: 'OUTCOMES'; readonly ended: EndedWindow }
  | { readonly kind: 'RETENTION'; readonly by: RetentionCohortBy; readonly months: number };

/** The answer each question gets. */
export interface AnalyticsAnswers {
  FUNNEL: Funnel;
  TIME_TO_PROPOSAL: DurationStats;
  TIME_TO_MARRIAGE: DurationStats;
  DECAY: DecaySummary;
  OUTCOMES: OutcomeCount[];
  RETENTION: CohortRetention;
}

export interface AnalyticsRequest<Q extends AnalyticsQuestion = AnalyticsQuestion> {
  readonly question: Q;
  /** `scope.at` is the instant described: now, or a past business instant. */
  readonly scope: AnalyticsScope;
  /** True for a past business instant (`asOf`): only what occurred by `scope.at` counts; false: now, everything recorded. */
  readonly asOf: boolean;
}

/* ------------------------------------------------------------ the port */
export interface ReadSide {
  /** Position of the last event the projector applied (null before any). */
  checkpoint(): bigint | null;
  /** Resolves once the projector has applied `position` (or rejects after `timeoutMs`). */
  waitFor(position: bigint, timeoutMs?: number): Promise<void>;

  /** How many relationships the tenant has (a count the read models keep an index for: a few ms at 100k). */
  relationshipCount(tenant: string): number;

  getRelationship(tenant: string, id: string): RelationshipRow | null;
  /**
   * The same relationship read from its list columns (`columns`), its state
   * read only when something asks for it: what the API shows, where most
   * fields need no state.
   */
  findRelationship(tenant: string, id: string): RelationshipRow | null;
  /**
   * One relationship as it stood at a past business instant (`asOf`, epoch
   * ms), known at a record instant (`knownAt`; everything recorded when
   * absent): `stateAsOf` over its stream. Null when it was not yet opened
   * then (or does not exist). The snapshot `node(id)` returns.
   */
  getRelationshipAsOf(tenant: string, id: string, instants: { asOf: number; knownAt?: number | undefined }): Promise<RelationshipRow | null>;
  /**
   * A page of relationships after `after` (an opaque cursor from a previous page),
   * filtered and ordered as of instant `at` (filters on decay status, flags and
   * durations are evaluated at that instant).
   */
  listRelationships(
    tenant: string,
    query: PageRequest & { filter?: RelationshipFilter; orderBy?: RelationshipOrder[]; at: number },
  ): Page<RelationshipRow>;

  /**
   * The same page, as the API asks for it: on this thread when the rows'
   * columns answer it, on a read worker when it evaluates many states (a
   * filter or an ordering on decay), so no request waits behind it.
   */
  pageRelationships(
    tenant: string,
    query: PageRequest & { filter?: RelationshipFilter; orderBy?: RelationshipOrder[]; at: number },
  ): Promise<Page<RelationshipRow>>;

  /**
   * The same page as the pipeline stood at a past instant (those not yet
   * opened are left out), filtered and ordered like `listRelationships` over
   * every relationship replayed up to `at`. Paged from the derived tables,
   * only the page's rows replayed; filters or orderings on updatedAt, decay
   * or flags, and `knownAt` (only the events recorded by then), replay every
   * relationship of the tenant: a stream read each, meant for analysts.
   */
  listRelationshipsAsOf(
    tenant: string,
    query: PageRequest & { filter?: RelationshipFilter; orderBy?: RelationshipOrder[]; at: number; knownAt?: number },
  ): Promise<Page<RelationshipRow>>;

  /**
   * A statistic of the tenant's relationships, now or as of a past business
   * instant (everything recorded counts; `knownAt` is answered by replaying
   * streams, see the resolvers): equal to the pure functions of src/analytics
   * over the states a fresh replay gives at that instant.
   */
  analytics<Q extends AnalyticsQuestion>(tenant: string, request: AnalyticsRequest<Q>): Promise<AnalyticsAnswers[Q['kind']]>;

  /**
   * The tenant's slice of the global log, in log order, after a position (or,
   * backwards, the last events before one), up to the checkpoint. A page may
   * hold fewer events than asked (and still have a next page, or a previous
   * one backwards) when its filters matched few of the events it scanned.
   */
  listEvents(tenant: string, query: EventLogQuery): Promise<EventPage>;
  /** One relationship's events by revision (cursor = revision), up to the checkpoint. */
  listRelationshipEvents(tenant: string, id: string, query: { afterRevision?: number; first: number }): Promise<EventPage>;
  /**
   * Several relationships' pages at once, for DataLoader: the same pages as
   * `listRelationshipEvents` would give one by one, in the order of `requests`
   * (an unknown relationship gets an empty page).
   */
  listRelationshipEventsMany(tenant: string, requests: readonly RelationshipEventsRequest[]): Promise<EventPage[]>;

  /** Phase changes after a cursor (a position, and a rank within it), in order (for resumable subscriptions). */
  listPhaseChanges(
    tenant: string,
    query: { after?: PhaseChangeCursor; first: number; relationshipId?: string; phases?: Phase[] },
  ): PhaseChangeRecord[];

  /** Live notifications, emitted after the projector commits a batch. Returns an unsubscribe function. */
  onApplied(listener: (batch: AppliedNotice) => void): () => void;
}
