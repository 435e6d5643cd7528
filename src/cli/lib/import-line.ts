/**
 * One import line, checked on its own: JSON, the relationship, and the event
 * with the API's rules (`parseEventInput`). What needs the relationship's
 * history (questions asked before, phases, deadlines) is checked by
 * import-plan.ts.
 */
import type { EventInput } from '../../app/commands.js';
import { DomainError } from '../../domain/errors.js';
import type { CourtshipEvent } from '../../domain/events.js';
import { parseEventInput } from '../../domain/validation.js';
import { RELATIONSHIP_ID_PATTERN, TENANT_PATTERN } from '../../projections/envelope.js';
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

/** `relationshipId` is null when the line does not name one readably. */
export type LineRefusal = { readonly ok: false; readonly tenant: string; readonly relationshipId: string | null; readonly reason: string };

export type LineResult = { readonly ok: true; readonly line: ParsedLine } | LineRefusal;

const KNOWN_FIELDS = new Set(['tenant', 'relationshipId', 'type', 'occurredAt', 'actor', 'data', 'eventId', 'metadata']);

export function parseLine(text: string, defaultTenant: string): LineResult {
  const read = readLineInput(text, defaultTenant);
  if (!read.ok) return read;
  const { tenant, relationshipId, input } = read.line;
  try {
    return { ok: true, line: { tenant, relationshipId, input, event: parseEventInput(input, 0) } };
  } catch (error) {
    if (error instanceof DomainError) return refuse(tenant, relationshipId, reasonOf(error));
    throw error;
  }
}

/**
 * The line's JSON and envelope only, without the event's own checks: for the
 * import's writing pass, whose lines were checked by the first pass and are
 * checked again by CommandService.
 */
export function readLineInput(text: string, defaultTenant: string): { readonly ok: true; readonly line: LineInput } | LineRefusal {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return refuse(defaultTenant, null, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return refuse(defaultTenant, null, 'expected a JSON object');
  }
  const raw = json as Record<string, unknown>;
  const tenant = raw.tenant === undefined ? defaultTenant : raw.tenant;
  if (typeof tenant !== 'string' || !TENANT_PATTERN.test(tenant)) {
    return refuse(defaultTenant, null, 'tenant: expected 1-40 characters among a-z, 0-9 and _');
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
