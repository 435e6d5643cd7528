/**
 * Folding a stream into a state, now or as of any past instant.
 */
import { advanceTo, deadlineEvent, nextDeadline, recordsDeadline } from './deadlines.js';
import type { CourtshipEvent, StoredEvent } from './events.js';
import { ownedCopy } from './draft.js';
import { evolveInPlace, type EventPosition } from './evolve.js';
import { inBusinessOrder } from './history.js';
import type { Rules } from './rules.js';
import { initialState, type RelationshipState } from './state.js';

/** A stream's events, with their revisions, or bare events numbered on from `from.version + 1`. */
export type FoldInput = readonly (StoredEvent | CourtshipEvent)[];

/**
 * Folds events onto `from` (default: an empty stream with id ''), in the
 * order given (`foldHistory` in history.ts folds a stream in business order).
 *
 * - Without rules: the recorded facts, exactly (recorded DeadlineReached
 *   events included). This is the fast path: the fold owns a copy of `from`
 *   and writes it in place, so it never copies a growing collection per event.
 * - With rules: a replay under those rules ("what if the rules were
 *   different"): deadlines are applied when they fall due, before the first
 *   event at or after them, as `decide` does; a recorded DeadlineReached is
 *   applied only when it is exactly the deadline due under these rules, and
 *   skipped otherwise. For a stream written under the same rules, both
 *   readings give the same state.
 */
export function fold(events: FoldInput, rules?: Rules, from: RelationshipState = initialState('')): RelationshipState {
  const state = ownedCopy(from);
  foldInPlace(state, events, rules);
  return state;
}

/** `fold` onto a state the caller owns (an `ownedCopy`), written in place. */
function foldInPlace(state: RelationshipState, events: FoldInput, rules: Rules | undefined): void {
  for (const item of events) {
    const stored = 'event' in item;
    const event = stored ? item.event : item;
    const at: EventPosition = stored
      ? item.position === undefined
        ? { revision: item.revision }
        : { revision: item.revision, position: item.position }
      : { revision: state.version + 1 };
    if (rules) {
      let due = nextDeadline(state, rules);
      while (due !== null && due.at <= event.occurredAt && !recordsDeadline(event, due)) {
        evolveInPlace(state, deadlineEvent(due));
        due = nextDeadline(state, rules);
      }
      if (event.type === 'DeadlineReached' && (due === null || !recordsDeadline(event, due))) {
        if (at.revision > state.version) state.version = at.revision;
        continue;
      }
    }
    evolveInPlace(state, event, at);
  }
}

/**
 * The state as of instant `until`: the events that occurred by then, folded
 * in business order under `rules`, then every deadline that fell due by then,
 * each at its exact instant. Recorded deadlines are exactly what that last
 * step produces, so an "as of" answer equals a replay of the log.
 */
export function stateAt(
  events: readonly StoredEvent[],
  until: number,
  rules: Rules,
  from: RelationshipState = initialState(''),
): RelationshipState {
  const upTo = inBusinessOrder(events.filter((item) => item.event.occurredAt <= until));
  return advanceTo(fold(upTo, rules, from), until, rules).state;
}

/**
 * A stream's states as of instants asked in increasing order, each what
 * `stateAt` gives, from one fold that carries on from one instant to the
 * next instead of starting over: the events that occurred by an instant are
 * a prefix of the business order, and the deadlines due by it, applied in
 * place, are the ones the fold would apply anyway before any later event.
 */
export class StatesAsOf {
  private readonly events: readonly StoredEvent[];
  private readonly state: RelationshipState;
  private next = 0;
  private changed = 0;

  constructor(
    events: readonly StoredEvent[],
    private readonly rules: Rules,
    from: RelationshipState = initialState(''),
  ) {
    this.events = inBusinessOrder(events);
    this.state = ownedCopy(from);
  }

  /**
   * The state as of `until`, which is not before the last instant asked.
   * The walk's own object, written in place by the next call: read it before.
   */
  at(until: number): RelationshipState {
    const { events, state, rules } = this;
    let upTo = this.next;
    while (upTo < events.length && events[upTo]!.event.occurredAt <= until) upTo++;
    if (upTo > this.next) {
      foldInPlace(state, events.slice(this.next, upTo), rules);
      this.next = upTo;
      this.changed++;
    }
    for (let due = nextDeadline(state, rules); due !== null && due.at <= until; due = nextDeadline(state, rules)) {
      evolveInPlace(state, deadlineEvent(due));
      this.changed++;
    }
    return state;
  }

  /** How many times the state has changed so far: what a caller derived from it holds while this stays the same. */
  get changes(): number {
    return this.changed;
  }
}
