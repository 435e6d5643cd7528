/**
 * `cycles`: a row per courtship cycle of each relationship, a pure function of
 * its folded state, rewritten whenever it changes (derived-tables.ts). The
 * statistics (cycle-facts.ts) read a cycle as it stood at any instant T by
 * keeping only its milestones at or before T; the latest cycle also carries
 * the recorded state's next deadline and the analytics' part of the state
 * (analytics-state.ts), for the few relationships whose deadline is due by T
 * but not recorded yet, and for the decay trend.
 *
 * The statistics' aggregates (cycle-aggregates.ts) read `cycles_analytics`,
 * which covers every column they use: a scan of it skips the wide
 * `analytics_state` (kilobytes a row) that the table's rows carry.
 *
 * Account name, segment, owner, source and the opening are set by
 * RelationshipOpened and never change (evolve.ts), so they are plain
 * columns, the same at every instant.
 */
import type Database from 'better-sqlite3';
import type { RelationshipRow } from '../../app/read-side.js';
import { nextDeadline } from '../../domain/deadlines.js';
import type { Phase } from '../../domain/events.js';
import type { Rules } from '../../domain/rules.js';
import type { CycleMilestones, RelationshipState } from '../../domain/state.js';
import { reasonOf, type OutcomeReason } from '../../analytics/facts.js';
import type { DerivedTable } from '../derived-tables.js';
import { analyticsStateOf } from './analytics-state.js';

/** The phases whose first entry in a cycle is a column, in column order. */
export const ENTRY_PHASES = ['DATING', 'EXCLUSIVE', 'PROPOSED', 'MARRIED', 'NEGLECTED'] as const satisfies readonly Phase[];

export interface CycleRow {
  readonly cycle: number;
  readonly startedAt: number;
  /** When the next cycle started (the reopening); null for the latest cycle. */
  readonly nextStartedAt: number | null;
  /** First entry into each of ENTRY_PHASES in this cycle. */
  readonly entered: readonly (number | null)[];
  readonly firstProposalAt: number | null;
  readonly marriedAt: number | null;
  readonly endedAt: number | null;
  readonly outcome: CycleMilestones['outcome'];
  /** Why it ended; null while open, and for an older cycle whose reason the state no longer holds (a churn notice, a withdrawal). */
  readonly reason: OutcomeReason | null;
  /** Latest cycle: the recorded state's next deadline. */
  readonly nextDeadlineAt: number | null;
  /** Latest cycle: the last stance change of a veto holder (decay reads stances as of T from the current ones). */
  readonly vetoStanceChangedAt: number | null;
}

const SCHEMA = `
CREATE TABLE cycles (
  tenant TEXT NOT NULL,
  relationship_id TEXT NOT NULL,
  cycle INTEGER NOT NULL,
  account_name TEXT,
  segment TEXT,
  owner TEXT,
  source TEXT,
  opened_at INTEGER NOT NULL,
  started INTEGER NOT NULL,
  next_started INTEGER,
  dating INTEGER,
  exclusive INTEGER,
  proposed INTEGER,
  married_entered INTEGER,
  neglected INTEGER,
  first_proposal INTEGER,
  married INTEGER,
  ended INTEGER,
  outcome TEXT,
  reason_kind TEXT,
  reason_value TEXT,
  next_deadline INTEGER,
  veto_stance_changed INTEGER,
  analytics_state TEXT,
  -- The last instant the cycle's row records (its opening, start or a milestone): from it on, the row reads as it does now.
  changed INTEGER NOT NULL,
  PRIMARY KEY (tenant, relationship_id, cycle)
) WITHOUT ROWID;
CREATE INDEX cycles_latest_deadline ON cycles (tenant, next_deadline) WHERE next_started IS NULL;
-- The count of a list as of T (relationships-at.ts): only a query that states "cycle >= 1" (always true) can use it,
-- so no other query over the latest cycles trades its scan for lookups through it.
CREATE INDEX cycles_latest_opened ON cycles (tenant, opened_at, next_started, cycle) WHERE next_started IS NULL AND cycle >= 1;
CREATE INDEX cycles_analytics ON cycles (
  tenant, next_started, started, opened_at, next_deadline, segment, owner,
  dating, exclusive, proposed, married_entered, first_proposal, married, ended, outcome, reason_kind, reason_value
);
-- The latest cycles that read otherwise at a past instant than now (latest-cycle-answers.ts): a range of it,
-- covering what the statistics read of them.
CREATE INDEX cycles_latest_changed ON cycles (
  tenant, changed, next_started, opened_at, next_deadline, started,
  dating, exclusive, proposed, married_entered, first_proposal, married, ended, outcome, reason_kind, reason_value
) WHERE next_started IS NULL;
`;

