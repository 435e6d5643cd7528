/**
 * The relationships of a tenant for the CSV tables, one stream at a time, as
 * `readRelationships` gives them but decoded for the tables alone: the
 * stream's ids are parsed once per stream (not once per event), and events
 * carry no encoded global position (a cursor built with a base64 buffer per
 * event, which only the API's phase-history cause shows; no table writes
 * it). Any store of the port.
 */
import type { StoredEvent } from '../../domain/events.js';
import { decodeRecorded } from '../../app/relationship-stream.js';
import type { EventStore, RecordedEvent } from '../../store/port.js';
import { readRelationships, type RelationshipStream } from './log.js';

export function readTableStreams(store: EventStore, tenant: string): AsyncGenerator<RelationshipStream> {
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
