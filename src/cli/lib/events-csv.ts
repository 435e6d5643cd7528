/**
 * The log as CSV, one row per event in log order, with both clocks
 * (occurredAt: business time; recordedAt: when the store recorded it) and the
 * event's data flattened: every simple field any event type carries has a
 * `data<Field>` column (empty when the type has no such field), and whatever
 * else the data holds goes to `otherData` as JSON. Columns: docs/ANALYTICS.md.
 */
import { csvRow, instantCell, type CsvField, type CsvStyle } from './csv.js';
import { pascal } from './relationship-csv.js';
import type { LogEntry } from './log.js';

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
const KNOWN = new Set<string>(DATA_FIELDS);

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

const LEADING_CELLS = 9;
const CELLS = LEADING_CELLS + DATA_FIELDS.length + 2;

export function eventCsvRow(entry: LogEntry, style: CsvStyle): string {
  const { decoded, recorded } = entry;
  const data = (decoded.data ?? {}) as Record<string, unknown>;
  let other: Record<string, unknown> | null = null;
  for (const key of Object.keys(data)) {
    if (KNOWN.has(key) && isSimple(data[key])) continue;
    (other ??= {})[key] = data[key];
  }
  // One array filled in place (no spread, no closure per field): this runs for every event of the log.
  const cells = new Array<CsvField>(CELLS);
  cells[0] = decoded.tenant;
  cells[1] = decoded.relationshipId;
  cells[2] = recorded.position.toString();
  cells[3] = recorded.revision;
  cells[4] = recorded.id;
  cells[5] = decoded.event.type;
  cells[6] = decoded.event.actor;
  cells[7] = instantCell(decoded.event.occurredAt, style);
  cells[8] = instantCell(recorded.recordedAt.getTime(), style);
  for (let i = 0; i < DATA_FIELDS.length; i++) {
    const field = DATA_FIELDS[i]!;
    cells[LEADING_CELLS + i] = dataCell(field, data[field], style);
  }
  cells[CELLS - 2] = other === null ? null : JSON.stringify(other);
  cells[CELLS - 1] = decoded.userMetadata === null ? null : JSON.stringify(decoded.userMetadata);
  return csvRow(cells);
}

function dataCell(field: string, value: unknown, style: CsvStyle): CsvField {
  if (!isSimple(value)) return null;
  if (INSTANT_FIELDS.has(field) && (typeof value === 'string' || typeof value === 'number')) return instantCell(value, style);
  return value;
}

function isSimple(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
