/**
 * A relationship as the API shows it: a folded state evaluated at an instant.
 *
 * A row read from the list table (`columns`) answers the plain fields (names,
 * phase, cycle, version, flags…) without its state while no deadline is due
 * by the instant (`columnsHoldAt`): they are then exactly what the state
 * evaluated at the instant gives. Anything else reads the state on first use.
 *
 * The state at the instant (deadlines due by then applied) is computed on
 * first use; plain fields read it directly. The derived metrics (`describe`:
 * decay trend, readiness, durations…) are computed only when a field needs
 * them, once per relationship however many such fields a request selects, so
 * a pipeline board asking for names and phases never pays for decay trends.
 */
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { advanceTo } from '../../domain/deadlines.js';
import type { Phase as PhaseValue, RiskFlag as RiskFlagValue } from '../../domain/events.js';
import { flagsRaisedAt, riskFlags } from '../../domain/metrics/flags.js';
import { describe, type RelationshipView } from '../../domain/metrics/view.js';
import type { Rules } from '../../domain/rules.js';
import type { RelationshipState } from '../../domain/state.js';
import { columnsHoldAt, type RelationshipColumns, type RelationshipRow } from '../../app/read-side.js';
import { encodeNodeId, isLive, type Scope } from '../identity/global-id.js';
import { Duration, TimeInPhase } from './duration.js';
import { Phase, RiskFlag } from './enums.js';
import { PhaseTransition, TransitionCause } from './history.js';
import { Decay, Readiness, Responsiveness } from './metrics.js';
import { Node } from './node.js';
import { OpenQuestion, openQuestionOf, Stakeholder, stakeholderOf } from './people.js';
import { DateTime } from './scalars.js';

/** How the state handed to a Relationship relates to the instant it is shown at. */
export type Evaluation =
  /** Recorded facts only (a read model row): deadlines due by the instant still have to be applied. */
  | 'recorded'
  /** Already the state as of the instant (`stateAt`). */
  | 'asOf';

/** What a Relationship is shown from: a state (of relationship `id`), with the list columns of the same state when it was read from them. */
export type Recorded = Pick<RelationshipRow, 'id' | 'state' | 'columns'>;

/** A state on its own, as a Relationship is shown from. */
export function recordedState(state: RelationshipState): Recorded {
  return { id: state.id, state };
}

/** The past instants a snapshot was read at; absent for the live relationship. */
export interface SnapshotInstants {
  readonly asOf: number | null;
  readonly knownAt: number | null;
}

@ObjectType({ implements: Node, description: 'A vendor–customer relationship: its phase, history and health at one instant.' })
export class Relationship {
  private cachedView: RelationshipView | undefined;
  private cachedState: RelationshipState | undefined;

  /** The list columns, when they are the values at `at`: the plain fields read them. */
  private readonly columns: RelationshipColumns | null;

  constructor(
    /** The tenant the relationship belongs to, for the fields that read more of it. */
    readonly tenant: string,
    private readonly recorded: Recorded,
    /** Epoch ms: the instant every field describes. */
    readonly at: number,
    private readonly rules: Rules,
    private readonly evaluation: Evaluation,
    /** Given for a relationship read `asOf`/`knownAt`: a snapshot, with an identity of its own. */
    snapshot?: SnapshotInstants,
  ) {
    this.scope = { relationshipId: recorded.id, asOf: snapshot?.asOf ?? null, knownAt: snapshot?.knownAt ?? null };
    const columns = recorded.columns;
    this.columns = columns !== undefined && evaluation === 'recorded' && columnsHoldAt(columns, at) ? columns : null;
  }

  /** The recorded state (read on first use when the relationship came from its columns). */
  private get state(): RelationshipState {
    return this.recorded.state;
  }

  /** Which version of the relationship this is: the live one, or a snapshot; nested objects' ids carry it. */
  readonly scope: Scope;

  /** The state as of `at`. */
  private get current(): RelationshipState {
    if (this.cachedState === undefined) {
      this.cachedState = this.evaluation === 'recorded' ? advanceTo(this.state, this.at, this.rules).state : this.state;
    }
    return this.cachedState;
  }

  private get view(): RelationshipView {
    if (this.cachedView === undefined) this.cachedView = describe(this.current, this.at, this.rules);
    return this.cachedView;
  }

  /** Stream revision of the last event this relationship reflects (not a field: see `version`). */
  get lastRevision(): number {
    return this.recorded.columns?.version ?? this.state.version;
  }

  @Field(() => ID, {
    description:
      'The live relationship: the relationship id, as used in mutations. A snapshot (read `asOf`/`knownAt`): an id of its own, distinct for each instant, that `node(id)` resolves to the same snapshot.',
  })
  get id(): string {
    return encodeNodeId({ type: 'Relationship', scope: this.scope });
  }

  @Field(() => ID, { description: 'The relationship id used in mutations, the same for the live relationship and all of its snapshots.' })
  get relationshipId(): string {
    return this.recorded.id;
  }

  /** True for the live relationship, false for a snapshot. */
  get live(): boolean {
    return isLive(this.scope);
  }

  @Field(() => String, { description: 'The account, as named when the relationship was opened.' })
  get accountName(): string {
    return (this.columns ?? this.current).accountName ?? '';
  }

