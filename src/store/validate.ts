/**
 * Input checks shared by every adapter, so that bad input is refused with the
 * same `InvalidAppendError` (and nothing written) whichever store is behind
 * the port, before any I/O happens.
 */
import {
  InvalidAppendError,
  MAX_BATCH_EVENTS,
  MAX_EVENT_BYTES,
  MAX_POSITION,
  StoreError,
  STREAM_ID_PATTERN,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllFilter,
} from './port.js';

/** An event checked and serialised once, ready for either adapter. */
export interface SerializedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

const EVENT_TYPE_PATTERN = /^[A-Za-z][A-Za-z0-9_.:-]{0,199}$/;

/**
 * `UUID_PATTERN.test(text)` (port.ts; hex digits of either case, dashes at 8, 13, 18
 * and 23), character by character: a bulk append tests millions of ids, and
 * this takes about half the regex's time.
 */
export function isUuid(text: string): boolean {
  if (text.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const code = text.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (code !== DASH) return false;
    } else if (code >= 128 || HEX_DIGIT[code] === 0) {
      return false;
    }
  }
  return true;
}

const DASH = 45;
/** 1 at the char codes of 0-9, a-f and A-F. */
const HEX_DIGIT = new Uint8Array(128);
for (const digit of '0123456789abcdefABCDEF') HEX_DIGIT[digit.charCodeAt(0)] = 1;
const MAX_REVISION = Number.MAX_SAFE_INTEGER;

export function assertStreamId(streamId: unknown, field = 'streamId'): asserts streamId is string {
  if (typeof streamId !== 'string' || !STREAM_ID_PATTERN.test(streamId)) {
    throw new InvalidAppendError(
      `invalid stream id ${JSON.stringify(streamId)}: 1–200 characters among letters, digits and _.:~@+-`,
      field,
    );
  }
}

/** An `after` that can bound a read of the log: absent, or a bigint no larger than MAX_POSITION. */
export function assertAfterPosition(after: unknown, operation: 'readAll' | 'subscribeToAll'): asserts after is bigint | undefined {
  if (after !== undefined && (typeof after !== 'bigint' || after > MAX_POSITION)) {
    throw new StoreError(`${operation}: \`after\` must be a bigint position no larger than 2^63-1`, 'INVALID_READ');
  }
}

export function assertExpectedRevision(expected: unknown): asserts expected is ExpectedRevision {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  if (typeof expected === 'number' && Number.isInteger(expected) && expected >= 0 && expected <= MAX_REVISION) return;
  throw new InvalidAppendError(
    `invalid expected revision ${JSON.stringify(expected)}: 'any', 'no_stream', 'stream_exists' or a revision ≥ 0`,
    'expectedRevision',
  );
}

/** Checks a whole batch and serialises it; throws before anything is written. */
export function serializeBatch(
  streamId: unknown,
  events: readonly NewEvent[],
  expected: unknown,
): SerializedEvent[] {
  assertStreamId(streamId);
  assertExpectedRevision(expected);
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidAppendError('an append needs at least one event', 'events');
  }
  if (events.length > MAX_BATCH_EVENTS) {
    throw new InvalidAppendError(
      `a batch holds at most ${MAX_BATCH_EVENTS} events, got ${events.length}`,
      'events',
    );
  }
  const seen = new Set<string>();
  return events.map((event, index) => {
    const field = `events[${index}]`;
    if (typeof event?.id !== 'string' || !isUuid(event.id)) {
      throw new InvalidAppendError(`${field}.id must be a UUID, got ${JSON.stringify(event?.id)}`, `${field}.id`);
    }
    const id = event.id.toLowerCase();
    if (seen.has(id)) {
      throw new InvalidAppendError(`${field}.id ${id} appears twice in the batch`, `${field}.id`);
    }
    seen.add(id);
    if (typeof event.type !== 'string' || !EVENT_TYPE_PATTERN.test(event.type)) {
      throw new InvalidAppendError(
        `${field}.type must start with a letter and hold 1–200 letters, digits or _.:-, got ${JSON.stringify(event.type)}`,
        `${field}.type`,
      );
    }
    const data = toJson(event.data, `${field}.data`);
    if (event.metadata !== undefined && (event.metadata === null || typeof event.metadata !== 'object' || Array.isArray(event.metadata))) {
      throw new InvalidAppendError(`${field}.metadata must be an object`, `${field}.metadata`);
    }
    const metadata = event.metadata === undefined ? '{}' : toJson(event.metadata, `${field}.metadata`);
    assertSize(data, metadata, field);
    return { id, type: event.type, data, metadata };
  });
}

