/**
 * Relationships as they stood at a past business instant, known at a record
 * instant, replayed from their streams with the one `stateAsOf` every
 * bitemporal read uses. A store that reads many streams at once
 * (capabilities.ts, `manyStreams`) gives a page's streams in one statement,
 * in the lean form a fold reads; any other store, one `readStream` each.
 */
import type { RelationshipRow } from '../app/read-side.js';
import { stateAsOf, type Instants } from '../app/state-as-of.js';
import type { StoredEvent } from '../domain/events.js';
import type { Rules } from '../domain/rules.js';
import { encodePosition, type EventStore, type RecordedEvent } from '../store/port.js';
import type { FoldableEvent } from '../store/capabilities.js';
import { decodeRecorded, streamIdFor, toStoredEvents } from '../app/relationship-stream.js';

/** A stream's records as a replay reads them: their revisions and positions, and the domain events among them. */
interface ReplayedStream {
  readonly records: readonly { readonly revision: number; readonly position: bigint }[];
  readonly events: readonly StoredEvent[];
}

/** Null when the relationship was not yet opened at `asOf` (or does not exist). */
export async function replayRelationshipAt(store: EventStore, rules: Rules, tenant: string, id: string, instants: Instants & { asOf: number }): Promise<RelationshipRow | null> {
  return (await replayRelationshipsAt(store, rules, tenant, [id], instants))[0]!;
}

/** Each relationship of `ids`, in that order, as `replayRelationshipAt` gives it. */
export async function replayRelationshipsAt(
  store: EventStore,
  rules: Rules,
  tenant: string,
  ids: readonly string[],
  instants: Instants & { asOf: number },
): Promise<(RelationshipRow | null)[]> {
  const many = store.capabilities?.manyStreams;
  if (many !== undefined) {
    const streams = many.readStreamsNow(ids.map((id) => streamIdFor(tenant, id)));
    return ids.map((id) => rowAt(tenant, id, leanStream(tenant, id, streams.get(streamIdFor(tenant, id)) ?? []), instants, rules));
  }
  const rows: (RelationshipRow | null)[] = [];
  for (const id of ids) {
    const recorded: RecordedEvent[] = await store.readStream(streamIdFor(tenant, id));
    rows.push(rowAt(tenant, id, { records: recorded, events: toStoredEvents(recorded) }, instants, rules));
  }
  return rows;
}

/** The one place a replayed row is built: its state at the instants, and the position of the last record that state folds. */
function rowAt(tenant: string, id: string, stream: ReplayedStream, instants: Instants & { asOf: number }, rules: Rules): RelationshipRow | null {
  const state = stateAsOf(stream.events, instants, rules, id);
  if (state.phase === null) return null;
  const last = stream.records.filter((r) => r.revision <= state.version).at(-1);
  return { tenant, id, state, position: last?.position ?? 0n };
}

/** As `toStoredEvents` turns a recorded stream into domain events, for a lean one. */
function leanStream(tenant: string, relationshipId: string, records: readonly FoldableEvent[]): ReplayedStream {
  const known = { tenant, relationshipId };
  const events: StoredEvent[] = [];
  for (const record of records) {
    const decoded = decodeRecorded(record, known);
    if (decoded !== null) events.push({ event: decoded.event, revision: decoded.revision, position: encodePosition(decoded.position), recordedAt: record.recordedAtMs });
  }
  return { records, events };
}
