/**
 * "The state as of T, known at K": the one function every bitemporal read
 * uses (a relationship, a page of relationships, the analytics), so they all
 * answer alike (docs/ARCHITECTURE.md, "Business time and record time").
 *
 * - knownAt K (a record instant): only the events recorded by K count;
 * - asOf T (a business instant): of those, the ones that occurred by T,
 *   folded in business order, then the deadlines due by T (virtual, as
 *   `stateAt` applies them).
 * Without asOf, the state is as of K (what was believed then, about then);
 * without either, the fold of the whole stream. Each phase-history entry
 * keeps the `recordedAt` the projector gave it (when that change became
 * known), computed here by recording the events in record order.
 */
import type { StoredEvent } from '../domain/events.js';
import { stateAt } from '../domain/fold.js';
import { recordFact, sameChange } from '../domain/history.js';
import type { Rules } from '../domain/rules.js';
import { initialState, type RelationshipState } from '../domain/state.js';

export interface Instants {
  /** Business instant, epoch ms. */
  readonly asOf?: number | undefined;
  /** Record instant, epoch ms. */
  readonly knownAt?: number | undefined;
}

/** `events`: a relationship's stream in record order, with record times. */
export function stateAsOf(events: readonly StoredEvent[], instants: Instants, rules: Rules, id: string): RelationshipState {
  const { knownAt } = instants;
  const known = knownAt === undefined ? events : recordedBy(events, knownAt);
  const recorded = stateKnownAt(known, undefined, rules, id);
  const asOf = instants.asOf ?? knownAt;
  if (asOf === undefined) return recorded;
  const then = stateAt(known, asOf, rules, initialState(id));
  const stamps = recorded.phaseHistory;
  then.phaseHistory = then.phaseHistory.map((change, i) => {
    const stamp = stamps[i];
    return stamp !== undefined && stamp.recordedAt !== undefined && sameChange(stamp, change)
      ? { ...change, recordedAt: stamp.recordedAt }
      : change;
  });
  return then;
}

/**
 * The projector's row as it stood at record instant `knownAt` (undefined: now):
 * the events recorded by then, recorded one by one in log order, with no
 * deadline applied beyond those recorded.
 */
export function stateKnownAt(events: readonly StoredEvent[], knownAt: number | undefined, rules: Rules, id: string): RelationshipState {
  const known = knownAt === undefined ? events : recordedBy(events, knownAt);
  let recorded = initialState(id);
  known.forEach((item, i) => {
    recorded = recordFact(recorded, item, rules, () => known.slice(0, i), i > 0).state;
  });
  return recorded;
}

function recordedBy(events: readonly StoredEvent[], knownAt: number): readonly StoredEvent[] {
  return events.filter((item) => item.recordedAt === undefined || item.recordedAt <= knownAt);
}
