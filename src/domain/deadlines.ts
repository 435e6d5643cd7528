/**
 * Time-based transitions (docs/ARCHITECTURE.md, "Time-based transitions").
 *
 * Each phase watches at most two rules; the pending deadline is a pure function
 * of the state and the rules, so a scheduler can sleep until exactly then, and
 * `advanceTo` applies what silence alone has decided by an instant.
 */
import { DEADLINE_RULES, type CourtshipEvent, type DeadlineReached, type DeadlineRule } from './events.js';
import { evolve } from './evolve.js';
import { DAY_MS, type Rules } from './rules.js';
import type { RelationshipState } from './state.js';

export interface Deadline {
  /** Epoch ms: the exact instant the rule fires. */
  readonly at: number;
  readonly rule: DeadlineRule;
}

/**
 * The earliest deadline pending in the current phase, or null when none is
 * (closed phases; NEGLECTED/CHEATING without a contract end).
 * - PROPOSED: ALTAR_SILENCE at max(proposal, last prospect activity) + altarSilenceDays.
 * - ATTRACTION/DATING/EXCLUSIVE: MOVED_ON_SILENCE at max(phase start, last prospect activity) + movedOnSilenceDays.
 * - MARRIED: NEGLECT at max(phase start, last vendor event) + neglectDays.
 * - MARRIED/NEGLECTED/CHEATING: CONTRACT_LAPSE at the current contracts' end (moved by renewals).
 * Days are exact multiples of 24 hours.
 */
export function nextDeadline(state: RelationshipState, rules: Rules): Deadline | null {
  const due = deadlineOfPhase(state, rules);
  // Under rules changed after the fact (a shorter silence), a deadline can fall
  // before events already recorded: history does not go back, so it falls due
  // at the last event instead. Under unchanged rules this never applies: an
  // event after a deadline always has the deadline recorded before it.
  if (due !== null && state.lastEventAt !== null && due.at < state.lastEventAt) return { ...due, at: state.lastEventAt };
  return due;
}

function deadlineOfPhase(state: RelationshipState, rules: Rules): Deadline | null {
  const { phase, phaseSince } = state;
  if (phase === null || phaseSince === null) return null;
  switch (phase) {
    case 'ATTRACTION':
    case 'DATING':
    case 'EXCLUSIVE':
      return silence('MOVED_ON_SILENCE', phaseSince, state.lastProspectActivityAt, rules.movedOnSilenceDays);
    case 'PROPOSED':
      return silence('ALTAR_SILENCE', phaseSince, state.lastProspectActivityAt, rules.altarSilenceDays);
    case 'MARRIED':
      return earliest(
        silence('NEGLECT', phaseSince, state.lastVendorActivityAt, rules.neglectDays),
        lapse(state),
      );
    case 'NEGLECTED':
    case 'CHEATING':
      return lapse(state);
    case 'DIVORCED':
    case 'MOVED_ON':
    case 'LEFT_AT_ALTAR':
      return null;
  }
}

/** The event that records a deadline: actor SYSTEM, at the exact deadline instant. */
export function deadlineEvent(deadline: Deadline): DeadlineReached {
  return {
    type: 'DeadlineReached',
    occurredAt: deadline.at,
    actor: 'SYSTEM',
    data: { rule: deadline.rule, deadline: deadline.at },
  };
}

/** True when `event` is the record of exactly the deadline `due` (rule, instant and occurredAt). */
export function recordsDeadline(event: CourtshipEvent, due: Deadline): boolean {
  return (
    event.type === 'DeadlineReached' &&
    event.data.rule === due.rule &&
    event.data.deadline === due.at &&
    event.occurredAt === due.at
  );
}

/**
 * Applies every deadline due at or before `until`, in order (one can lead to
 * another: NEGLECTED, then the contract lapses). The applied events are not
 * stored, so `version` does not move.
 */
export function advanceTo(
  state: RelationshipState,
  until: number,
  rules: Rules,
): { state: RelationshipState; applied: DeadlineReached[] } {
  const applied: DeadlineReached[] = [];
  let current = state;
  for (let due = nextDeadline(current, rules); due !== null && due.at <= until; due = nextDeadline(current, rules)) {
    const event = deadlineEvent(due);
    current = evolve(current, event);
    applied.push(event);
  }
  return { state: current, applied };
}

function silence(rule: DeadlineRule, phaseSince: number, lastActivity: number | null, days: number): Deadline {
  const from = lastActivity !== null && lastActivity > phaseSince ? lastActivity : phaseSince;
  return { rule, at: from + Math.round(days * DAY_MS) };
}

function lapse(state: RelationshipState): Deadline | null {
  return state.contractEndsAt === null ? null : { rule: 'CONTRACT_LAPSE', at: state.contractEndsAt };
}

function earliest(a: Deadline, b: Deadline | null): Deadline {
  if (b === null || a.at < b.at) return a;
  if (b.at < a.at) return b;
  return DEADLINE_RULES.indexOf(a.rule) <= DEADLINE_RULES.indexOf(b.rule) ? a : b;
}
