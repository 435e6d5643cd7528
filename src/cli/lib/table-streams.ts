/**
 * The relationships of a tenant for the CSV tables, one stream at a time, as
 * `readRelationships` gives them but decoded for the tables alone: the
 * stream's ids are parsed once per stream (not once per event), and events
 * carry no encoded global position (a cursor built with a base64 buffer per
 * event, which only the API's phase-history cause shows; no table writes
 * it). Any store of the port.
 */
import type { StoredEvent } from '../../domain/events.js';
import { decodeRecorded, streamIdFor, tenantStreamPrefix } from '../../app/relationship-stream.js';
import type { EventStore, RecordedEvent } from '../../store/port.js';
import type { RelationshipStream } from './log.js';

const STREAM_PAGE = 500;

export async function* readTableStreams(store: EventStore, tenant: string): AsyncGenerator<RelationshipStream> {
  const prefix = tenantStreamPrefix(tenant);
  let after: string | undefined;
  for (;;) {
    const streams = await store.listStreams(after === undefined ? { prefix, limit: STREAM_PAGE } : { prefix, after, limit: STREAM_PAGE });
    if (streams.length === 0) return;
    for (const streamId of streams) {
      const relationshipId = streamId.slice(prefix.length);
      const recorded = await store.readStream(streamIdFor(tenant, relationshipId));
      yield { id: relationshipId, events: tableEvents(recorded, { tenant, relationshipId }), recorded };
    }
    after = streams[streams.length - 1]!;
  }
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
