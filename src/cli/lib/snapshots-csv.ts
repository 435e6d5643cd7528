/**
 * Snapshots: the phase and key metrics of every relationship at the end of
 * each month (or quarter), from the month it opened to the last period that
 * ended by the instant, as the API's `asOf` shows them at that period's last
 * millisecond. Columns: docs/ANALYTICS.md.
 */
import { advanceTo } from '../../domain/deadlines.js';
import { isMarriedPhase, type StoredEvent } from '../../domain/events.js';
import { fold, stateAt } from '../../domain/fold.js';
import { decayTrend } from '../../domain/metrics/decay.js';
import { timeToMarriage, timeToProposal } from '../../domain/metrics/durations.js';
import { currentMilestones } from '../../domain/metrics/marriage.js';
import type { Rules } from '../../domain/rules.js';
import { initialState, type RelationshipState } from '../../domain/state.js';
import { csvCells, instantCell, type CsvStyle } from './csv.js';

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

/** The rows of one relationship, one per period that ended by `at` since it opened. */
export function snapshotCsvRows(
  id: string,
  events: readonly StoredEvent[],
  at: number,
  every: SnapshotEvery,
  rules: Rules,
  style: CsvStyle,
): string {
  const opening = events[0]?.event;
  if (opening === undefined || opening.type !== 'RelationshipOpened') return '';
  const states = statesAtEnds(id, events, periodEnds(opening.occurredAt, at, every), rules);
  let rows = '';
  // Between events and deadlines a relationship keeps the same state object
  // from one period end to the next: its cells (all but the period's and the
  // decay's) are written once per state, not once per row.
  let cellsOf: RelationshipState | null = null;
  let cells = '';
  for (const { period, end, state } of states) {
    if (state.phase === null) continue;
    if (state !== cellsOf) {
      cellsOf = state;
      cells = stateCells(id, state, style);
    }
    const trend = isMarriedPhase(state.phase) ? decayTrend(state, end, rules) : null;
    rows += `${csvCells([period, periodEndCell(end, style)])},${cells},${csvCells([trend?.status, trend?.score])}\n`;
  }
  return rows;
}

/** The columns from relationshipId to timeToMarriageSeconds. */
function stateCells(id: string, state: RelationshipState, style: CsvStyle): string {
  const cycle = currentMilestones(state)!;
  return csvCells([
    id,
    state.accountName,
    state.segment,
    state.owner,
    new Date(cycle.startedAt).toISOString().slice(0, 7),
    state.cycle,
    state.phase,
    instantCell(state.phaseSince, style),
    timeToProposal(state)?.seconds,
    timeToMarriage(state)?.seconds,
  ]);
}

/** Period ends are the same few instants for every relationship: each is formatted once per style. */
const PERIOD_END_CELLS = { plain: new Map<number, string | null>(), excel: new Map<number, string | null>() };

function periodEndCell(end: number, style: CsvStyle): string | null {
  const cells = style.excel ? PERIOD_END_CELLS.excel : PERIOD_END_CELLS.plain;
  let cell = cells.get(end);
  if (cell === undefined) {
    cell = instantCell(end, style);
    cells.set(end, cell);
  }
  return cell;
}

interface PeriodEnd {
  /** 2025-01, or 2025-Q1. */
  readonly period: string;
  /** Epoch ms: the period's last millisecond. */
  readonly end: number;
}

/** The ends of the periods from the one holding `from` to the last that ended by `until`. */
export function periodEnds(from: number, until: number, every: SnapshotEvery): PeriodEnd[] {
  const step = every === 'month' ? 1 : 3;
  const first = new Date(from);
  let month = first.getUTCMonth() - (first.getUTCMonth() % step);
  let year = first.getUTCFullYear();
  const ends: PeriodEnd[] = [];
  for (;;) {
    const end = Date.UTC(year, month + step, 1) - 1;
    if (end > until) return ends;
    const label = every === 'month' ? String(month + 1).padStart(2, '0') : `Q${month / 3 + 1}`;
    ends.push({ period: `${year}-${label}`, end });
    month += step;
    if (month >= 12) {
      month -= 12;
      year++;
    }
  }
}

/**
 * The state at each period end, as `stateAt` gives it. When the stream is in
 * business-time order (as it nearly always is) the fold carries on from one
 * end to the next instead of starting over: `stateAt` folds the events that
 * occurred by the end, and a fold of a prefix continued by the rest is the
 * fold of the whole.
 */
function statesAtEnds(
  id: string,
  events: readonly StoredEvent[],
  ends: readonly PeriodEnd[],
  rules: Rules,
): { period: string; end: number; state: RelationshipState }[] {
  const ordered = events.every((item, k) => k === 0 || events[k - 1]!.event.occurredAt <= item.event.occurredAt);
  if (!ordered) return ends.map(({ period, end }) => ({ period, end, state: stateAt(events, end, rules, initialState(id)) }));
  let folded = initialState(id);
  let next = 0;
  return ends.map(({ period, end }) => {
    let upTo = next;
    while (upTo < events.length && events[upTo]!.event.occurredAt <= end) upTo++;
    if (upTo > next) folded = fold(events.slice(next, upTo), rules, folded);
    next = upTo;
    return { period, end, state: advanceTo(folded, end, rules).state };
  });
}
