/**
 * A stored row of the log (capabilities.ts, `storedRows`) taken apart
 * without parsing its JSON, for the exports that copy the stored text
 * (NDJSON lines, the events table): the pieces are exactly what decoding the
 * row would give, or the row is not in the form that makes this exact.
 */
import type { EventType } from '../../domain/events.js';
import { EVENT_TYPES } from '../../domain/events.js';
import { SCHEMA_VERSIONS } from '../../domain/upcast.js';
import { parseStreamId } from '../../app/relationship-stream.js';
import type { LogRow } from '../../store/capabilities.js';
import { CANONICAL_INSTANT } from './event-line.js';

export interface StoredRowParts {
  readonly tenant: string;
  readonly relationshipId: string;
  /** The canonical ISO instant, as `formatInstant` writes it. */
  readonly occurredAt: string;
  /** The actor as a JSON string literal, quotes included. */
  readonly actorJson: string;
  /** The event's data as JSON text: an object. */
  readonly dataJson: string;
  /** The user metadata as JSON text (an object), or null when there is none. */
  readonly userMetadataJson: string | null;
}

const OCCURRED_AT = '{"occurredAt":"';
/** `formatInstant`'s form: 2025-01-06T09:00:00.000Z. */
const INSTANT_LENGTH = 24;
const ACTOR = '","actor":"';
const DATA = ',"data":{';
const USER_METADATA = ',"metadata":{';
const KNOWN_TYPES = new Set<string>(EVENT_TYPES);

/**
 * The row's pieces, or null when the row is not in the form that makes them
 * exact: a relationship event of a type this release knows, stored in its
 * current schema version as `encodeEvent` and `toNewEvent` lay it out
 * (`{"occurredAt":<canonical>,"actor":"…","data":{…}}`, and metadata
 * `{"tenant":…,"relationshipId":…,"schemaVersion":<current>[,"metadata":{…}]}`),
 * which is what `decodeRecorded` would pass through unchanged. The store
 * writes JSON.stringify's text, which parsing and stringifying again
 * reproduces character for character.
 */
export function storedRowParts(row: LogRow): StoredRowParts | null {
  if (!KNOWN_TYPES.has(row.type)) return null;
  const ids = parseStreamId(row.streamId);
  if (ids === null) return null;
  const data = row.data;
  const occurredAt = data.slice(OCCURRED_AT.length, OCCURRED_AT.length + INSTANT_LENGTH);
  if (!data.startsWith(OCCURRED_AT) || !CANONICAL_INSTANT.test(occurredAt)) return null;
  const actorAt = OCCURRED_AT.length + INSTANT_LENGTH;
  if (!data.startsWith(ACTOR, actorAt)) return null;
  const dataAt = endOfString(data, actorAt + ACTOR.length - 1);
  if (dataAt < 0 || !data.startsWith(DATA, dataAt) || endOfValue(data, dataAt + DATA.length - 1) !== data.length - 1 || !data.endsWith('}')) {
    return null;
  }

  const base = `{"tenant":"${ids.tenant}","relationshipId":"${ids.relationshipId}","schemaVersion":${SCHEMA_VERSIONS[row.type as EventType]}`;
  const metadata = row.metadata;
  let userMetadataJson: string | null = null;
  if (!(metadata.length === base.length + 1 && metadata.startsWith(base) && metadata.endsWith('}'))) {
    if (!metadata.startsWith(base) || !metadata.startsWith(USER_METADATA, base.length)) return null;
    const from = base.length + USER_METADATA.length - 1;
    if (endOfValue(metadata, from) !== metadata.length - 1 || !metadata.endsWith('}')) return null;
    userMetadataJson = metadata.slice(from, -1);
  }
  return {
    tenant: ids.tenant,
    relationshipId: ids.relationshipId,
    occurredAt,
    actorJson: data.slice(actorAt + ACTOR.length - 1, dataAt),
    dataJson: data.slice(dataAt + DATA.length - 1, -1),
    userMetadataJson,
  };
}

/** Index just past the JSON string whose opening quote is at `start`, or -1. */
function endOfString(text: string, start: number): number {
  if (text.charCodeAt(start) !== QUOTE) return -1;
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return -1;
}

/** Index just past the JSON object or array that opens at `start` (in valid JSON text), or -1. */
function endOfValue(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = endOfString(text, i) - 1;
      if (i < 0) return -1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
