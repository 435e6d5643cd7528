/**
 * What filters and orderings look at for one relationship at instant `at`
 * (`RowFacts`), and where a row's facts come from:
 * - `RelationshipFacts`: from its state (deadlines due by `at` applied),
 *   computed on first use only: most queries touch a field or two, and the
 *   decay trend (a score per week) is the costliest metric by far;
 * - `ColumnFacts` (column-facts.ts): from its list columns and packed decay
 *   inputs, for rows whose columns hold at `at` (no state parsed).
 * The evaluator (relationship-filter.ts, relationship-order.ts) reads only
 * this interface, so both give the same page.
 */
import type { DecayStatus, RelationshipColumns, RelationshipRow } from '../app/read-side.js';
import { advanceTo } from '../domain/deadlines.js';
import type { Phase, RiskFlag } from '../domain/events.js';
import { decayStatusAt } from '../domain/metrics/decay.js';
import { timeToMarriage, timeToProposal } from '../domain/metrics/durations.js';
import { riskFlags } from '../domain/metrics/flags.js';
import type { Rules } from '../domain/rules.js';
import type { RelationshipState } from '../domain/state.js';

/** A decay trend's status and latest score (rounded), as lists filter and order on them. */
export type DecayTrendFacts = { status: DecayStatus; score: number } | null;

/** One relationship's values at the instant a list is evaluated at. */
export interface RowFacts extends Pick<RelationshipColumns, 'id' | 'accountName' | 'segment' | 'owner' | 'source' | 'openedAt' | 'phase' | 'cycle' | 'phaseSince'> {
  /** occurredAt of the last event. */
  readonly updatedAt: number | null;
  readonly timeToProposalDays: number | null;
  readonly timeToMarriageDays: number | null;
  /** Null without a marriage in the current cycle (or before its signing). */
  readonly decayTrend: DecayTrendFacts;
  /** `decayTrend`'s score alone (what a list orders on: it may cost less than the trend). */
  readonly decayScore: number | null;
  readonly flags: readonly RiskFlag[];
}

export class RelationshipFacts implements RowFacts {
  private stateAt: RelationshipState | undefined;
  private decay: DecayTrendFacts | undefined;
  private riskFlags: RiskFlag[] | undefined;

  constructor(
    readonly row: RelationshipRow,
    private readonly at: number,
    private readonly rules: Rules,
  ) {}

  /**
   * The recorded state plus the deadlines due by `at` that are not recorded
   * yet (the scheduler records them moments later), so a list never shows a
   * phase the rules have already left.
   */
  get state(): RelationshipState {
    this.stateAt ??= advanceTo(this.row.state, this.at, this.rules).state;
    return this.stateAt;
  }

  get id(): string {
    return this.row.id;
  }

  get accountName(): string | null {
    return this.row.state.accountName;
  }

  get segment(): string | null {
    return this.row.state.segment;
  }

  get owner(): string | null {
    return this.row.state.owner;
  }

  get source(): string | null {
    return this.row.state.source;
  }

  get openedAt(): number | null {
    return this.row.state.openedAt;
  }

  get phase(): Phase | null {
    return this.state.phase;
  }

  get cycle(): number {
    return this.state.cycle;
  }

  get phaseSince(): number | null {
    return this.state.phaseSince;
  }

  get updatedAt(): number | null {
    return this.state.lastEventAt;
  }

  get decayTrend(): DecayTrendFacts {
    // The status and latest score only: no drivers, no weekly objects (a page may score thousands of marriages).
    if (this.decay === undefined) this.decay = decayStatusAt(this.state, this.at, this.rules);
    return this.decay;
  }

  get decayScore(): number | null {
    return this.decayTrend?.score ?? null;
  }

  get flags(): RiskFlag[] {
    this.riskFlags ??= riskFlags(this.state, this.at, this.rules);
    return this.riskFlags;
  }

  get timeToProposalDays(): number | null {
    return timeToProposal(this.state)?.days ?? null;
  }

  get timeToMarriageDays(): number | null {
    return timeToMarriage(this.state)?.days ?? null;
  }
}