export const cyclesTable: DerivedTable = {
  name: 'cycles',
  schema: SCHEMA,
  writer(db: Database.Database, rules: Rules) {
    const remove = db.prepare('DELETE FROM cycles WHERE tenant = ? AND relationship_id = ?');
    const insert = db.prepare(
      `INSERT INTO cycles (tenant, relationship_id, cycle, account_name, segment, owner, source, opened_at, started, next_started,
         dating, exclusive, proposed, married_entered, neglected, first_proposal, married, ended, outcome,
         reason_kind, reason_value, next_deadline, veto_stance_changed, analytics_state, changed)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    return (row: RelationshipRow) => {
      remove.run(row.tenant, row.id);
      const { state } = row;
      if (state.openedAt === null) return;
      for (const cycle of cycleRows(state, rules)) {
        const latest = cycle.cycle === state.cycle;
        insert.run(
          row.tenant,
          row.id,
          cycle.cycle,
          state.accountName,
          state.segment,
          state.owner,
          state.source,
          state.openedAt,
          cycle.startedAt,
          cycle.nextStartedAt,
          ...cycle.entered,
          cycle.firstProposalAt,
          cycle.marriedAt,
          cycle.endedAt,
          cycle.outcome,
          cycle.reason?.kind ?? null,
          cycle.reason?.value ?? null,
          cycle.nextDeadlineAt,
          cycle.vetoStanceChangedAt,
          latest ? JSON.stringify(analyticsStateOf(state)) : null,
          changedAt(state.openedAt, cycle),
        );
      }
    };
  },
};

/** The last instant a cycle's row records: its relationship's opening, its start or a milestone. */
function changedAt(openedAt: number, cycle: CycleRow): number {
  let last = Math.max(openedAt, cycle.startedAt);
  for (const at of [...cycle.entered, cycle.firstProposalAt, cycle.marriedAt, cycle.endedAt]) if (at !== null && at > last) last = at;
  return last;
}

/** The rows of every cycle of a (recorded) state, oldest first. */
export function cycleRows(state: RelationshipState, rules: Rules): CycleRow[] {
  const entries = new Map<number, (number | null)[]>();
  for (const change of state.phaseHistory) {
    let entered = entries.get(change.cycle);
    if (entered === undefined) entries.set(change.cycle, (entered = ENTRY_PHASES.map(() => null)));
    const k = (ENTRY_PHASES as readonly Phase[]).indexOf(change.to);
    if (k >= 0 && entered[k] === null) entered[k] = change.at;
  }
  return state.cycles.map((milestones, index) => {
    const latest = milestones.cycle === state.cycle;
    return {
      cycle: milestones.cycle,
      startedAt: milestones.startedAt,
      nextStartedAt: state.cycles[index + 1]?.startedAt ?? null,
      entered: entries.get(milestones.cycle) ?? ENTRY_PHASES.map(() => null),
      firstProposalAt: milestones.firstProposalAt,
      marriedAt: milestones.marriedAt,
      endedAt: milestones.endedAt,
      outcome: milestones.outcome,
      reason: reasonOfCycle(state, milestones, latest),
      nextDeadlineAt: latest ? (nextDeadline(state, rules)?.at ?? null) : null,
      vetoStanceChangedAt: latest ? vetoStanceChangedAt(state) : null,
    };
  });
}

/**
 * Why the cycle ended, as `reasonOf` reads it from the state at its end: the
 * latest cycle from the state itself; an older one from its closing change
 * (a deadline's rule) or its rejected proposal, else unknown (null): the
 * state keeps only the latest cycle's churn and withdrawal reasons.
 */
function reasonOfCycle(state: RelationshipState, milestones: CycleMilestones, latest: boolean): OutcomeReason | null {
  const { outcome, endedAt } = milestones;
  if (outcome === null || endedAt === null) return null;
  if (latest) return reasonOf(state, outcome);
  const closing = state.phaseHistory.findLast((change) => change.cycle === milestones.cycle && change.to === outcome && change.at === endedAt);
  if (closing === undefined) return null;
  if (closing.cause.kind === 'DEADLINE') return { kind: 'DEADLINE_RULE', value: closing.cause.rule };
  if (outcome !== 'LEFT_AT_ALTAR') return null;
  // Walking away from a pending proposal is LEFT_AT_ALTAR with no rejection reason (reasonOf: UNSPECIFIED).
  if (closing.cause.eventType === 'InterestWithdrawn') return { kind: 'UNSPECIFIED', value: null };
  if (closing.cause.eventType !== 'ProposalRejected') return null;
  const rejected = Object.values(state.proposals).filter((p) => p.cycle === milestones.cycle && p.rejectedAt === endedAt);
  if (rejected.length !== 1) return null;
  const stated = rejected[0]!.rejectionReason;
  return stated === null ? { kind: 'UNSPECIFIED', value: null } : { kind: 'REJECTION', value: stated };
}

/** The last stance change of a veto holder (null without one): the instant before which an older week's stance is replayed. */
export function vetoStanceChangedAt(state: RelationshipState): number | null {
  let last: number | null = null;
  for (const id in state.stakeholders) {
    const stakeholder = state.stakeholders[id]!;
    if (stakeholder.hasVeto && stakeholder.stanceChangedAt !== null && (last === null || stakeholder.stanceChangedAt > last)) {
      last = stakeholder.stanceChangedAt;
    }
  }
  return last;
}
