/**
 * The NDJSON line format that `import` reads and `export` writes: one event
 * per line, `{ relationshipId, type, occurredAt, actor, data, eventId?,
 * metadata? }` (plus `tenant` in an export of every tenant). It is the
 * API's EventInput with the relationship named on each line.
 */
import { createHash } from 'node:crypto';
import type { StoredPayload } from '../../domain/codec.js';
import { formatInstant } from '../../domain/time.js';
import type { LogEntry } from './log.js';

export interface EventLine {
  readonly tenant?: string;
  readonly relationshipId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly actor: string;
  readonly data?: unknown;
  readonly eventId?: string;
  readonly metadata?: Record<string, unknown>;
}

/** The canonical instant form (`formatInstant`): such a stored string needs no re-encoding. */
export const CANONICAL_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/**
 * A logged event as a line. The data is the decoded event's data in the
 * API's form (`DecodedEvent.data`: events stored under an older schema
 * version come out re-encoded in the current one, the one import validates
 * against); the stored occurredAt is kept when it is already canonical.
 */
export function toEventLine(entry: LogEntry, withTenant: boolean): EventLine {
  const { decoded, recorded } = entry;
  const stored = (recorded.data as Partial<StoredPayload> | null)?.occurredAt;
  return {
    ...(withTenant ? { tenant: decoded.tenant } : {}),
    relationshipId: decoded.relationshipId,
    type: decoded.event.type,
    occurredAt: typeof stored === 'string' && CANONICAL_INSTANT.test(stored) ? stored : formatInstant(decoded.event.occurredAt),
    actor: decoded.event.actor,
    data: decoded.data ?? {},
    eventId: recorded.id,
    ...(decoded.userMetadata === null ? {} : { metadata: decoded.userMetadata }),
  };
}

/**
 * The event id of a line that has none: a UUID derived from the tenant, the
 * relationship, the line's exact text and its ordinal among the
 * relationship's lines in the file. Re-running the same file (after an
 * interruption, or by mistake) therefore offers the same ids, and the store
 * writes nothing twice; two identical lines of one relationship still get
 * distinct ids.
 */
export function derivedEventId(tenant: string, relationshipId: string, text: string, ordinal: number): string {
  const hash = createHash('sha256').update(`${tenant}\u0000${relationshipId}\u0000${ordinal}\u0000${text}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x80;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
