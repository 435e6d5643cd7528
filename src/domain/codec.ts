/**
 * The stored shape of an event (docs/ARCHITECTURE.md, "Streams, tenants,
 * envelopes"): `{ occurredAt, actor, data }` with instants as ISO 8601 UTC
 * strings, so the log reads well in any tool; the schema version travels in the
 * metadata.
 *
 * Decoding trusts the payload (it passed `parseEventInput` when appended) and
 * does no validation beyond the type: replays and projections read millions
 * of events.
 */
import { EVENT_TYPES, type Actor, type CourtshipEvent, type EventType } from './events.js';
import { DomainError } from './errors.js';
import { INSTANT_FIELDS } from './schemas.js';
import { formatInstant, parseInstant } from './time.js';
import { SCHEMA_VERSIONS, upcast } from './upcast.js';

export interface StoredPayload {
  readonly occurredAt: string;
  readonly actor: Actor;
  readonly data: Record<string, unknown>;
}

export interface EncodedEvent {
  readonly type: EventType;
  readonly payload: StoredPayload;
  readonly schemaVersion: number;
}

export function encodeEvent(event: CourtshipEvent): EncodedEvent {
  const data: Record<string, unknown> = { ...event.data };
  for (const field of INSTANT_FIELDS[event.type] ?? []) {
    if (typeof data[field] === 'number') data[field] = formatInstant(data[field]);
  }
  return {
    type: event.type,
    payload: { occurredAt: formatInstant(event.occurredAt), actor: event.actor, data },
    schemaVersion: SCHEMA_VERSIONS[event.type],
  };
}

/** A set: a stored type is a fresh string, which a hash lookup reads once instead of comparing against each type. */
const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

export function decodeEvent(type: string, payload: StoredPayload, schemaVersion: number): CourtshipEvent {
  if (!KNOWN_TYPES.has(type)) {
    throw new DomainError('UNKNOWN_EVENT_TYPE', `stored event type "${type}" is not one Courtship knows.`, 'type');
  }
  const eventType = type as EventType;
  const data = { ...(upcast(eventType, schemaVersion, payload.data ?? {}) as Record<string, unknown>) };
  for (const field of INSTANT_FIELDS[eventType] ?? []) {
    if (typeof data[field] === 'string') data[field] = readInstant(data[field]);
  }
  return { type: eventType, occurredAt: readInstant(payload.occurredAt), actor: payload.actor, data } as CourtshipEvent;
}

/**
 * A stored instant (written by `formatInstant`, so canonical): the domain's
 * digit-by-digit parser reads it in about half the time of `Date.parse`, which
 * still reads anything else exactly as before.
 */
function readInstant(text: string): number {
  return parseInstant(text) ?? Date.parse(text);
}
