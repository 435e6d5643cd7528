/**
 * The log as CSV, one row per event in log order, with both clocks
 * (occurredAt: business time; recordedAt: when the store recorded it) and the
 * event's data flattened: every simple field any event type carries has a
 * `data<Field>` column (empty when the type has no such field), and whatever
 * else the data holds goes to `otherData` as JSON. Columns: docs/ANALYTICS.md.
 */
import { decodeRecorded, parseStreamId, tenantStreamPrefix, type StoredMetadata } from '../../app/relationship-stream.js';
import type { StoredPayload } from '../../domain/codec.js';
import { EVENT_TYPES, type EventType } from '../../domain/events.js';
import { CURRENT_SCHEMA_VERSION, SCHEMA_VERSIONS } from '../../domain/upcast.js';
import type { LogRow, StoredRows } from '../../store/capabilities.js';
import type { EventStore } from '../../store/port.js';
import { csvCells, csvField, instantCell, type CsvStyle } from './csv.js';
import { LOG_PAGE, readLog, type LogEntry } from './log.js';
import { inRange, toRecorded, type Range } from './log-lines.js';
import { pascal } from './relationship-csv.js';
import { CANONICAL_INSTANT } from './event-line.js';

/** The data fields of every event type (src/domain/events.ts), in a stable order. */
const DATA_FIELDS = [
  'accountName',
  'segment',
  'owner',
  'source',
  'channel',
  'purpose',
  'questionId',
  'topic',
  'text',
  'test',
  'reason',
  'competitor',
  'stakeholderId',
  'name',
  'role',
  'hasVeto',
  'stance',
  'proposalId',
  'contractId',
  'caseId',
  'opportunityId',
  'severity',
  'scope',
  'amount',
  'value',
  'currency',
  'endsAt',
  'rule',
  'deadline',
] as const;

export const EVENT_CSV_COLUMNS = [
  'tenant',
  'relationshipId',
  'position',
  'revision',
  'eventId',
  'type',
  'actor',
  'occurredAt',
  'recordedAt',
  ...DATA_FIELDS.map((field) => `data${pascal(field.replace(/([A-Z])/g, '_$1'))}`),
  'otherData',
  'metadata',
] as const;

/** Instants in the data (endsAt, deadline) follow the style like the envelope's. */
const INSTANT_FIELDS = new Set(['endsAt', 'deadline']);
/** Each data field's place among the data columns. */
const DATA_COLUMN = new Map<string, number>(DATA_FIELDS.map((field, k) => [field, k]));

/** Some events of the log as CSV rows, each ending in a line break. */
export interface EventRowPage {
  readonly text: string;
  readonly count: number;
}

/**
 * The rows of the log's events (one tenant's, or every tenant's when
 * `tenant` is null) that occurred in `range`, a page at a time. A store that
 * declares stored rows (the embedded one) gives each row's text, written
 * from its parsed data without decoding the event where the data is already
 * what decoding gives (`storedEvent`); any other store, its events decoded.
 */
export function eventCsvPages(store: EventStore, tenant: string | null, range: Range, style: CsvStyle): AsyncGenerator<EventRowPage> {
  const rows = store.capabilities?.storedRows;
  return rows === undefined ? decodedEventCsvPages(store, tenant, range, style) : storedEventCsvPages(rows, tenant, range, style);
}

export async function* decodedEventCsvPages(store: EventStore, tenant: string | null, range: Range, style: CsvStyle): AsyncGenerator<EventRowPage> {
  for await (const page of readLog(store, tenant)) {
    const rows: string[] = [];
    for (const entry of page) {
      if (inRange(entry.decoded.event.occurredAt, range)) rows.push(eventCsvRow(entry, style));
    }
    yield { text: rows.join(''), count: rows.length };
  }
}

export async function* storedEventCsvPages(store: StoredRows, tenant: string | null, range: Range, style: CsvStyle): AsyncGenerator<EventRowPage> {
  const prefix = tenant === null ? null : tenantStreamPrefix(tenant);
  const ranged = range.from !== undefined || range.to !== undefined;
  const recordedAt = new InstantCells(style);
  const streams = new StreamCells();
  let after = -1n;
  for (;;) {
    const page = store.readLogRows(after, LOG_PAGE);
    if (page.length === 0) return;
    const rows: string[] = [];
    for (const row of page) {
      if (prefix !== null && !row.streamId.startsWith(prefix)) continue;
      const parts = storedEvent(row, streams);
      if (parts === null) {
        const recorded = toRecorded(row);
        const decoded = decodeRecorded(recorded);
        if (decoded !== null && inRange(decoded.event.occurredAt, range)) rows.push(eventCsvRow({ recorded, decoded }, style));
        continue;
      }
      const { payload, userMetadata } = parts;
      if (ranged && !inRange(Date.parse(payload.occurredAt), range)) continue;
      rows.push(
        `${streams.of(row.streamId)!.first}${row.position},${row.revision},${csvField(row.id)},${row.type},` +
          `${csvField(payload.actor)},${instantCell(payload.occurredAt, style)},${recordedAt.of(row.recordedAt)},` +
          `${dataCells((payload.data ?? {}) as Record<string, unknown>, style)},${csvField(userMetadata === null ? null : JSON.stringify(userMetadata))}\n`,
      );
    }
    yield { text: rows.join(''), count: rows.length };
    after = page[page.length - 1]!.position;
  }
}

