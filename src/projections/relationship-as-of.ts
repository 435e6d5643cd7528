/**
 * One relationship as it stood at a past business instant, known at a record
 * instant, replayed from its stream with the one `stateAsOf` every
 * bitemporal read uses.
 */
import type { RelationshipRow } from '../app/read-side.js';
import { stateAsOf, type Instants } from '../app/state-as-of.js';
import type { Rules } from '../domain/rules.js';
import type { EventStore } from '../store/port.js';
import { streamIdFor, toStoredEvents } from '../app/relationship-stream.js';

/** Null when the relationship was not yet opened at `asOf` (or does not exist). */
export async function replayRelationshipAt(store: EventStore, rules: Rules, tenant: string, id: string, instants: Instants & { asOf: number }): Promise<RelationshipRow | null> {
  const recorded = await store.readStream(streamIdFor(tenant, id));
  const state = stateAsOf(toStoredEvents(recorded), instants, rules, id);
  if (state.phase === null) return null;
  const last = recorded.filter((r) => r.revision <= state.version).at(-1);
  return { tenant, id, state, position: last?.position ?? 0n };
}
