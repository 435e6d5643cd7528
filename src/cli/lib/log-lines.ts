/**
 * The log as NDJSON lines (the import format, see event-line.ts), a page at
 * a time, for `export`. Two ways to the same text:
 *
 * - `encodedLogLines`, any store: each event decoded, then encoded as a line.
 * - `storedLogLines`, the embedded store: the rows' stored JSON copied into
 *   the line where it already is the line's form (the current schema, a
 *   canonical occurredAt), so the bulk of each line is never re-encoded. Any
 *   other row takes the first way. The choice of events (relationship events
 *   this release decodes, of the tenant, in the range) is `decodeRecorded`'s
 *   in both.
 */
import { EVENT_TYPES, type EventType } from '../../domain/events.js';
import { SCHEMA_VERSIONS } from '../../domain/upcast.js';
import { decodeRecorded, parseStreamId, tenantStreamPrefix } from '../../app/relationship-stream.js';
import type { EventStore, RecordedEvent } from '../../store/port.js';
import type { LogRow, StoredRows } from '../../store/capabilities.js';
import { CANONICAL_INSTANT, toEventLine } from './event-line.js';
import { LOG_PAGE, readLog } from './log.js';

export interface Range {
  readonly from: number | undefined;
  readonly to: number | undefined;
}

export function inRange(at: number, range: Range): boolean {
  return (range.from === undefined || at >= range.from) && (range.to === undefined || at <= range.to);
}

/**
 * A page is cut at about this many characters: a longer string built by `+=`
 * costs far more to turn into bytes for the file than a few short ones.
 */
const PAGE_CHARS = 64 * 1024;

/** Some lines of the log, each ending in a line break. */
export interface LinePage {
  readonly text: string;
  readonly count: number;
}

/** Lines gathered into pages of about `PAGE_CHARS`. */
class PageOfLines {
  private text = '';
  private count = 0;

  /** Adds a line; returns the page when it is full (and starts a new one). */
  add(line: string): LinePage | null {
    this.text += `${line}\n`;
    this.count++;
    return this.text.length >= PAGE_CHARS ? this.rest() : null;
  }

  /** The lines gathered since the last page. */
  rest(): LinePage {
    const page = { text: this.text, count: this.count };
    this.text = '';
    this.count = 0;
    return page;
  }
}

/** The log's lines for one tenant (or every tenant, each line naming its own, when `tenant` is null). */
export function logLines(store: EventStore, tenant: string | null, range: Range): AsyncGenerator<LinePage> {
  const rows = store.capabilities?.storedRows;
  return rows === undefined ? encodedLogLines(store, tenant, range) : storedLogLines(rows, tenant, range);
}

export async function* encodedLogLines(store: EventStore, tenant: string | null, range: Range): AsyncGenerator<LinePage> {
  for await (const page of readLog(store, tenant)) {
    const lines = new PageOfLines();
    for (const entry of page) {
      if (!inRange(entry.decoded.event.occurredAt, range)) continue;
      const full = lines.add(JSON.stringify(toEventLine(entry, tenant === null)));
      if (full) yield full;
    }
    yield lines.rest();
  }
}

export async function* storedLogLines(store: StoredRows, tenant: string | null, range: Range): AsyncGenerator<LinePage> {
  // The tenant's rows are told by their stream id alone, before any JSON is parsed.
  const prefix = tenant === null ? null : tenantStreamPrefix(tenant);
  const ranged = range.from !== undefined || range.to !== undefined;
  let after = -1n;
  for (;;) {
    const rows = store.readLogRows(after, LOG_PAGE);
    if (rows.length === 0) return;
    const lines = new PageOfLines();
    for (const row of rows) {
      if (prefix !== null && !row.streamId.startsWith(prefix)) continue;
      let line = copiedLine(row, prefix === null);
      if (line !== null) {
        if (ranged && !inRange(Date.parse(row.data.slice(OCCURRED_AT.length, OCCURRED_AT.length + INSTANT_LENGTH)), range)) continue;
      } else {
        const recorded = toRecorded(row);
        const decoded = decodeRecorded(recorded);
        if (decoded === null || !inRange(decoded.event.occurredAt, range)) continue;
        line = JSON.stringify(toEventLine({ recorded, decoded }, prefix === null));
      }
      const full = lines.add(line);
      if (full) yield full;
    }
    yield lines.rest();
    after = rows[rows.length - 1]!.position;
  }
}

/** A stored row as the port reads it. */
export function toRecorded(row: LogRow): RecordedEvent {
  return {
    id: row.id,
    streamId: row.streamId,
    revision: row.revision,
    position: row.position,
    type: row.type,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
    recordedAt: new Date(row.recordedAt),
  };
}

const OCCURRED_AT = '{"occurredAt":"';
/** `formatInstant`'s form: 2025-01-06T09:00:00.000Z. */
const INSTANT_LENGTH = 24;
const ACTOR = '","actor":"';
const DATA = ',"data":{';
const USER_METADATA = ',"metadata":{';
const KNOWN_TYPES = new Set<string>(EVENT_TYPES);

/**
 * The line `toEventLine` would give for the row, made of the stored text
 * without parsing it, or null when the row is not in the form that makes
 * this exact: a relationship event of a type this release knows, stored in
 * its current schema version as `encodeEvent` and `toNewEvent` lay it out
 * (`{"occurredAt":<canonical>,"actor":"…","data":{…}}`, and metadata
 * `{"tenant":…,"relationshipId":…,"schemaVersion":<current>[,"metadata":{…}]}`),
 * which is what `decodeRecorded` would pass through unchanged. The store
 * writes JSON.stringify's text, which parsing and stringifying again
 * reproduces character for character.
 */
function copiedLine(row: LogRow, withTenant: boolean): string | null {
  if (!KNOWN_TYPES.has(row.type)) return null;
  const ids = parseStreamId(row.streamId);
  if (ids === null) return null;
  const data = row.data;
  if (!data.startsWith(OCCURRED_AT) || !CANONICAL_INSTANT.test(data.slice(OCCURRED_AT.length, OCCURRED_AT.length + INSTANT_LENGTH))) return null;
  const actorAt = OCCURRED_AT.length + INSTANT_LENGTH;
  if (!data.startsWith(ACTOR, actorAt)) return null;
  const dataAt = endOfString(data, actorAt + ACTOR.length - 1);
  if (dataAt < 0 || !data.startsWith(DATA, dataAt) || endOfValue(data, dataAt + DATA.length - 1) !== data.length - 1 || !data.endsWith('}')) {
    return null;
  }

  const base = `{"tenant":"${ids.tenant}","relationshipId":"${ids.relationshipId}","schemaVersion":${SCHEMA_VERSIONS[row.type as EventType]}`;
  const metadata = row.metadata;
  let userMetadata = '';
  if (!(metadata.length === base.length + 1 && metadata.startsWith(base) && metadata.endsWith('}'))) {
    if (!metadata.startsWith(base) || !metadata.startsWith(USER_METADATA, base.length)) return null;
    const from = base.length + USER_METADATA.length - 1;
    if (endOfValue(metadata, from) !== metadata.length - 1 || !metadata.endsWith('}')) return null;
    userMetadata = `,"metadata":${metadata.slice(from, -1)}`;
  }
  return (
    `{${withTenant ? `"tenant":${JSON.stringify(ids.tenant)},` : ''}"relationshipId":${JSON.stringify(ids.relationshipId)},"type":"${row.type}",` +
    `${data.slice(1, -1)},"eventId":${JSON.stringify(row.id)}${userMetadata}}`
  );
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
