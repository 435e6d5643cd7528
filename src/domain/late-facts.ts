/**
 * Placing a late fact: an incoming event dated before the history's last one
 * takes its place in business order, and the whole reordered history is
 * checked by the rules `decide` enforces (docs/ARCHITECTURE.md, "Business time
 * and record time").
 *
 * The walk re-folds the stream in business order with the new event in it:
 * - each recorded event must still be valid where it now stands (a withdrawal
 *   dated before recorded courtship events closes the relationship under
 *   them): otherwise the late fact is refused, naming that recorded event;
 * - the new event must be valid at its place (an answer dated before its
 *   question is not): otherwise it is refused, naming the recorded event it
 *   would have to follow, when there is one;
 * - a recorded DeadlineReached the new history does not support is skipped
 *   (it stays in the log and stops counting); a deadline the new history
 *   implies before a later recorded event is appended after the late fact,
 *   dated at its exact instant, so the log never disagrees with the rules.
 */
import { deadlineEvent, nextDeadline, recordsDeadline } from './deadlines.js';
import type { CourtshipEvent, StoredEvent } from './events.js';
import { DomainError } from './errors.js';
import { ownedCopy } from './draft.js';
import { applyFact, inBusinessOrder } from './history.js';
import { checkInvariants, checkOpening } from './invariants.js';
import { REFUSALS } from './refusals.js';
import type { Rules } from './rules.js';
import { initialState, type RelationshipState } from './state.js';

export interface LateFact {
  readonly relationshipId: string;
  readonly event: CourtshipEvent;
  /** Its index in the incoming batch. */
  readonly index: number;
  /** Everything recorded before it (the stream, then the batch's earlier events), with revisions. */
  readonly history: readonly StoredEvent[];
}

export interface PlacedLateFact {
  readonly state: RelationshipState;
  /** The late fact, then the deadlines it implies, with their revisions. */
  readonly appended: StoredEvent[];
}

export function placeLateFact(
  fact: LateFact,
  revision: number,
  context: { readonly now: number; readonly rules: Rules },
): PlacedLateFact {
  const { rules } = context;
  const incoming: StoredEvent = { event: fact.event, revision };
  const state = ownedCopy(initialState(fact.relationshipId));
  const appended: StoredEvent[] = [incoming];
  let nextRevision = revision + 1;
  /** Why the late fact is invalid at its own place, while the walk looks for the event it would have to follow. */
  let ownRefusal: DomainError | null = null;

  for (const item of inBusinessOrder([...fact.history, incoming])) {
    if (ownRefusal === null) {
      for (let due = nextDeadline(state, rules); due !== null && comesBefore(due.at, item) && !recordsDeadline(item.event, due); ) {
        if (due.at > context.now) break;
        const implied: StoredEvent = { event: deadlineEvent(due), revision: nextRevision++ };
        applyFact(state, implied, rules);
        appended.push(implied);
        due = nextDeadline(state, rules);
      }
    }
    if (item === incoming) {
      try {
        checkOpening(item.event, fact.index, state, fact.relationshipId);
        checkInvariants(item.event, fact.index, state, rules, fact.relationshipId);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        ownRefusal = error;
        continue;
      }
      applyFact(state, item, rules);
      continue;
    }
    if (ownRefusal === null && item.event.type !== 'DeadlineReached') {
      try {
        checkOpening(item.event, fact.index, state, fact.relationshipId);
        checkInvariants(item.event, fact.index, state, rules, fact.relationshipId);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        throw contradiction(fact, item, error, 'which the rules then refuse');
      }
    }
    applyFact(state, item, rules);
    if (ownRefusal !== null && wouldPass(fact, state, rules)) {
      throw contradiction(fact, item, ownRefusal, 'which it would have to follow');
    }
  }
  if (ownRefusal !== null) throw ownRefusal;
  return { state, appended };
}

/** A deadline at `at` (appended after everything recorded) comes before `item` in business order. */
function comesBefore(at: number, item: StoredEvent): boolean {
  return at < item.event.occurredAt || (at === item.event.occurredAt && item.event.type !== 'DeadlineReached');
}

function wouldPass(fact: LateFact, state: RelationshipState, rules: Rules): boolean {
  try {
    checkOpening(fact.event, fact.index, state, fact.relationshipId);
    checkInvariants(fact.event, fact.index, state, rules, fact.relationshipId);
    return true;
  } catch (error) {
    if (error instanceof DomainError) return false;
    throw error;
  }
}

function contradiction(fact: LateFact, recorded: StoredEvent, cause: DomainError, how: string): DomainError {
  const { event } = recorded;
  const reason = cause.message.replace(/^events\[\d+\] refused: /, '').replace(/\.$/, '');
  const text = REFUSALS.CONTRADICTS_RECORDED_EVENT({
    occurredAt: fact.event.occurredAt,
    recorded: { type: event.type, revision: recorded.revision, occurredAt: event.occurredAt },
    how,
    reason,
  });
  return new DomainError(
    'CONTRADICTS_RECORDED_EVENT',
    `events[${fact.index}] refused: ${text}.`,
    `events[${fact.index}].occurredAt`,
    fact.index,
    { revision: recorded.revision, type: event.type, occurredAt: event.occurredAt },
  );
}