function toJson(value: unknown, field: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new InvalidAppendError(`${field} is not JSON-serialisable: ${(error as Error).message}`, field);
  }
  if (json === undefined) throw new InvalidAppendError(`${field} is not JSON-serialisable`, field);
  return json;
}

function assertSize(data: string, metadata: string, field: string): void {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: skip the exact count for small events.
  if ((data.length + metadata.length) * 3 <= MAX_EVENT_BYTES) return;
  const bytes = Buffer.byteLength(data) + Buffer.byteLength(metadata);
  if (bytes > MAX_EVENT_BYTES) {
    throw new InvalidAppendError(
      `${field} is ${bytes} bytes serialised; the limit is ${MAX_EVENT_BYTES} bytes`,
      field,
    );
  }
}

export interface ReadLimits {
  readonly direction: 'forwards' | 'backwards';
  readonly fromRevision: number | undefined;
  /** -1 when unbounded (SQLite's "no limit"). */
  readonly maxCount: number;
}

/** Checks read options; `streamId` is checked too when given. */
export function readLimits(
  streamId: unknown,
  options: { direction?: unknown; fromRevision?: unknown; maxCount?: unknown },
): ReadLimits {
  if (streamId !== undefined) {
    try {
      assertStreamId(streamId);
    } catch (error) {
      throw new StoreError((error as Error).message, 'INVALID_READ');
    }
  }
  const { direction = 'forwards', fromRevision, maxCount } = options;
  if (direction !== 'forwards' && direction !== 'backwards') {
    throw new StoreError(`direction must be 'forwards' or 'backwards', got ${JSON.stringify(direction)}`, 'INVALID_READ');
  }
  if (fromRevision !== undefined && !isCount(fromRevision, 0)) {
    throw new StoreError(`fromRevision must be an integer ≥ 0, got ${String(fromRevision)}`, 'INVALID_READ');
  }
  if (maxCount !== undefined && !isCount(maxCount, 1)) {
    throw new StoreError(`maxCount must be an integer ≥ 1, got ${String(maxCount)}`, 'INVALID_READ');
  }
  return { direction, fromRevision, maxCount: maxCount ?? -1 };
}

/** Checks a `readAll` filter; returns it, or undefined when it filters nothing. */
export function readAllFilter(filter: unknown): ReadAllFilter | undefined {
  if (filter === undefined) return undefined;
  if (filter === null || typeof filter !== 'object') throw new StoreError('readAll: `filter` must be an object', 'INVALID_READ');
  const { streamPrefix, eventTypes } = filter as Record<string, unknown>;
  if (streamPrefix !== undefined && typeof streamPrefix !== 'string') {
    throw new StoreError('readAll: `filter.streamPrefix` must be a string', 'INVALID_READ');
  }
  if (eventTypes !== undefined && !(Array.isArray(eventTypes) && eventTypes.every((type) => typeof type === 'string'))) {
    throw new StoreError('readAll: `filter.eventTypes` must be an array of strings', 'INVALID_READ');
  }
  if (streamPrefix === undefined && eventTypes === undefined) return undefined;
  return filter as ReadAllFilter;
}

function isCount(value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= MAX_REVISION;
}

/** A `readAll`'s direction and bounds, checked: `before` like `after`, a direction of 'forwards' (the default) or 'backwards'. */
export function readAllBounds(options: { after?: unknown; before?: unknown; direction?: unknown }): {
  direction: 'forwards' | 'backwards';
  after: bigint | undefined;
  before: bigint | undefined;
} {
  const { after, before, direction = 'forwards' } = options;
  assertAfterPosition(after, 'readAll');
  if (before !== undefined && (typeof before !== 'bigint' || before > MAX_POSITION)) {
    throw new StoreError('readAll: `before` must be a bigint position no larger than 2^63-1', 'INVALID_READ');
  }
  if (direction !== 'forwards' && direction !== 'backwards') {
    throw new StoreError("readAll: `direction` must be 'forwards' or 'backwards'", 'INVALID_READ');
  }
  return { direction, after, before };
}
