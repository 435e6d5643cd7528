/**
 * The command service's input checks, before anything is read or decided:
 * the ids, the batch's shape, each event's id and metadata (each event's own
 * fields are the domain's `parseEventInput`). A refusal is an InputError
 * naming the field; nothing is written.
 */
import type { CourtshipEvent } from '../domain/events.js';
import { UUID_PATTERN } from '../store/port.js';
import { InputError } from './errors.js';
import { RELATIONSHIP_ID_PATTERN, TENANT_PATTERN } from './relationship-stream.js';

export const MAX_EVENTS_PER_APPEND = 1000;
/** Largest metadata of an event, serialised (the importer checks it before it writes anything). */
export const MAX_METADATA_BYTES = 16 * 1024;
/** Deepest nesting of objects and arrays accepted in metadata: serialising 5,000 levels overflows the stack. */
export const MAX_METADATA_DEPTH = 32;

/** An event of the batch, checked: its event id lower-cased, its metadata an object or null. */
export interface Prepared {
  readonly event: CourtshipEvent;
  readonly id: string | null;
  readonly metadata: Record<string, unknown> | null;
}

export function checkIds(tenant: string, relationshipId: string): void {
  if (!TENANT_PATTERN.test(tenant)) {
    throw new InputError(`tenant "${tenant}" is not a valid tenant id`, 'tenant', 'INVALID_TENANT');
  }
  if (typeof relationshipId !== 'string' || !RELATIONSHIP_ID_PATTERN.test(relationshipId)) {
    throw new InputError(
      'relationshipId must be 1–128 characters of letters, digits and _ . : ~ @ + -',
      'relationshipId',
      'INVALID_RELATIONSHIP_ID',
    );
  }
}

/** The batch's checks, with `parse` turning each input into its event (`parseEventInput`, or the result it gave). */
export function prepare<T extends { readonly eventId?: string | null; readonly metadata?: unknown }>(
  events: readonly T[],
  parse: (input: T, index: number) => CourtshipEvent,
): Prepared[] {
  if (!Array.isArray(events) || events.length === 0) {
    throw new InputError('events must hold at least one event', 'events', 'EMPTY_BATCH');
  }
  if (events.length > MAX_EVENTS_PER_APPEND) {
    throw new InputError(`events holds ${events.length} events; at most ${MAX_EVENTS_PER_APPEND} per append`, 'events', 'BATCH_TOO_LARGE');
  }
  const seen = new Set<string>();
  return events.map((input, index) => {
    const event = parse(input, index);
    const id = input.eventId ?? null;
    if (id !== null) {
      if (typeof id !== 'string' || !UUID_PATTERN.test(id)) {
        throw new InputError(`events[${index}].eventId must be a UUID`, `events[${index}].eventId`, 'INVALID_EVENT_ID', index);
      }
      if (seen.has(id.toLowerCase())) {
        throw new InputError(`events[${index}].eventId repeats an earlier event of this batch`, `events[${index}].eventId`, 'DUPLICATE_EVENT_ID', index);
      }
      seen.add(id.toLowerCase());
    }
    return { event, id: id?.toLowerCase() ?? null, metadata: checkMetadata(input.metadata, index) };
  });
}

function checkMetadata(metadata: unknown, index: number): Record<string, unknown> | null {
  if (metadata === undefined || metadata === null) return null;
  const field = `events[${index}].metadata`;
  if (typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new InputError(`${field} must be a JSON object`, field, 'INVALID_METADATA', index);
  }
  // Before serialising it: the depth is measured without recursion.
  if (metadataTooDeep(metadata)) {
    throw new InputError(`${field} is nested deeper than ${MAX_METADATA_DEPTH} levels`, field, 'METADATA_TOO_DEEP', index);
  }
  if (Buffer.byteLength(JSON.stringify(metadata)) > MAX_METADATA_BYTES) {
    throw new InputError(`${field} is larger than ${MAX_METADATA_BYTES} bytes`, field, 'METADATA_TOO_LARGE', index);
  }
  return metadata as Record<string, unknown>;
}

/** Whether metadata nests deeper than MAX_METADATA_DEPTH (then it must not be serialised: the stack would overflow). */
export function metadataTooDeep(metadata: unknown): boolean {
  return nestingDepth(metadata, MAX_METADATA_DEPTH) > MAX_METADATA_DEPTH;
}

/** Nesting depth of objects and arrays (`{}` is 1), measured with an explicit stack; stops counting past `limit`. */
function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/** The version the caller last saw: an integer ≥ -1, or null for "any". */
export function checkExpectedVersion(expectedVersion: number | null | undefined): number | null {
  const expected = expectedVersion ?? null;
  if (expected !== null && (!Number.isInteger(expected) || expected < -1)) {
    throw new InputError('expectedVersion must be an integer ≥ -1 (-1: the relationship must not exist yet)', 'expectedVersion', 'INVALID_VERSION');
  }
  return expected;
}
