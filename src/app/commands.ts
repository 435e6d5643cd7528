/**
 * The one write path: every mutation (appendEvents, the typed mutations, the
 * importer, the demo) goes through `CommandService.appendEvents` (the
 * importer's writing pass through `appendChecked`, the same path for events it
 * has already run through the schemas).
 *
 * Each job in its own file: the input checks (command-input.ts), the
 * idempotent-retry matching (idempotent-retry.ts), and the append loop with
 * its race retries and read-your-writes wait (stream-writer.ts). Here the
 * writes to one relationship are queued, so races only happen between
 * processes (API replicas, the CLI).
 */
import type { CourtshipEvent } from '../domain/events.js';
import type { Rules } from '../domain/rules.js';
import { parseEventInput } from '../domain/validation.js';
import type { EventStore } from '../store/port.js';
import type { Clock } from './clock.js';
import { checkExpectedVersion, checkIds, prepare, type Prepared } from './command-input.js';
import { KeyedQueue } from './keyed-queue.js';
import type { ReadSide, RelationshipRow } from './read-side.js';
import { streamIdFor } from './relationship-stream.js';
import { StreamWriter } from './stream-writer.js';

export { MAX_EVENTS_PER_APPEND, MAX_METADATA_BYTES, MAX_METADATA_DEPTH, metadataTooDeep } from './command-input.js';

export interface EventInput {
  readonly type: string;
  readonly occurredAt: string;
  readonly actor: string;
  readonly data?: unknown;
  readonly eventId?: string | null;
  readonly metadata?: unknown;
}

export interface AppendEventsInput {
  readonly tenant: string;
  readonly relationshipId: string;
  /** The version the caller last saw; omitted means "any". */
  readonly expectedVersion?: number | null;
  readonly events: readonly EventInput[];
}

export interface AppendEventsResult {
  /** The relationship with the appended events applied. */
  readonly row: RelationshipRow;
  /** Global position of the last event appended (or found, on an idempotent retry). */
  readonly position: bigint;
  /** True when every event id was already in the stream and nothing was written. */
  readonly replayed: boolean;
}

/** An event checked by `parseEventInput` (its result), with the rest of its input. */
export interface CheckedEventInput {
  readonly event: CourtshipEvent;
  readonly eventId?: string | null;
  readonly metadata?: unknown;
}

export interface AppendCheckedInput extends Omit<AppendEventsInput, 'events'> {
  readonly events: readonly CheckedEventInput[];
}

export interface CommandServiceDeps {
  readonly store: EventStore;
  readonly readSide?: ReadSide;
  readonly clock: Clock;
  readonly rules: Rules;
  /** How long a write waits for the projector before answering from its own fold. */
  readonly consistencyTimeoutMs?: number;
}

export class CommandService {
  private readonly queue = new KeyedQueue();
  private readonly writer: StreamWriter;

  constructor(deps: CommandServiceDeps) {
    this.writer = new StreamWriter(deps);
  }

  async appendEvents(input: AppendEventsInput): Promise<AppendEventsResult> {
    checkIds(input.tenant, input.relationshipId);
    return this.write(input, prepare(input.events, parseEventInput));
  }

  /**
   * `appendEvents` for events whose input already passed `parseEventInput`
   * (the importer checks every line before it writes any): each event comes
   * as what that call returned, so the schemas do not run twice on the same
   * input. Every other check, the decision and the append are the same.
   */
  async appendChecked(input: AppendCheckedInput): Promise<AppendEventsResult> {
    checkIds(input.tenant, input.relationshipId);
    return this.write(input, prepare(input.events, (checked) => checked.event));
  }

  private write(input: Omit<AppendEventsInput, 'events'>, prepared: Prepared[]): Promise<AppendEventsResult> {
    const streamId = streamIdFor(input.tenant, input.relationshipId);
    return this.queue.run(streamId, () => this.writer.write(input, checkExpectedVersion(input.expectedVersion), prepared, streamId));
  }
}
