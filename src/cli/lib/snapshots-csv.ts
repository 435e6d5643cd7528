/**
 * Snapshots: the phase and key metrics of every relationship at the end of
 * each month (or quarter), from the month it opened to the last period that
 * ended by the instant, as the API's `asOf` shows them at that period's last
 * millisecond. Columns: docs/ANALYTICS.md.
 */
import { isMarriedPhase, type StoredEvent } from '../../domain/events.js';
import { StatesAsOf } from '../../domain/fold.js';
import { decayStatusAt } from '../../domain/metrics/decay.js';
import { timeToMarriage, timeToProposal } from '../../domain/metrics/durations.js';
import { currentMilestones } from '../../domain/metrics/marriage.js';
import type { Rules } from '../../domain/rules.js';
import { initialState, type RelationshipState } from '../../domain/state.js';
import { csvCells, instantCell, monthCell, type CsvStyle } from './csv.js';

export type SnapshotEvery = 'month' | 'quarter';

export const SNAPSHOT_CSV_COLUMNS = [
  'period',
  'periodEnd',
  'relationshipId',
  'accountName',
  'segment',
  'owner',
  'cohortMonth',
  'cycle',
  'phase',
  'phaseSince',
  'timeToProposalSeconds',
  'timeToMarriageSeconds',
  'decayStatus',
  'decayScore',
] as const;

/**
 * The rows of one relationship, one per period that ended by `at` since it
 * opened, and its state at `at` (null when it was not opened by then), from
 * one walk along its stream (`StatesAsOf`): the events are folded once, not
 * once per period.
 */
export function snapshotCsvRows(
  id: string,
  events: readonly StoredEvent[],
  at: number,
  every: SnapshotEvery,
  rules: Rules,
  style: CsvStyle,
): { rows: string; state: RelationshipState | null } {
  const walk = new StatesAsOf(events, rules, initialState(id));
  const opening = events[0]?.event;
  let rows = '';
  if (opening !== undefined && opening.type === 'RelationshipOpened') {
    // Between events and deadlines a relationship keeps the same state from
    // one period end to the next: its cells (all but the period's and the
    // decay's) are written once per change, not once per row.
    let cellsOf = -1;
    let cells = '';
    for (const { end, prefix } of periodEnds(opening.occurredAt, at, every, style)) {
      const state = walk.at(end);
      if (state.phase === null) continue;
      if (walk.changes !== cellsOf) {
        cellsOf = walk.changes;
        cells = stateCells(id, state, style);
      }
      const trend = isMarriedPhase(state.phase) ? decayStatusAt(state, end, rules) : null;
      rows += `${prefix}${cells},${trend === null ? ',' : `${trend.status},${trend.score}`}\n`;
    }
  }
  const state = walk.at(at);
  return { rows, state: state.phase === null ? null : state };
}

/** The columns from relationshipId to timeToMarriageSeconds. */
function stateCells(id: string, state: RelationshipState, style: CsvStyle): string {
  const cycle = currentMilestones(state)!;
  return csvCells([
    id,
    state.accountName,
    state.segment,
    state.owner,
    monthCell(cycle.startedAt),
    state.cycle,
    state.phase,
    instantCell(state.phaseSince, style),
    timeToProposal(state)?.seconds,
    timeToMarriage(state)?.seconds,
  ]);
}

interface PeriodEnd {
  /** Epoch ms: the period's last millisecond. */
  readonly end: number;
  /** The row's first cells, the period (2025-01, or 2025-Q1) and its end, and the comma after them. */
  readonly prefix: string;
}

/** The ends of the periods from the one holding `from` to the last that ended by `until`. */
function periodEnds(from: number, until: number, every: SnapshotEvery, style: CsvStyle): readonly PeriodEnd[] {
  const step = every === 'month' ? 1 : 3;
  const first = new Date(from);
  let month = first.getUTCMonth() - (first.getUTCMonth() % step);
  let year = first.getUTCFullYear();
  // Relationships opened in the same period share their period ends (and an export, its instant): formatted once.
  const key = `${every} ${style.excel} ${until} ${year} ${month}`;
  const known = PERIOD_ENDS.get(key);
  if (known !== undefined) return known;
  const ends: PeriodEnd[] = [];
  for (;;) {
    const end = Date.UTC(year, month + step, 1) - 1;
    if (end > until) break;
    const label = every === 'month' ? String(month + 1).padStart(2, '0') : `Q${month / 3 + 1}`;
    ends.push({ end, prefix: `${csvCells([`${year}-${label}`, instantCell(end, style)])},` });
    month += step;
    if (month >= 12) {
      month -= 12;
      year++;
    }
  }
  if (PERIOD_ENDS.size < 4096) PERIOD_ENDS.set(key, ends);
  return ends;
}

const PERIOD_ENDS = new Map<string, readonly PeriodEnd[]>();
