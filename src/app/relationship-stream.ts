/**
 * The stored shape of a Courtship event, and the stream naming.
 *
 * A relationship's stream is `rel-<tenant>-<relationshipId>`; tenant ids never
 * contain `-`, so the first two dashes split it. In the store an event is
 * `{ type, data: { occurredAt: ISO, actor, data }, metadata: { tenant,
 * relationshipId, schemaVersion, metadata? } }` (see docs/ARCHITECTURE.md).
 */
import { decodeEvent, encodeEvent, type StoredPayload } from '../domain/codec.js';
import { DomainError } from '../domain/errors.js';
import type { CourtshipEvent, StoredEvent } from '../domain/events.js';
import { CURRENT_SCHEMA_VERSION, SCHEMA_VERSIONS } from '../domain/upcast.js';
import { encodePosition, type NewEvent, type RecordedEvent } from '../store/port.js';

/** Tenant ids are part of stream ids (`rel-<tenant>-<id>`), so no `-`. */
export const TENANT_PATTERN = /^[a-z0-9_]{1,40}$/;
export const RELATIONSHIP_ID_PATTERN = /^[A-Za-z0-9_.:~@+-]{1,128}$/;

const STREAM_PREFIX = 'rel-';

export function streamIdFor(tenant: string, relationshipId: string): string {
  return `${STREAM_PREFIX}${tenant}-${relationshipId}`;
}

/** The stream-id prefix under which every relationship of a tenant lives. */
export function tenantStreamPrefix(tenant: string): string {
  return `${STREAM_PREFIX}${tenant}-`;
}

export function parseStreamId(streamId: string): { tenant: string; relationshipId: string } | null {
  if (!streamId.startsWith(STREAM_PREFIX)) return null;
  const dash = streamId.indexOf('-', STREAM_PREFIX.length);
  if (dash < 0) return null;
  return { tenant: streamId.slice(STREAM_PREFIX.length, dash), relationshipId: streamId.slice(dash + 1) };
}

export interface StoredMetadata {
  tenant: string;
  relationshipId: string;
  schemaVersion: number;
  metadata?: Record<string, unknown>;
}

/** The store's form of a domain event (instants as ISO strings, via the domain's codec). */
export function toNewEvent(
  id: string,
  tenant: string,
  relationshipId: string,
  event: CourtshipEvent,
  userMetadata?: Record<string, unknown> | null,
): NewEvent {
  const encoded = encodeEvent(event);
  const metadata: StoredMetadata = { tenant, relationshipId, schemaVersion: encoded.schemaVersion };
  if (userMetadata) metadata.metadata = userMetadata;
  return { id, type: encoded.type, data: encoded.payload, metadata: metadata as unknown as Record<string, unknown> };
}

export interface DecodedEvent {
  readonly tenant: string;
  readonly relationshipId: string;
  readonly event: CourtshipEvent;
  readonly revision: number;
  readonly position: bigint;
  /** The event's data as the API takes it: current schema, instants as ISO strings. */
  readonly data: unknown;
  readonly userMetadata: Record<string, unknown> | null;
}

/**
 * Turns a recorded event into a domain event (upcast to the current schema),
 * or null when it is not a relationship event or not one this release knows:
 * such an event is passed over, as `evolve` would ignore it anyway.
 */
export function decodeRecorded(
  recorded: Omit<RecordedEvent, 'id' | 'recordedAt'>,
  /** The stream's ids when the caller already parsed them (a fold, once per stream). */
  known?: { readonly tenant: string; readonly relationshipId: string },
): DecodedEvent | null {
  const ids = known ?? parseStreamId(recorded.streamId);
  if (!ids) return null;
  const event = decodeStreamEvent(recorded);
  if (event === null) return null;
  const metadata = recorded.metadata as Partial<StoredMetadata>;
  const payload = recorded.data as StoredPayload;
  const schemaVersion = metadata.schemaVersion ?? CURRENT_SCHEMA_VERSION;
  return {
    tenant: ids.tenant,
    relationshipId: ids.relationshipId,
    event,
    revision: recorded.revision,
    position: recorded.position,
    // Stored data of the current schema is already in the API's form; only older data is re-encoded.
    data: schemaVersion === SCHEMA_VERSIONS[event.type] ? payload.data : encodeEvent(event).payload.data,
    userMetadata: metadata.metadata ?? null,
  };
}

/**
 * The domain event of a stream's record, read from its type, data and
 * metadata alone (the lean form a fold reads), or null when `decodeRecorded`
 * passes it over.
 */
export function decodeStreamEvent(recorded: Pick<RecordedEvent, 'type' | 'data' | 'metadata'>): CourtshipEvent | null {
  const schemaVersion = (recorded.metadata as Partial<StoredMetadata>).schemaVersion ?? CURRENT_SCHEMA_VERSION;
  try {
    return decodeEvent(recorded.type, recorded.data as StoredPayload, schemaVersion);
  } catch (error) {
    if (error instanceof DomainError) return null;
    throw error;
  }
}

/** A stream's recorded events as the domain folds them (events this release does not know are passed over). */
export function toStoredEvents(recorded: readonly RecordedEvent[]): StoredEvent[] {
  return recorded.flatMap((each): StoredEvent[] => {
    const decoded = decodeRecorded(each);
    return decoded === null
      ? []
      : [{ event: decoded.event, revision: decoded.revision, position: encodePosition(decoded.position), recordedAt: each.recordedAt.getTime() }];
  });
}
