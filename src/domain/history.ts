/**
 * A relationship's history in business time (docs/ARCHITECTURE.md, "Business
 * time and record time").
 *
 * The state is the fold of the stream's events in business order: by
 * `occurredAt`; at the same instant a DeadlineReached comes first (a deadline
 * falls before anything that happens at its instant, as `decide` records it),
 * then record order (revision). A recorded DeadlineReached counts only where
 * the history supports it: when it is exactly the deadline due at its place.
 * A late fact can therefore retract a recorded deadline (the neglect never
 * happened) without anything being rewritten in the log.
 *
 * `recordFact` applies one newly recorded event, in record order, as the
 * projector does: an event that lands at the end of the business order is
 * applied in place; a late one re-folds the stream. Either way it reports the
 * phase-history entries that no longer hold and the new ones.
 */
import { nextDeadline, recordsDeadline } from './deadlines.js';
import type { CourtshipEvent, StoredEvent } from './events.js';
import { ownedCopy } from './draft.js';
import { evolveInPlace } from './evolve.js';
import type { Rules } from './rules.js';
import { initialState, type PhaseChange, type RelationshipState } from './state.js';

/** Negative when `a` comes before `b` in business order. */
export function businessOrder(a: StoredEvent, b: StoredEvent): number {
  return (
    a.event.occurredAt - b.event.occurredAt ||
    deadlineFirst(a.event) - deadlineFirst(b.event) ||
    a.revision - b.revision
  );
}

function deadlineFirst(event: CourtshipEvent): number {
  return event.type === 'DeadlineReached' ? 0 : 1;
}

/** The events sorted in business order (a new array). */
export function inBusinessOrder(events: readonly StoredEvent[]): StoredEvent[] {
  return events.slice().sort(businessOrder);
}

/**
 * True when `event`, recorded after everything `state` holds, lands after
 * every event the state applied: it can be applied in place. Recorded
 * deadlines the history does not support (`skippedDeadlines`) may lie after
 * it; `applyFact` checks them again.
 */
export function landsAtEnd(state: RelationshipState, event: CourtshipEvent): boolean {
  const last = state.lastEventAt;
  if (last === null || event.occurredAt > last) return true;
  return event.occurredAt === last && event.type !== 'DeadlineReached';
}

/**
 * Applies a recorded event that lands at the end of the business order
 * (`landsAtEnd`), in place on a state the caller owns: a DeadlineReached
 * counts only when it is exactly the deadline due; skipped deadlines dated
 * after the event are checked again after it (it may make one due).
 */
export function applyFact(state: RelationshipState, item: StoredEvent, rules: Rules): void {
  const { event } = item;
  if (event.type === 'DeadlineReached' && !isDue(state, event, rules)) {
    skip(state, item);
    return;
  }
  if (state.skippedDeadlines.length === 0) {
    evolveInPlace(state, event, item);
    return;
  }
  const later = state.skippedDeadlines.filter((skipped) => skipped.event.occurredAt > event.occurredAt);
  state.skippedDeadlines = [];
  evolveInPlace(state, event, item);
  for (const skipped of later) {
    if (isDue(state, skipped.event, rules)) {
      state.skippedDeadlines = [];
      evolveInPlace(state, skipped.event, skipped);
    } else {
      skip(state, skipped);
    }
  }
}

/** The fold of `events` (any order) in business order, from `from` (default: an empty stream). */
export function foldHistory(
  events: readonly StoredEvent[],
  rules: Rules,
  from: RelationshipState = initialState(''),
): RelationshipState {
  const state = ownedCopy(from);
  for (const item of inBusinessOrder(events)) applyFact(state, item, rules);
  return state;
}

export interface Recorded {
  readonly state: RelationshipState;
  /** Phase-history entries that held before this event and no longer do, in history order. */
  readonly retracted: readonly PhaseChange[];
  /** Entries that hold since this event, in history order. */
  readonly added: readonly PhaseChange[];
  /** True when the event was a late fact: the history was re-derived (a correction). */
  readonly refolded: boolean;
}

/**
 * The state once `item` (the stream's newest revision) is recorded after the
 * events `state` was folded from. `earlier` gives those events; it is called
 * only for a late fact, which re-folds the stream. Entries of the phase
 * history that still hold keep their `recordedAt`; new ones take the item's.
 * `state` is not modified when `inPlace` is false.
 */
export function recordFact(
  state: RelationshipState,
  item: StoredEvent,
  rules: Rules,
  earlier: () => readonly StoredEvent[],
  inPlace = false,
): Recorded {
  if (landsAtEnd(state, item.event)) {
    const next = inPlace ? state : ownedCopy(state);
    // Only appends to the phase history: nothing is retracted.
    const from = next.phaseHistory.length;
    applyFact(next, item, rules);
    const added: PhaseChange[] = [];
    for (let i = from; i < next.phaseHistory.length; i++) {
      const change = stamped(next.phaseHistory[i]!, item.recordedAt);
      next.phaseHistory[i] = change;
      added.push(change);
    }
    return { state: next, retracted: [], added, refolded: false };
  }
  const next = foldHistory([...earlier(), item], rules, initialState(state.id));
  return { state: next, ...stampChanges(state.phaseHistory, next, item.recordedAt), refolded: true };
}

/**
 * Compares the phase history before and after a re-fold: the longest common
 * prefix keeps its entries (and their `recordedAt`); the rest of the old one
 * is retracted and the rest of the new one is added, stamped `recordedAt`.
 */
function stampChanges(
  before: readonly PhaseChange[],
  state: RelationshipState,
  recordedAt: number | undefined,
): { retracted: PhaseChange[]; added: PhaseChange[] } {
  const after = state.phaseHistory;
  let common = 0;
  while (common < before.length && common < after.length && sameChange(before[common]!, after[common]!)) common++;
  const history = before.slice(0, common);
  const added: PhaseChange[] = [];
  for (let i = common; i < after.length; i++) {
    const change = stamped(after[i]!, recordedAt);
    history.push(change);
    added.push(change);
  }
  state.phaseHistory = history;
  return { retracted: before.slice(common), added };
}

function stamped(change: PhaseChange, recordedAt: number | undefined): PhaseChange {
  return recordedAt === undefined ? change : { ...change, recordedAt };
}

/** The same transition (when it became known aside). */
export function sameChange(a: PhaseChange, b: PhaseChange): boolean {
  if (a.from !== b.from || a.to !== b.to || a.at !== b.at || a.cycle !== b.cycle || a.cause.kind !== b.cause.kind) return false;
  if (a.cause.kind === 'DEADLINE') return b.cause.kind === 'DEADLINE' && a.cause.rule === b.cause.rule;
  return b.cause.kind === 'EVENT' && a.cause.eventType === b.cause.eventType && a.cause.revision === b.cause.revision;
}

function isDue(state: RelationshipState, event: CourtshipEvent, rules: Rules): boolean {
  const due = nextDeadline(state, rules);
  return due !== null && recordsDeadline(event, due);
}

function skip(state: RelationshipState, item: StoredEvent): void {
  if (item.revision > state.version) state.version = item.revision;
  // Kept in business order, the order they are checked again in (a deadline recorded later may be dated earlier).
  state.skippedDeadlines = [...state.skippedDeadlines, item].sort(businessOrder);
}
