/**
 * The relationships of a tenant for the CSV tables, one stream at a time, in
 * id order, decoded for the tables alone: the stream's ids are known once
 * per stream (not parsed once per event), and events carry their record
 * time but no encoded global position (a cursor built with a base64 buffer
 * per event, which only the API's phase-history cause shows; no table
 * writes it). Two ways to the same events:
 *
 * - any store of the port: `readRelationships`, each stream as recorded;
 * - a store that declares lean streams (the embedded one): each stream in
 *   the lean form a fold reads (no event ids, positions or metadata but the
 *   schema version), which spares most of what reading a stream costs.
 */
import type { StoredEvent } from '../../domain/events.js';
import { decodeRecorded, decodeStreamEvent } from '../../app/relationship-stream.js';
import type { LeanStreams } from '../../store/capabilities.js';
import type { EventStore, RecordedEvent } from '../../store/port.js';
import { readRelationships, tenantStreams } from './log.js';

export interface TableStream {
  readonly id: string;
  /** In revision order, each with its recordedAt. */
  readonly events: StoredEvent[];
}

export function readTableStreams(store: EventStore, tenant: string): AsyncGenerator<TableStream> {
  const lean = store.capabilities?.leanStreams;
  return lean === undefined ? portTableStreams(store, tenant) : leanTableStreams(store, lean, tenant);
}

export function portTableStreams(store: EventStore, tenant: string): AsyncGenerator<TableStream> {
  return readRelationships(store, tenant, tableEvents);
}

/** `toStoredEvents` without the position cursors, the stream's ids given. */
function tableEvents(recorded: readonly RecordedEvent[], ids: { readonly tenant: string; readonly relationshipId: string }): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (const each of recorded) {
    const decoded = decodeRecorded(each, ids);
    if (decoded !== null) events.push({ event: decoded.event, revision: decoded.revision, recordedAt: each.recordedAt.getTime() });
  }
  return events;
}

export async function* leanTableStreams(store: EventStore, lean: LeanStreams, tenant: string): AsyncGenerator<TableStream> {
  for await (const { streamId, id } of tenantStreams(store, tenant)) {
    const events: StoredEvent[] = [];
    for (const each of lean.readLeanStream(streamId)) {
      const event = decodeStreamEvent(each);
      if (event !== null) events.push({ event, revision: each.revision, recordedAt: each.recordedAtMs });
    }
    yield { id, events };
  }
}
