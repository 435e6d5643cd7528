/**
 * One relationship as it stood at a past instant, replayed from its stream:
 * the events that occurred by then, then the deadlines due by then.
 */
import type { RelationshipRow } from '../app/read-side.js';
import { stateAt } from '../domain/fold.js';
import type { Rules } from '../domain/rules.js';
import { initialState } from '../domain/state.js';
import type { EventStore } from '../store/port.js';
import { streamIdFor, toStoredEvents } from './envelope.js';

/** Null when the relationship was not yet opened at `at` (or does not exist). */
export async function replayRelationshipAt(store: EventStore, rules: Rules, tenant: string, id: string, at: number): Promise<RelationshipRow | null> {
  const recorded = await store.readStream(streamIdFor(tenant, id));
  const state = stateAt(toStoredEvents(recorded), at, rules, initialState(id));
  if (state.phase === null) return null;
  const last = recorded.filter((r) => r.revision <= state.version).at(-1);
  return { tenant, id, state, position: last?.position ?? 0n };
}
