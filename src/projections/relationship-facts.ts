/**
 * What filters and orderings look at for one relationship at instant `at`,
 * computed on first use only: most queries touch a field or two, and the
 * decay trend (a score per week) is the costliest metric by far.
 */
import type { DecayStatus, RelationshipRow } from '../app/read-side.js';
import { advanceTo } from '../domain/deadlines.js';
import type { RiskFlag } from '../domain/events.js';
import { decayStatusAt } from '../domain/metrics/decay.js';
import { timeToMarriage, timeToProposal } from '../domain/metrics/durations.js';
import { riskFlags } from '../domain/metrics/flags.js';
import type { Rules } from '../domain/rules.js';
import type { RelationshipState } from '../domain/state.js';

export class RelationshipFacts {
  private stateAt: RelationshipState | undefined;
  private decay: { status: DecayStatus; score: number } | null | undefined;
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

  get decayTrend(): { status: DecayStatus; score: number } | null {
    // The status and latest score only: no drivers, no weekly objects (a page may score thousands of marriages).
    if (this.decay === undefined) this.decay = decayStatusAt(this.state, this.at, this.rules);
    return this.decay;
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
