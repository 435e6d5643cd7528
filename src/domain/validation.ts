/**
 * From untrusted input (the API, an import) to a CourtshipEvent: every field
 * checked, instants converted, older schema versions upcast first. Errors name
 * the field as the client sent it (`events[2].data.questionId`) and the reason.
 */
import type { z } from 'zod';
import { ACTORS, EVENT_TYPES, type Actor, type CourtshipEvent, type EventType } from './events.js';
import { DomainError } from './errors.js';
import { DATA_SCHEMAS } from './schemas.js';
import { parseInstant } from './time.js';
import { CURRENT_SCHEMA_VERSION, upcastAt } from './upcast.js';

export interface EventInput {
  readonly type: string;
  readonly occurredAt: string;
  readonly actor: string;
  readonly data?: unknown;
}

/**
 * Parses one event of a batch. `schemaVersion` is the version the data was
 * written in (stored events carry it in their metadata; clients write the
 * current one).
 */
export function parseEventInput(
  input: EventInput,
  index: number,
  schemaVersion: number = CURRENT_SCHEMA_VERSION,
): CourtshipEvent {
  const at = `events[${index}]`;
  if (!isEventType(input.type)) {
    throw new DomainError(
      'UNKNOWN_EVENT_TYPE',
      `${at}.type: "${input.type}" is not an event type Courtship knows (expected one of ${EVENT_TYPES.join(', ')}).`,
      `${at}.type`,
      index,
    );
  }
  const type = input.type;
  const occurredAt = typeof input.occurredAt === 'string' ? parseInstant(input.occurredAt) : null;
  if (occurredAt === null) {
    throw invalid(index, 'occurredAt', 'expected an ISO 8601 date-time with a zone, e.g. 2025-03-01T09:30:00Z');
  }
  if (!isActor(input.actor)) {
    throw invalid(index, 'actor', `expected one of ${ACTORS.join(', ')}`);
  }
  if (type === 'DeadlineReached' && input.actor !== 'SYSTEM') {
    throw invalid(index, 'actor', 'a DeadlineReached event is recorded by SYSTEM');
  }
  const raw = upcastAt(type, schemaVersion, input.data ?? {}, index);
  const schema = DATA_SCHEMAS[type];
  const result = schema.safeParse(raw);
  if (!result.success) {
    // Parsed again for the message, with the input on each issue (zod 4 leaves it out otherwise, and a
    // wrong type would read as a missing field); not the first time: asking for it costs zod its fast path.
    const { path, reason } = describe(schema.safeParse(raw, { reportInput: true }).error!.issues[0]!);
    throw invalid(index, ['data', ...path].join('.'), reason);
  }
  const data = result.data as Record<string, unknown>;
  if (typeof data.endsAt === 'number' && data.endsAt <= occurredAt) {
    throw invalid(index, 'data.endsAt', 'a contract must end after the event that sets its end');
  }
  return { type, occurredAt, actor: input.actor, data } as CourtshipEvent;
}

function invalid(index: number, field: string, reason: string): DomainError {
  const path = `events[${index}].${field}`;
  return new DomainError('INVALID_EVENT', `${path}: ${reason}.`, path, index);
}

/** zod's issue as a field path and a short reason a client can act on. */
function describe(issue: z.core.$ZodIssue): { path: string[]; reason: string } {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return { path: [...path, issue.keys[0]!], reason: 'unknown field' };
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return { path, reason: 'is required' };
  }
  return { path, reason: issue.message };
}

function isEventType(type: unknown): type is EventType {
  return typeof type === 'string' && (EVENT_TYPES as readonly string[]).includes(type);
}

function isActor(actor: unknown): actor is Actor {
  return typeof actor === 'string' && (ACTORS as readonly string[]).includes(actor);
}
