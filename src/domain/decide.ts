/**
 * decide: what a batch of incoming events appends to a relationship's stream.
 *
 * Each event is checked against the history as it evolves through the batch,
 * so a batch may open a relationship and then ask questions in it. The first
 * violation refuses the whole batch (DomainError, naming the event's index and
 * field). Deadlines that fall due before an incoming event are inserted before
 * it, so the log never disagrees with the rules (docs/ARCHITECTURE.md).
 *
 * An event dated before the history's last one (a late fact) takes its place
 * in business order: the whole reordered history is checked (late-facts.ts),
 * and the deadlines it newly implies are appended after it.
 */
import { deadlineEvent, nextDeadline, recordsDeadline, type Deadline } from './deadlines.js';
import type { CourtshipEvent, StoredEvent } from './events.js';
import { ownedCopy } from './draft.js';
import { applyFact, landsAtEnd } from './history.js';
import { checkInvariants, checkOpening } from './invariants.js';
import { refuse } from './refusals.js';
import { placeLateFact } from './late-facts.js';
import type { Rules } from './rules.js';
import type { RelationshipState } from './state.js';

export interface AppendCommand {
  readonly relationshipId: string;
  readonly events: readonly CourtshipEvent[];
}

export interface DecideContext {
  /** The injected clock, epoch ms. */
  readonly now: number;
  readonly rules: Rules;
}

export interface Decision {
  /** The events to append, in order. */
  readonly events: CourtshipEvent[];
  /** The state once they are appended. */
  readonly state: RelationshipState;
}

/** How far ahead of the clock an event may claim to have happened (clock skew between systems). */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * The events to append, in order: the incoming ones, with any due
 * DeadlineReached inserted before them (and, after a late fact, the deadlines
 * it implies after it). `recorded` is the stream so far: needed only when a
 * late fact arrives (`needsHistory` says whether one may).
 */
export function decide(
  command: AppendCommand,
  state: RelationshipState,
  context: DecideContext,
  recorded?: readonly StoredEvent[],
): CourtshipEvent[] {
  return decideWithState(command, state, context, recorded).events;
}

export function decideWithState(
  command: AppendCommand,
  state: RelationshipState,
  context: DecideContext,
  recorded?: readonly StoredEvent[],
  /** True when the caller owns `state` and every collection of it: it is then written in place (the importer's fold). */
  inPlace = false,
): Decision {
  const out: CourtshipEvent[] = [];
  let current = inPlace ? state : ownedCopy(state);
  const appended: StoredEvent[] = [];
  const append = (event: CourtshipEvent) => {
    const item = { event, revision: current.version + 1 };
    applyFact(current, item, context.rules);
    appended.push(item);
    out.push(event);
  };
  command.events.forEach((event, index) => {
    checkTime(event, index, current, context.now);
    checkOpening(event, index, current, command.relationshipId);
    if (!landsAtEnd(current, event)) {
      if (recorded === undefined) throw new Error('decide: a late fact needs the recorded stream');
      const placed = placeLateFact(
        { relationshipId: command.relationshipId, event, index, history: [...recorded, ...appended] },
        current.version + 1,
        context,
      );
      current = placed.state;
      placed.appended.forEach((item) => appended.push(item));
      placed.appended.forEach((item) => out.push(item.event));
      return;
    }
    for (let due = nextDeadline(current, context.rules); due !== null && due.at <= event.occurredAt; ) {
      if (due.at > context.now) refuseAheadOfDeadline(event, index, due, context.now);
      if (recordsDeadline(event, due)) break;
      append(deadlineEvent(due));
      due = nextDeadline(current, context.rules);
    }
    checkInvariants(event, index, current, context.rules, command.relationshipId);
    append(event);
  });
  return { events: out, state: current };
}

/** True when a batch may hold a late fact, for which `decide` needs the recorded stream. */
export function needsHistory(state: RelationshipState, events: readonly CourtshipEvent[]): boolean {
  let last = state.lastEventAt;
  for (const event of events) {
    if (last !== null && event.occurredAt <= last) return true;
    last = event.occurredAt;
  }
  return false;
}

/**
 * An event dated within the clock-skew allowance but after a deadline that has
 * not passed yet: recording the deadline now would close the relationship
 * early, and recording the event without it would put the deadline behind it.
 */
export function refuseAheadOfDeadline(event: CourtshipEvent, index: number, due: Deadline, now: number): never {
  return refuse('OCCURRED_AT_IN_FUTURE', index, 'occurredAt', { occurredAt: event.occurredAt, now, pending: due });
}

function checkTime(event: CourtshipEvent, index: number, s: RelationshipState, now: number): void {
  if (s.openedAt !== null && event.occurredAt < s.openedAt) {
    refuse('OCCURRED_AT_BEFORE_OPENING', index, 'occurredAt', { occurredAt: event.occurredAt, openedAt: s.openedAt });
  }
  if (event.occurredAt > now + MAX_CLOCK_SKEW_MS) {
    refuse('OCCURRED_AT_IN_FUTURE', index, 'occurredAt', { occurredAt: event.occurredAt, now });
  }
}
