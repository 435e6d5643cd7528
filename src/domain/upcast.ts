/**
 * Versioned event schemas. Stored events are never rewritten: an event written
 * under an older schema is upcast, step by step, to the current one when read.
 *
 * Every type is at version 1. The one older shape on record is the version 0
 * InteractionLogged, which called its channel `medium`.
 */
import { EVENT_TYPES, type EventType } from './events.js';
import { DomainError } from './errors.js';

export const CURRENT_SCHEMA_VERSION = 1;

/** The current schema version of each event type (stored in each event's metadata). */
export const SCHEMA_VERSIONS: Readonly<Record<EventType, number>> = Object.fromEntries(
  EVENT_TYPES.map((type) => [type, CURRENT_SCHEMA_VERSION]),
) as Record<EventType, number>;

type Upcaster = (data: unknown) => unknown;

/** UPCASTERS[type][v] turns version v data into version v + 1 data. */
const UPCASTERS: Partial<Record<EventType, Record<number, Upcaster>>> = {
  InteractionLogged: {
    0: (data) => {
      if (typeof data !== 'object' || data === null || !('medium' in data)) return data;
      const { medium, ...rest } = data as Record<string, unknown>;
      return { ...rest, channel: medium };
    },
  },
};

/** Brings `data` written at `version` of `type`'s schema to the current version. */
export function upcast(type: EventType, version: number, data: unknown): unknown {
  return upcastAt(type, version, data, null);
}

export function upcastAt(type: EventType, version: number, data: unknown, index: number | null): unknown {
  const current = SCHEMA_VERSIONS[type];
  const field = index === null ? 'schemaVersion' : `events[${index}].schemaVersion`;
  if (!Number.isInteger(version) || version > current) {
    throw new DomainError(
      'INVALID_EVENT',
      `${field}: ${type} has no schema version ${version} (the current one is ${current}).`,
      field,
      index,
    );
  }
  let upcasted = data;
  for (let v = version; v < current; v++) {
    const step = UPCASTERS[type]?.[v];
    if (!step) {
      throw new DomainError(
        'INVALID_EVENT',
        `${field}: ${type} version ${v} can no longer be read (no upcaster to version ${v + 1}).`,
        field,
        index,
      );
    }
    upcasted = step(upcasted);
  }
  return upcasted;
}
