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
  return state;
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