  @Field(() => String, { nullable: true, description: 'Market segment, e.g. SMB or ENTERPRISE; null when not given.' })
  get segment(): string | null {
    return (this.columns ?? this.current).segment;
  }

  @Field(() => String, { nullable: true, description: 'The vendor-side owner (a sales or success rep); null when not given.' })
  get owner(): string | null {
    return (this.columns ?? this.current).owner;
  }

  @Field(() => String, { nullable: true, description: 'Where the lead came from.' })
  get source(): string | null {
    return (this.columns ?? this.current).source;
  }

  @Field(() => DateTime, { description: 'occurredAt of the RelationshipOpened event.' })
  get openedAt(): number | null {
    return (this.columns ?? this.current).openedAt;
  }

  @Field(() => DateTime, { description: 'The instant every field describes: now, or the `asOf` asked for.' })
  get asOf(): number {
    return this.at;
  }

  @Field(() => Phase, { description: 'The phase at `asOf`.' })
  get phase(): PhaseValue | null {
    return (this.columns ?? this.current).phase;
  }

  @Field(() => DateTime, { description: 'When the current phase began.' })
  get phaseSince(): number | null {
    return (this.columns ?? this.current).phaseSince;
  }

  @Field(() => Int, { description: 'The courtship cycle, from 1; each reopening starts the next.' })
  get cycle(): number {
    return (this.columns ?? this.current).cycle;
  }

  @Field(() => Int, { description: 'Stream revision of the last event (0 after the first): pass it as `expectedVersion`.' })
  get version(): number {
    return (this.columns ?? this.current).version;
  }

  @Field(() => [PhaseTransition], { complexity: 5, description: 'Every phase change, oldest first, with its cause.' })
  get phaseHistory(): PhaseTransition[] {
    return this.view.phaseHistory.map((change) => ({ ...change, cause: causeOf(change.cause) }));
  }

  @Field(() => Duration, { nullable: true, description: "Cycle start → the cycle's first proposal; null until then." })
  get timeToProposal(): Duration | null {
    return this.view.timeToProposal;
  }

  @Field(() => Duration, { nullable: true, description: 'Cycle start → the contract; null until then.' })
  get timeToMarriage(): Duration | null {
    return this.view.timeToMarriage;
  }

  @Field(() => [TimeInPhase], {
    complexity: 2,
    description: "Time spent in each phase visited in the current cycle, the current phase counted up to `asOf`. `timeInPhasesOverall` sums every cycle.",
  })
  get timeInPhases(): TimeInPhase[] {
    return this.view.timeInPhases.currentCycle;
  }

  @Field(() => [TimeInPhase], { complexity: 2, description: 'Time spent in each phase over every cycle.' })
  get timeInPhasesOverall(): TimeInPhase[] {
    return this.view.timeInPhases.total;
  }

  @Field(() => Readiness, { nullable: true, description: 'Proposal readiness; null once the cycle reached marriage.' })
  get readiness(): Readiness | null {
    const readiness = this.view.readiness;
    if (readiness === null) return null;
    return {
      ready: readiness.ready,
      reasons: readiness.reasons.map((reason) => reason.code),
      messages: readiness.reasons.map((reason) => reason.message),
    };
  }

  @Field(() => Responsiveness, { description: "How quickly the vendor answers the prospect's questions." })
  get responsiveness(): Responsiveness {
    const { openQuestions, oldestOpenAge, medianTimeToAnswer } = this.view.responsiveness;
    return { openQuestions, oldestOpenQuestionAge: oldestOpenAge, medianTimeToAnswer };
  }

  @Field(() => Decay, { nullable: true, description: 'The health trend; null before marriage.' })
  get decay(): Decay | null {
    return this.view.decay;
  }

  @Field(() => [RiskFlag], { complexity: 1, description: 'Risk flags raised by the history, at `asOf`.' })
  get flags(): RiskFlagValue[] {
    if (this.cachedView !== undefined) return this.cachedView.flags;
    const columns = this.columns;
    if (columns !== null) return columns.phase === null ? [] : flagsRaisedAt(columns.standingFlags, columns.clockFlagThresholds, this.at);
    return riskFlags(this.current, this.at, this.rules);
  }

  @Field(() => [Stakeholder], { complexity: 5, description: "The prospect's \"family\": everyone introduced so far, with their stance." })
  get stakeholders(): Stakeholder[] {
    return this.view.stakeholders.map((stakeholder) => stakeholderOf(this.scope, stakeholder));
  }

  @Field(() => [OpenQuestion], { complexity: 5, description: 'Questions waiting for an answer, the oldest first.' })
  get openQuestions(): OpenQuestion[] {
    return this.view.openQuestions.map((question) => openQuestionOf(this.scope, question));
  }
}

function causeOf(cause: RelationshipView['phaseHistory'][number]['cause']): TransitionCause {
  return cause.kind === 'EVENT'
    ? { kind: 'EVENT', eventType: cause.eventType, rule: null, revision: cause.revision, position: cause.position ?? null }
    : { kind: 'DEADLINE', eventType: null, rule: cause.rule as TransitionCause['rule'], revision: null, position: null };
}
