/**
 * Relationships as CSV rows, one per relationship, as the API shows them at
 * an instant (the domain's metrics, those of `describe`), with what an analyst loads them for:
 * the cohort, the outcome with its end and reason, the time spent in each
 * phase of the current cycle, the decay slope, and one column per risk flag.
 * Columns: docs/ANALYTICS.md.
 */
import { reasonOf } from '../../analytics/outcomes.js';
import { isClosedPhase, PHASES, RISK_FLAGS, type StoredEvent } from '../../domain/events.js';
import { decayTrend } from '../../domain/metrics/decay.js';
import { timeInPhases, timeToMarriage, timeToProposal } from '../../domain/metrics/durations.js';
import { riskFlags } from '../../domain/metrics/flags.js';
import { currentMilestones } from '../../domain/metrics/marriage.js';
import type { Rules } from '../../domain/rules.js';
import { stateAt } from '../../domain/fold.js';
import { initialState, type RelationshipState } from '../../domain/state.js';
import { csvRow, instantCell, monthCell, type CsvStyle } from './csv.js';

/** LEFT_AT_ALTAR → LeftAtAltar, for column names. */
export function pascal(name: string): string {
  return name
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

export const RELATIONSHIP_CSV_COLUMNS = [
  'id',
  'accountName',
  'segment',
  'owner',
  'source',
  'openedAt',
  'cohortMonth',
  'cycle',
  'cycleStartedAt',
  'phase',
  'phaseSince',
  'version',
  'lastEventAt',
  'timeToProposalSeconds',
  'timeToMarriageSeconds',
  'outcome',
  'endedAt',
  'outcomeReasonKind',
  'outcomeReason',
  ...PHASES.map((phase) => `secondsIn${pascal(phase)}`),
  'decayStatus',
  'decayScore',
  'decaySlope',
  ...RISK_FLAGS.map((flag) => `flag${pascal(flag)}`),
] as const;

/**
 * The relationship's state at `at` under `rules`: its events up to then,
 * replayed, and the deadlines due by then applied (the API's `asOf`, i.e.
 * `stateAsOf(events, { asOf: at })`). Null when it was not opened yet.
 *
 * `stateAsOf` also replays the stream in record order to stamp each phase
 * change with the instant it became known; no table reads those stamps (the
 * transitions table finds the cause's recordedAt itself), so the exports
 * take the business-time fold alone, which is the same state otherwise and
 * half the replay.
 */
export function relationshipAt(id: string, events: readonly StoredEvent[], at: number, rules: Rules): RelationshipState | null {
  const state = stateAt(events, at, rules, initialState(id));
  return state.phase === null ? null : state;
}

/** `state` as of `at` (relationshipAt). */
export function relationshipCsvRow(state: RelationshipState, at: number, rules: Rules, style: CsvStyle): string {
  const cycle = currentMilestones(state)!;
  const closed = state.phase !== null && isClosedPhase(state.phase) ? state.phase : null;
  const reason = closed === null ? null : reasonOf(state, closed);
  const secondsIn = new Map(timeInPhases(state, at).currentCycle.map((time) => [time.phase, time.seconds]));
  const decay = decayTrend(state, at, rules);
  const flags = riskFlags(state, at, rules);
  return csvRow([
    state.id,
    state.accountName,
    state.segment,
    state.owner,
    state.source,
    instantCell(state.openedAt, style),
    monthCell(cycle.startedAt),
    state.cycle,
    instantCell(cycle.startedAt, style),
    state.phase,
    instantCell(state.phaseSince, style),
    state.version,
    instantCell(state.lastEventAt, style),
    timeToProposal(state)?.seconds,
    timeToMarriage(state)?.seconds,
    closed,
    closed === null ? null : instantCell(cycle.endedAt, style),
    reason?.kind,
    reason?.value,
    ...PHASES.map((phase) => secondsIn.get(phase) ?? 0),
    decay?.status,
    decay?.score,
    decay?.slope,
    ...RISK_FLAGS.map((flag) => flags.includes(flag)),
  ]);
}
