/**
 * `phase_intervals`: a row per phase a relationship went through, a pure
 * function of its folded state, rewritten whenever it changes
 * (derived-tables.ts). The phase at instant T is the row with
 * entered ≤ T < left (left NULL: the phase it is in), as a replay up to T
 * would fold it, found by relationship (the primary key: a tenant's
 * relationships are read together). Only a deadline due by T and not
 * recorded yet can move it further (the latest cycle's `next_deadline` in
 * cycles.ts says which).
 */
import type Database from 'better-sqlite3';
import type { RelationshipRow } from '../../app/read-side.js';
import type { Phase } from '../../domain/events.js';
import type { RelationshipState, TransitionCause } from '../../domain/state.js';
import type { DerivedTable } from '../derived-tables.js';

export interface PhaseInterval {
  readonly cycle: number;
  readonly phase: Phase;
  readonly entered: number;
  /** When the next phase was entered; null for the phase it is in. */
  readonly left: number | null;
  /** What moved it into the phase: an event type, a deadline rule, or RelationshipOpened. */
  readonly cause: string;
}

const SCHEMA = `
CREATE TABLE phase_intervals (
  tenant TEXT NOT NULL,
  relationship_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  cycle INTEGER NOT NULL,
  phase TEXT NOT NULL,
  entered INTEGER NOT NULL,
  left_at INTEGER,
  cause TEXT NOT NULL,
  PRIMARY KEY (tenant, relationship_id, seq)
) WITHOUT ROWID;
`;

export const phaseIntervalsTable: DerivedTable = {
  name: 'phase_intervals',
  schema: SCHEMA,
  writer(db: Database.Database) {
    const remove = db.prepare('DELETE FROM phase_intervals WHERE tenant = ? AND relationship_id = ?');
    const insert = db.prepare(
      'INSERT INTO phase_intervals (tenant, relationship_id, seq, cycle, phase, entered, left_at, cause) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    return (row: RelationshipRow) => {
      remove.run(row.tenant, row.id);
      phaseIntervals(row.state).forEach((interval, seq) =>
        insert.run(row.tenant, row.id, seq, interval.cycle, interval.phase, interval.entered, interval.left, interval.cause),
      );
    };
  },
};

/** The phases of a state's history, in order: ATTRACTION from the opening, then one per phase change. */
export function phaseIntervals(state: RelationshipState): PhaseInterval[] {
  if (state.openedAt === null) return [];
  const intervals: PhaseInterval[] = [];
  let current: Omit<PhaseInterval, 'left'> = { cycle: 1, phase: 'ATTRACTION', entered: state.openedAt, cause: 'RelationshipOpened' };
  for (const change of state.phaseHistory) {
    intervals.push({ ...current, left: change.at });
    current = { cycle: change.cycle, phase: change.to, entered: change.at, cause: causeName(change.cause) };
  }
  intervals.push({ ...current, left: null });
  return intervals;
}

function causeName(cause: TransitionCause): string {
  return cause.kind === 'DEADLINE' ? cause.rule : cause.eventType;
}
