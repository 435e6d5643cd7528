/**
 * A relationship's facts (`RowFacts`) read from its list columns and, when
 * its current cycle married, its packed decay inputs (tables/decay-inputs.ts):
 * no state is parsed. Exact for rows whose columns hold at the instant (no
 * deadline due by then: `STABLE` in relationship-sql.ts), the only ones a
 * list reads this way: the columns are then the advanced state's values, the
 * clock flags are raised from their thresholds (`flagsRaisedAt`), and the
 * scorer over the inputs (`decayStatusOfInputs`, given by the list) gives
 * exactly `decayStatusAt` of the state at any instant.
 */
import { RISK_FLAGS, type Phase, type RiskFlag } from '../domain/events.js';
import { flagsRaisedAt } from '../domain/metrics/flags.js';
import type { RelationshipOrder, RelationshipOrderField } from '../app/read-side.js';
import type { DecayTrendFacts, RowFacts } from './relationship-facts.js';
import { flagBit } from './tables/relationship-rows.js';

/** What `FACT_COLUMNS` selects (safeIntegers off). */
export interface FactColumns {
  readonly id: string;
  readonly account_name: string | null;
  readonly segment: string | null;
  readonly owner: string | null;
  readonly source: string | null;
  readonly opened_at: number | null;
  readonly phase: Phase | null;
  readonly cycle: number;
  readonly phase_since: number | null;
  readonly updated_at: number | null;
  readonly time_to_proposal_days: number | null;
  readonly time_to_marriage_days: number | null;
  readonly flags: number;
  readonly unanswered_after: number | null;
  readonly silent_after: number | null;
  readonly neglect_after: number | null;
}

/** The SELECT list of every `FactColumns` over `relationship_rows`. */
export const FACT_COLUMNS =
  'id, account_name, segment, owner, source, opened_at, phase, cycle, phase_since, updated_at, time_to_proposal_days, ' +
  'time_to_marriage_days, flags, unanswered_after, silent_after, neglect_after';

/** The columns each order field reads (`FIELD_VALUE` in relationship-order.ts, through `ColumnFacts`); decay reads none. */
const ORDER_FACT_COLUMNS: Record<RelationshipOrderField, string | null> = {
  ID: 'id',
  ACCOUNT_NAME: 'account_name',
  OPENED_AT: 'opened_at',
  PHASE: 'phase',
  PHASE_SINCE: 'phase_since',
  UPDATED_AT: 'updated_at',
  TIME_TO_PROPOSAL: 'time_to_proposal_days',
  DECAY_SCORE: null,
};

/**
 * The SELECT list of the `FactColumns` an ordering reads (the id, the last
 * event's instant and the ordered fields): for rows the SQL filter already
 * matched exactly, whose facts are asked only for their sort key. The other
 * fields of such facts are absent: never ask them.
 */
export function orderFactColumns(order: readonly RelationshipOrder[]): string {
  const columns = order.map((o) => ORDER_FACT_COLUMNS[o.field]).filter((column) => column !== null);
  return [...new Set(['id', 'updated_at', ...columns])].join(', ');
}

/** Scores a row's decay at an instant (from its decay inputs: tables/decay-inputs.ts): its trend, or its latest score alone. */
export interface DecayScorer {
  trend(columns: FactColumns, at: number): DecayTrendFacts;
  score(columns: FactColumns, at: number): number | null;
}

export class ColumnFacts implements RowFacts {
  private decay: DecayTrendFacts | undefined;
  private raised: RiskFlag[] | undefined;

  /** `at`: the row's evaluation instant (`evaluationInstant`). */
  constructor(
    private readonly columns: FactColumns,
    private readonly at: number,
    private readonly scoreDecay: DecayScorer,
  ) {}

  get id(): string {
    return this.columns.id;
  }

  get accountName(): string | null {
    return this.columns.account_name;
  }

  get segment(): string | null {
    return this.columns.segment;
  }

  get owner(): string | null {
    return this.columns.owner;
  }

  get source(): string | null {
    return this.columns.source;
  }

  get openedAt(): number | null {
    return this.columns.opened_at;
  }

  get phase(): Phase | null {
    return this.columns.phase;
  }

  get cycle(): number {
    return this.columns.cycle;
  }

  get phaseSince(): number | null {
    return this.columns.phase_since;
  }

  get updatedAt(): number | null {
    return this.columns.updated_at;
  }

  get timeToProposalDays(): number | null {
    return this.columns.time_to_proposal_days;
  }

  get timeToMarriageDays(): number | null {
    return this.columns.time_to_marriage_days;
  }

  get decayTrend(): DecayTrendFacts {
    if (this.decay === undefined) this.decay = this.scoreDecay.trend(this.columns, this.at);
    return this.decay;
  }

  get decayScore(): number | null {
    return this.decay === undefined ? this.scoreDecay.score(this.columns, this.at) : (this.decay?.score ?? null);
  }

  get flags(): readonly RiskFlag[] {
    if (this.raised === undefined) {
      const c = this.columns;
      const standing = RISK_FLAGS.filter((flag) => (c.flags & flagBit(flag)) !== 0);
      const thresholds = { UNANSWERED_QUESTIONS: c.unanswered_after, GOING_SILENT: c.silent_after, NEGLECT: c.neglect_after };
      this.raised = c.phase === null ? [] : flagsRaisedAt(standing, thresholds, this.at);
    }
    return this.raised;
  }
}
