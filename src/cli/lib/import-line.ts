/**
 * One import line, checked on its own: JSON, the relationship, and the event
 * with the API's rules (`parseEventInput`) and the write path's limits. What
 * needs the relationship's history (questions asked before, phases,
 * deadlines) is checked by import-plan.ts.
 */
import { MAX_METADATA_BYTES, MAX_METADATA_DEPTH, metadataTooDeep, type EventInput } from '../../app/commands.js';
import { DomainError } from '../../domain/errors.js';
import type { CourtshipEvent } from '../../domain/events.js';
import { parseEventInput } from '../../domain/validation.js';
import { RELATIONSHIP_ID_PATTERN, TENANT_PATTERN } from '../../app/relationship-stream.js';
import { isUuid } from '../../store/validate.js';

/** A line's envelope: which relationship, and the event as the API takes it. */
export interface LineInput {
  readonly tenant: string;
  readonly relationshipId: string;
  /** What goes to CommandService.appendEvents, eventId filled in by the caller. */
  readonly input: EventInput;
}

export interface ParsedLine extends LineInput {
  readonly event: CourtshipEvent;
}

/**
 * The tenant of a line that names none. When it was given (`--tenant`), a
 * line naming another one is refused: which of the two was meant is a guess.
 */
export interface LineTenant {
  readonly tenant: string;
  readonly explicit: boolean;
}

/**
 * `relationshipId` is null when the refusal cannot be tied to one
 * relationship (the line names none readably, or names a tenant that is not
 * valid or not the one given): the importer then writes nothing at all.
 */
export type LineRefusal = { readonly ok: false; readonly tenant: string; readonly relationshipId: string | null; readonly reason: string };

export type LineResult = { readonly ok: true; readonly line: ParsedLine } | LineRefusal;

const KNOWN_FIELDS = new Set(['tenant', 'relationshipId', 'type', 'occurredAt', 'actor', 'data', 'eventId', 'metadata']);

/*
 * Metadata is checked against the write path's limit (MAX_METADATA_BYTES). The
 * store's own limit (MAX_EVENT_BYTES, data and metadata) is out of reach of an
 * event within the schemas' field lengths and this: import.test.ts writes the
 * largest such event.
 */

export function parseLine(text: string, defaults: LineTenant): LineResult {
  const read = readLineInput(text, defaults);
  if (!read.ok) return read;
  const { relationshipId, input } = read.line;
  try {
    const event = parseEventInput(input, 0);
    if (input.metadata !== undefined) {
      if (metadataTooDeep(input.metadata)) {
        return refuse(read.line.tenant, relationshipId, `metadata: nested deeper than ${MAX_METADATA_DEPTH} levels (METADATA_TOO_DEEP)`);
      }
      const json = JSON.stringify(input.metadata);
      // A UTF-16 code unit is at most 3 UTF-8 bytes: the exact count only for large metadata.
      if (json.length * 3 > MAX_METADATA_BYTES && Buffer.byteLength(json) > MAX_METADATA_BYTES) {
        return refuse(read.line.tenant, relationshipId, `metadata: larger than ${MAX_METADATA_BYTES} bytes (METADATA_TOO_LARGE)`);
      }
    }
    return { ok: true, line: { tenant: read.line.tenant, relationshipId, input, event } };
  } catch (error) {
    if (error instanceof DomainError) return refuse(read.line.tenant, relationshipId, reasonOf(error));
    throw error;
  }
}

/**
 * The line's JSON and envelope only, without the event's own checks: for the
 * import's writing pass, whose lines were checked by the first pass and are
 * checked again by CommandService.
 */
export function readLineInput(text: string, defaults: LineTenant): { readonly ok: true; readonly line: LineInput } | LineRefusal {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return refuse(defaults.tenant, null, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return refuse(defaults.tenant, null, 'expected a JSON object');
  }
  const raw = json as Record<string, unknown>;
  const tenant = raw.tenant === undefined ? defaults.tenant : raw.tenant;
  if (typeof tenant !== 'string' || !TENANT_PATTERN.test(tenant)) {
    return refuse(defaults.tenant, null, 'tenant: expected 1-40 characters among a-z, 0-9 and _');
  }
  if (defaults.explicit && tenant !== defaults.tenant) {
    return refuse(defaults.tenant, null, `tenant: "${tenant}" is not the tenant given with --tenant (${defaults.tenant}); drop one of the two`);
  }
  const relationshipId = raw.relationshipId;
  if (typeof relationshipId !== 'string' || !RELATIONSHIP_ID_PATTERN.test(relationshipId)) {
    return refuse(tenant, null, 'relationshipId: expected 1-128 characters of letters, digits and _ . : ~ @ + -');
  }
  // The first unknown key in the object's key order (a parsed object has only its own keys).
  for (const key in raw) {
    if (!KNOWN_FIELDS.has(key)) return refuse(tenant, relationshipId, `${key}: unknown field`);
  }
  const eventId = raw.eventId;
  if (eventId !== undefined && (typeof eventId !== 'string' || !isUuid(eventId))) {
    return refuse(tenant, relationshipId, 'eventId: expected a UUID');
  }
  const metadata = raw.metadata;
  if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))) {
    return refuse(tenant, relationshipId, 'metadata: expected a JSON object');
  }
  // The optional keys only when the line has them (as `{ ...a, ...b }` would build it, without the copies).
  const input: { -readonly [K in keyof EventInput]: EventInput[K] } = {
    type: raw.type as string,
    occurredAt: raw.occurredAt as string,
    actor: raw.actor as string,
    data: raw.data,
  };
  if (eventId !== undefined) input.eventId = eventId.toLowerCase();
  if (metadata !== undefined) input.metadata = metadata;
  return { ok: true, line: { tenant, relationshipId, input } };
}

/**
 * A refusal's message without the API's `events[0]` prefix (an import line is
 * one event), with the domain's code when it says more than "invalid".
 */
export function reasonOf(error: Error): string {
  const message = error.message.replace(/^events\[\d+\](\.| refused: )/, '');
  return error instanceof DomainError && error.code !== 'INVALID_EVENT' ? `${message} (${error.code})` : message;
}

function refuse(tenant: string, relationshipId: string | null, reason: string): LineRefusal {
  return { ok: false, tenant, relationshipId, reason };
}
