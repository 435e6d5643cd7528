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
import { decodeRecorded, tenantStreamPrefix } from '../../app/relationship-stream.js';
import type { EventStore, RecordedEvent } from '../../store/port.js';
import type { LogRow, StoredRows } from '../../store/capabilities.js';
import { toEventLine } from './event-line.js';
import { LOG_PAGE, readLog } from './log.js';
import { storedRowParts, type StoredRowParts } from './stored-row.js';

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
      const parts = storedRowParts(row);
      let line: string;
      if (parts !== null) {
        if (ranged && !inRange(Date.parse(parts.occurredAt), range)) continue;
        line = copiedLine(row, parts, prefix === null);
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

/** The line `toEventLine` would give for the row, made of the stored text without parsing it (`storedRowParts`). */
function copiedLine(row: LogRow, parts: StoredRowParts, withTenant: boolean): string {
  const userMetadata = parts.userMetadataJson === null ? '' : `,"metadata":${parts.userMetadataJson}`;
  return (
    `{${withTenant ? `"tenant":${JSON.stringify(parts.tenant)},` : ''}"relationshipId":${JSON.stringify(parts.relationshipId)},"type":"${row.type}",` +
    `${row.data.slice(1, -1)},"eventId":${JSON.stringify(row.id)}${userMetadata}}`
  );
}
