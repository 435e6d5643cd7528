/**
 * How long things took: time to proposal and to marriage (per cycle), and the
 * time spent in each phase, all read from the cycle milestones and the phase
 * history the fold keeps.
 *
 * Like every metric, these read the state as of T (`stateAt(events, T)`): the
 * state holds nothing that happened after T.
 */
import { PHASES, type Phase } from '../events.js';
import type { CycleMilestones, RelationshipState } from '../state.js';
import { durationBetween, durationOfSeconds, SECOND_MS, type Duration } from './duration.js';
import { currentMilestones } from './marriage.js';

export interface CycleDurations {
  readonly cycle: number;
  /** Cycle start → first ProposalSubmitted of the cycle; null until then. */
  readonly timeToProposal: Duration | null;
  /** Cycle start → ContractSigned; null until then. */
  readonly timeToMarriage: Duration | null;
}

export interface PhaseTime extends Duration {
  readonly phase: Phase;
}

export interface TimeInPhases {
  /** The current cycle, its current phase counted up to T. */
  readonly currentCycle: PhaseTime[];
  /** Every cycle since the relationship opened. */
  readonly total: PhaseTime[];
}

/** Every cycle's milestones as durations, oldest first. */
export function cycleDurations(state: RelationshipState): CycleDurations[] {
  return state.cycles.map(durationsOf);
}

/** The current cycle's time to proposal; null until its first proposal. */
export function timeToProposal(state: RelationshipState): Duration | null {
  return currentCycleDurations(state)?.timeToProposal ?? null;
}

/** The current cycle's time to marriage; null until its contract is signed. */
export function timeToMarriage(state: RelationshipState): Duration | null {
  return currentCycleDurations(state)?.timeToMarriage ?? null;
}

/**
 * Seconds in each phase: the phase history cut into segments, each credited to
 * the cycle it belongs to (a closed ending belongs to the cycle it ended, not
 * to the one its reopening starts). The current phase counts until T. Phases
 * never visited are left out; the order is the phases' own.
 */
export function timeInPhases(state: RelationshipState, T: number): TimeInPhases {
  const current = new Map<Phase, number>();
  const total = new Map<Phase, number>();
  if (state.openedAt === null) return { currentCycle: [], total: [] };

  let phase: Phase = 'ATTRACTION';
  let since = state.openedAt;
  let cycle = 1;
  const credit = (until: number): void => {
    const ms = Math.max(0, until - since);
    total.set(phase, (total.get(phase) ?? 0) + ms);
    if (cycle === state.cycle) current.set(phase, (current.get(phase) ?? 0) + ms);
  };
  for (const change of state.phaseHistory) {
    credit(change.at);
    phase = change.to;
    since = change.at;
    cycle = change.cycle;
  }
  credit(T);
  return { currentCycle: asPhaseTimes(current), total: asPhaseTimes(total) };
}

function currentCycleDurations(state: RelationshipState): CycleDurations | null {
  const milestones = currentMilestones(state);
  return milestones === null ? null : durationsOf(milestones);
}

function durationsOf(milestones: CycleMilestones): CycleDurations {
  return {
    cycle: milestones.cycle,
    timeToProposal: reachedBy(milestones.startedAt, milestones.firstProposalAt),
    timeToMarriage: reachedBy(milestones.startedAt, milestones.marriedAt),
  };
}

function reachedBy(startedAt: number, reachedAt: number | null): Duration | null {
  return reachedAt === null ? null : durationBetween(startedAt, reachedAt);
}

function asPhaseTimes(byPhase: Map<Phase, number>): PhaseTime[] {
  return PHASES.filter((phase) => byPhase.has(phase)).map((phase) => ({
    phase,
    ...durationOfSeconds(Math.floor(byPhase.get(phase)! / SECOND_MS)),
  }));
}