/**
 * What `decodeRecorded` reads of a row whose event needs no decoding to be
 * written (its data as stored: the current schema version, a canonical
 * occurredAt, a type this release knows), or null for any other row. The
 * metadata is parsed only when it holds more than the stream's ids and the
 * schema version, as `toNewEvent` writes them.
 */
function storedEvent(row: LogRow, streams: StreamCells): { payload: StoredPayload; userMetadata: Record<string, unknown> | null } | null {
  if (!KNOWN_TYPES.has(row.type)) return null;
  const stream = streams.of(row.streamId);
  if (stream === null) return null;
  const current = SCHEMA_VERSIONS[row.type as EventType];
  let userMetadata: Record<string, unknown> | null = null;
  if (row.metadata !== stream.metadata[current]) {
    const metadata = JSON.parse(row.metadata) as Partial<StoredMetadata>;
    if ((metadata.schemaVersion ?? CURRENT_SCHEMA_VERSION) !== current) return null;
    userMetadata = metadata.metadata ?? null;
  }
  const payload = JSON.parse(row.data) as StoredPayload;
  if (typeof payload.occurredAt !== 'string' || !CANONICAL_INSTANT.test(payload.occurredAt)) return null;
  return { payload, userMetadata };
}

/**
 * What rows of one stream share, worked out once per run of its rows (a
 * stream's events are mostly appended together): its first two cells, and
 * its metadata as `toNewEvent` writes it, by schema version.
 */
class StreamCells {
  private streamId: string | null = null;
  private cells: { readonly first: string; readonly metadata: Record<number, string> } | null = null;

  of(streamId: string): { readonly first: string; readonly metadata: Record<number, string> } | null {
    if (streamId !== this.streamId) {
      this.streamId = streamId;
      const ids = parseStreamId(streamId);
      const base = ids === null ? '' : `{"tenant":"${ids.tenant}","relationshipId":"${ids.relationshipId}","schemaVersion":`;
      this.cells =
        ids === null
          ? null
          : {
              first: `${csvField(ids.tenant)},${csvField(ids.relationshipId)},`,
              metadata: Object.fromEntries([...new Set(Object.values(SCHEMA_VERSIONS))].map((v) => [v, `${base}${v}}`])),
            };
    }
    return this.cells;
  }
}

const KNOWN_TYPES = new Set<string>(EVENT_TYPES);

/** Record times come in runs of the same millisecond (one append): each run's cell is formatted once. */
class InstantCells {
  private last = Number.NaN;
  private cell: string | null = null;
  constructor(private readonly style: CsvStyle) {}

  of(at: number): string | null {
    if (at !== this.last) {
      this.last = at;
      this.cell = instantCell(at, this.style);
    }
    return this.cell;
  }
}

export function eventCsvRow(entry: LogEntry, style: CsvStyle): string {
  const { decoded, recorded } = entry;
  const envelope = csvCells([
    decoded.tenant,
    decoded.relationshipId,
    recorded.position.toString(),
    recorded.revision,
    recorded.id,
    decoded.event.type,
    decoded.event.actor,
    instantCell(decoded.event.occurredAt, style),
    instantCell(recorded.recordedAt.getTime(), style),
  ]);
  const metadata = decoded.userMetadata === null ? null : JSON.stringify(decoded.userMetadata);
  return `${envelope},${dataCells((decoded.data ?? {}) as Record<string, unknown>, style)},${csvField(metadata)}\n`;
}

/** One column per data field (in `DATA_FIELDS` order), then `otherData`: whatever else the data holds, as JSON. */
const scratch = new Array<string>(DATA_FIELDS.length).fill('');

function dataCells(data: Record<string, unknown>, style: CsvStyle): string {
  let other: Record<string, unknown> | null = null;
  const filled: number[] = [];
  for (const key of Object.keys(data)) {
    const value = data[key];
    const column = DATA_COLUMN.get(key);
    if (column === undefined || !isSimple(value)) {
      (other ??= {})[key] = value;
      continue;
    }
    scratch[column] = csvField(INSTANT_FIELDS.has(key) && typeof value !== 'boolean' ? instantCell(value, style) : value);
    filled.push(column);
  }
  // One shared row of cells, emptied again after the join: no array per event.
  const cells = scratch.join(',');
  for (const column of filled) scratch[column] = '';
  return `${cells},${csvField(other === null ? null : JSON.stringify(other))}`;
}

function isSimple(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
