/**
 * Reading the store for the data commands, a page at a time so memory stays
 * flat however long the log: the global log in order, and the relationships
 * of a tenant one stream at a time.
 */
import type { StoredEvent } from '../../domain/events.js';
import { decodeRecorded, streamIdFor, tenantStreamPrefix, toStoredEvents, type DecodedEvent } from '../../app/relationship-stream.js';
import type { EventStore, RecordedEvent } from '../../store/port.js';

/** Events per page of the log. */
export const LOG_PAGE = 2000;
export const STREAM_PAGE = 500;

export interface LogEntry {
  readonly recorded: RecordedEvent;
  readonly decoded: DecodedEvent;
}

/**
 * The relationship events of the global log, in log order (one tenant's, or
 * every tenant's when `tenant` is null), a page at a time: a consumer that
 * works per page (the export) pays for one await per page, not per event.
 */
export async function* readLog(store: EventStore, tenant: string | null): AsyncGenerator<LogEntry[]> {
  let after: bigint | undefined;
  for (;;) {
    const page = await store.readAll(after === undefined ? { maxCount: LOG_PAGE } : { after, maxCount: LOG_PAGE });
    if (page.length === 0) return;
    const entries: LogEntry[] = [];
    for (const recorded of page) {
      const decoded = decodeRecorded(recorded);
      if (decoded !== null && (tenant === null || decoded.tenant === tenant)) entries.push({ recorded, decoded });
    }
    yield entries;
    after = page[page.length - 1]!.position;
  }
}

export interface RelationshipStream {
  readonly id: string;
  readonly events: StoredEvent[];
  /** The stream as stored (for what the domain events do not carry: recordedAt, event ids). */
  readonly recorded: RecordedEvent[];
}

/** Every relationship of the tenant with its stream, one at a time, in id order. */
export async function* readRelationships(
  store: EventStore,
  tenant: string,
  /** How a stream's records become events (the API's form, with position cursors, by default). */
  decode: (recorded: readonly RecordedEvent[], ids: { readonly tenant: string; readonly relationshipId: string }) => StoredEvent[] = (recorded) =>
    toStoredEvents(recorded),
): AsyncGenerator<RelationshipStream> {
  for await (const { streamId, id } of tenantStreams(store, tenant)) {
    const recorded = await store.readStream(streamId);
    yield { id, events: decode(recorded, { tenant, relationshipId: id }), recorded };
  }
}

/** The streams of a tenant's relationships, in id order, listed a page at a time: each stream's id and its relationship's. */
export async function* tenantStreams(store: Pick<EventStore, 'listStreams'>, tenant: string): AsyncGenerator<{ streamId: string; id: string }> {
  const prefix = tenantStreamPrefix(tenant);
  let after: string | undefined;
  for (;;) {
    const streams = await store.listStreams(after === undefined ? { prefix, limit: STREAM_PAGE } : { prefix, after, limit: STREAM_PAGE });
    if (streams.length === 0) return;
    for (const streamId of streams) yield { streamId, id: streamId.slice(prefix.length) };
    after = streams[streams.length - 1]!;
  }
}

export async function readRelationship(store: EventStore, tenant: string, id: string): Promise<StoredEvent[]> {
  return toStoredEvents(await store.readStream(streamIdFor(tenant, id)));
}
