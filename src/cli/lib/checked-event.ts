/**
 * The import's writing pass rebuilds each event from a line that its
 * checking pass accepted. Running the schemas again (`parseEventInput`)
 * would only repeat, on the same bytes, checks that passed: this builds what
 * that call returned for the line without them.
 *
 * Only for input that passed `parseEventInput` at the current schema
 * version (the caller makes sure the file has not changed since): then the
 * event is the same, field for field and key for key. zod copies an object's
 * known keys in the order of its shape, leaves values as they are, and the
 * `instant` fields become epoch ms; a property test holds this against
 * `parseEventInput`.
 */
import type { EventInput } from '../../app/commands.js';
import { EVENT_TYPES, type CourtshipEvent, type EventType } from '../../domain/events.js';
import { DATA_SCHEMAS, INSTANT_FIELDS } from '../../domain/schemas.js';
import { parseInstant } from '../../domain/time.js';

/** Each type's data keys, in its schema's order. */
const DATA_KEYS = {} as Record<EventType, readonly string[]>;
for (const type of EVENT_TYPES) DATA_KEYS[type] = Object.keys(DATA_SCHEMAS[type].shape);

const NO_FIELDS: readonly string[] = [];

/** What `parseEventInput(input, i)` returned for `input`, which it accepted. */
export function checkedEvent(input: EventInput): CourtshipEvent {
  const type = input.type as EventType;
  const source = (input.data ?? {}) as Record<string, unknown>;
  const data: Record<string, unknown> = {};
  for (const key of DATA_KEYS[type]) {
    if (key in source) data[key] = source[key];
  }
  for (const field of INSTANT_FIELDS[type] ?? NO_FIELDS) {
    if (typeof data[field] === 'string') data[field] = parseInstant(data[field]);
  }
  return { type, occurredAt: parseInstant(input.occurredAt), actor: input.actor, data } as CourtshipEvent;
}
