/**
 * The one write path: every mutation (appendEvents, the typed mutations, the
 * importer, the demo) goes through `CommandService.appendEvents` (the
 * importer's writing pass through `appendChecked`, the same path for events it
 * has already run through the schemas).
 *
 * read the stream → fold → decide (domain invariants, due deadlines) →
 * append with the folded revision as the expected revision → wait, bounded,
 * until the projector has applied it (read-your-writes).
 *
 * The append always names the revision `decide` saw, so a concurrent writer
 * can never slip an event between the check and the write. When the caller gave
 * no `expectedVersion` ("any"), a lost race is retried against the new state;
 * when it did, the race is the caller's CONFLICT. Inside one process, writes
 * to one relationship are queued, so races only happen between processes
 * (API replicas, the CLI).
 */
import { randomUUID } from 'node:crypto';
import { canonicalJson } from '../domain/canonical-json.js';
import { decideWithState, needsHistory } from '../domain/decide.js';
import type { CourtshipEvent, StoredEvent } from '../domain/events.js';
import { foldHistory } from '../domain/history.js';
import type { Rules } from '../domain/rules.js';
import { initialState, type RelationshipState } from '../domain/state.js';
import { parseEventInput } from '../domain/validation.js';
import { decodeRecorded, RELATIONSHIP_ID_PATTERN, streamIdFor, TENANT_PATTERN, toNewEvent } from './relationship-stream.js';
import { encodePosition, UUID_PATTERN, WrongExpectedRevisionError, type EventStore, type RecordedEvent } from '../store/port.js';
import type { Clock } from './clock.js';
import { deadlineEventId } from './deadline-id.js';
import { ConflictError, InputError, NotFoundError } from './errors.js';
import { KeyedQueue } from './keyed-queue.js';
import { StreamHistories } from './stream-histories.js';
import type { ReadSide, RelationshipRow } from './read-side.js';

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

export const MAX_EVENTS_PER_APPEND = 1000;
/** Largest metadata of an event, serialised (the importer checks it before it writes anything). */
export const MAX_METADATA_BYTES = 16 * 1024;
const RETRIES_ON_RACE = 5;

export interface CommandServiceDeps {
  readonly store: EventStore;
  readonly readSide?: ReadSide;
  readonly clock: Clock;
  readonly rules: Rules;
  /** How long a write waits for the projector before answering from its own fold. */
  readonly consistencyTimeoutMs?: number;
}

interface Prepared {
  readonly event: CourtshipEvent;
  readonly id: string | null;
  readonly metadata: Record<string, unknown> | null;
}

export class CommandService {
  private readonly queue = new KeyedQueue();
  /** Streams recently read to place a late fact, kept decoded for the next one. */
  private readonly histories = new StreamHistories();

  constructor(private readonly deps: CommandServiceDeps) {}

  async appendEvents(input: AppendEventsInput): Promise<AppendEventsResult> {
    checkIds(input.tenant, input.relationshipId);
    const prepared = prepare(input.events, parseEventInput);
    const streamId = streamIdFor(input.tenant, input.relationshipId);
    return this.queue.run(streamId, () => this.appendPrepared(input, prepared, streamId));
  }

  /**
   * `appendEvents` for events whose input already passed `parseEventInput`
   * (the importer checks every line before it writes any): each event comes
   * as what that call returned, so the schemas do not run twice on the same
   * input. Every other check, the decision and the append are the same.
   */
  async appendChecked(input: AppendCheckedInput): Promise<AppendEventsResult> {
    checkIds(input.tenant, input.relationshipId);
    const prepared = prepare(input.events, (checked) => checked.event);
    const streamId = streamIdFor(input.tenant, input.relationshipId);
    return this.queue.run(streamId, () => this.appendPrepared(input, prepared, streamId));
  }

  private async appendPrepared(
    input: Omit<AppendEventsInput, 'events'>,
    prepared: Prepared[],
    streamId: string,
  ): Promise<AppendEventsResult> {
    const expected = input.expectedVersion ?? null;
    if (expected !== null && (!Number.isInteger(expected) || expected < -1)) {
      throw new InputError('expectedVersion must be an integer ≥ -1 (-1: the relationship must not exist yet)', 'expectedVersion', 'INVALID_VERSION');
    }

    for (let attempt = 0; ; attempt++) {
      const { state, recorded, stream } = await this.load(input.tenant, input.relationshipId, streamId, prepared);

      const retry = findRetry(recorded ?? [], prepared);
      if (retry) return { row: this.row(input.tenant, input.relationshipId, state, retry.position), position: retry.position, replayed: true };

      if (expected !== null && expected !== state.version) {
        throw new ConflictError(input.relationshipId, expected, state.version);
      }
      if (state.phase === null && prepared[0]!.event.type !== 'RelationshipOpened') {
        throw new NotFoundError('relationship', input.relationshipId, {
          field: 'relationshipId',
          reason: 'NOT_OPENED',
          hint: `a relationship starts with RelationshipOpened, not ${prepared[0]!.event.type}`,
        });
      }

      const decision = decideWithState(
        { relationshipId: input.relationshipId, events: prepared.map((p) => p.event) },
        state,
        { now: this.deps.clock.now(), rules: this.deps.rules },
        stream,
      );
      const toAppend = decision.events;
      const newEvents = matchIds(toAppend, prepared).map(({ event, id, metadata }) =>
        toNewEvent(id ?? deadlineOrRandomId(streamId, event), input.tenant, input.relationshipId, event, metadata),
      );

      try {
        const result = await this.deps.store.append(streamId, newEvents, state.version < 0 ? 'no_stream' : state.version);
        const written = toAppend.map((event, i) => ({ event, revision: state.version + 1 + i }));
        // Keeps a held stream current: the next late fact to it needs no read.
        if (stream !== undefined) this.histories.set(streamId, [...stream, ...written]);
        else this.histories.extend(streamId, written);
        await this.settle(result.position);
        return { row: this.row(input.tenant, input.relationshipId, decision.state, result.position), position: result.position, replayed: false };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        const current = error.actualRevision ?? -1;
        if (expected !== null || attempt >= RETRIES_ON_RACE) {
          throw new ConflictError(input.relationshipId, expected, current);
        }
      }
    }
  }

  /**
   * The stream's current state, and its recorded events when an idempotent
   * retry must be looked for (whenever an event of the batch carries an id)
   * or a late fact placed (an event dated before the history's last one); null
   * when they were not read. The stream is read and folded only when it must
   * be: a new stream has nothing to read, and the projector's row is the same
   * fold when it is at the stream's revision (its states are never mutated,
   * and `decide` copies what it changes).
   */
  private async load(
    tenant: string,
    relationshipId: string,
    streamId: string,
    prepared: readonly Prepared[],
  ): Promise<{ state: RelationshipState; recorded: readonly RecordedEvent[] | null; stream: readonly StoredEvent[] | undefined }> {
    const needsIds = prepared.some((p) => p.id !== null);
    const revision = await this.deps.store.streamRevision(streamId);
    if (revision === null) return { state: initialState(relationshipId), recorded: [], stream: [] };
    const projected = this.deps.readSide?.getRelationship(tenant, relationshipId);
    const current = projected && projected.state.version === revision ? projected.state : null;
    if (!needsIds && current !== null) {
      if (!needsHistory(current, prepared.map((p) => p.event))) return { state: current, recorded: null, stream: undefined };
      const held = this.histories.get(streamId, revision);
      if (held !== undefined) return { state: current, recorded: null, stream: held };
    }
    const recorded = await this.deps.store.readStream(streamId);
    const stream = recorded.map(toStored);
    this.histories.set(streamId, stream.slice());
    return { state: current ?? foldHistory(stream, this.deps.rules, initialState(relationshipId)), recorded, stream };
  }

  /** Read-your-writes: the projector has applied `position` before we answer, within a bound. */
  private async settle(position: bigint): Promise<void> {
    if (!this.deps.readSide) return;
    try {
      await this.deps.readSide.waitFor(position, this.deps.consistencyTimeoutMs ?? 5000);
    } catch {
      // The write is durable; the answer below comes from our own fold, so it
      // still reflects it. Later reads may lag until the projector catches up.
    }
  }

  private row(tenant: string, id: string, state: RelationshipState, position: bigint): RelationshipRow {
    const projected = this.deps.readSide?.getRelationship(tenant, id);
    if (projected && projected.state.version >= state.version) return projected;
    return { tenant, id, state, position };
  }
}

function toStored(recorded: RecordedEvent): StoredEvent {
  const decoded = decodeRecorded(recorded);
  if (!decoded) throw new Error(`event ${recorded.id} in ${recorded.streamId} is not a relationship event`);
  return {
    event: decoded.event,
    revision: decoded.revision,
    position: encodePosition(decoded.position),
    recordedAt: recorded.recordedAt.getTime(),
  };
}

function checkIds(tenant: string, relationshipId: string): void {
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
function prepare<T extends { readonly eventId?: string | null; readonly metadata?: unknown }>(
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
  if (Buffer.byteLength(JSON.stringify(metadata)) > MAX_METADATA_BYTES) {
    throw new InputError(`${field} is larger than ${MAX_METADATA_BYTES} bytes`, field, 'METADATA_TOO_LARGE', index);
  }
  return metadata as Record<string, unknown>;
}

/**
 * An idempotent retry: every id the batch carries is already in the stream,
 * and the batch is the one that landed there: event for event (the events
 * with an id by id and type, the others in full), with only the deadlines
 * `decide` inserted in between. A batch that repeats only some of its ids is
 * refused, and so is one that reuses ids for other events (it would otherwise
 * be answered as written while nothing of it was).
 */
function findRetry(recorded: readonly RecordedEvent[], prepared: readonly Prepared[]): { position: bigint } | null {
  if (recorded.length === 0 || prepared.every((p) => p.id === null)) return null;
  const byId = new Map(recorded.map((r, index) => [r.id.toLowerCase(), index]));
  const found = prepared.map((p) => (p.id === null ? null : byId.get(p.id)));
  if (found.every((r) => r === null || r === undefined)) return null;
  const missing = found.findIndex((r) => r === undefined);
  if (missing >= 0) {
    throw new InputError(
      `events[${missing}].eventId is new, but other events of this batch were already appended: retry the exact same batch`,
      `events[${missing}].eventId`,
      'PARTIAL_RETRY',
      missing,
    );
  }
  const first = found.findIndex((r) => r !== null);
  const anchor = found[first]!;
  // Outwards from the first event with an id: each event of the batch, at the next recorded
  // event that is not a deadline `decide` inserted (and, when it carries an id, at that id's).
  const walk = (from: number, step: 1 | -1, indexes: readonly number[]): number => {
    let at = from;
    for (const i of indexes) {
      const incoming = prepared[i]!;
      do at += step;
      while (at >= 0 && at < recorded.length && isInsertedDeadline(recorded[at]!, incoming));
      if (at < 0 || at >= recorded.length || (found[i] !== null && found[i] !== at) || !sameEvent(recorded[at]!, incoming)) {
        throw notTheSameBatch(i, incoming);
      }
    }
    return at;
  };
  if (!sameEvent(recorded[anchor]!, prepared[first]!)) throw notTheSameBatch(first, prepared[first]!);
  walk(anchor, -1, Array.from({ length: first }, (_, k) => first - 1 - k));
  const last = walk(anchor, 1, Array.from({ length: prepared.length - first - 1 }, (_, k) => first + 1 + k));
  return { position: recorded[last]!.position };
}

function isInsertedDeadline(recorded: RecordedEvent, incoming: Prepared): boolean {
  return recorded.type === 'DeadlineReached' && !(incoming.event.type === 'DeadlineReached' && sameEvent(recorded, incoming));
}

/**
 * The recorded event is the incoming one. An event with an id is known by its
 * id and type: a resent typed mutation may carry another instant (it defaults
 * to the clock's). One without an id must be the same in full: type, instant,
 * actor and data (key order aside).
 */
function sameEvent(recorded: RecordedEvent, incoming: Prepared): boolean {
  if (recorded.type !== incoming.event.type) return false;
  if (incoming.id !== null) return true;
  const decoded = decodeRecorded(recorded);
  return decoded !== null && canonicalJson(decoded.event) === canonicalJson(incoming.event);
}

function notTheSameBatch(index: number, incoming: Prepared): InputError {
  return new InputError(
    `events[${index}] is not the event already appended where this batch's event ids were: a retry must resend the exact same batch; new events need new ids`,
    incoming.id === null ? `events[${index}]` : `events[${index}].eventId`,
    'EVENT_ID_REUSED',
    index,
  );
}

/** `decide` returns the incoming events (same objects, same order) with due deadlines inserted between them. */
function matchIds(toAppend: readonly CourtshipEvent[], prepared: readonly Prepared[]): Prepared[] {
  let next = 0;
  return toAppend.map((event) => {
    const incoming = prepared[next];
    if (incoming && incoming.event === event) {
      next++;
      return incoming;
    }
    return { event, id: null, metadata: null };
  });
}

function deadlineOrRandomId(streamId: string, event: CourtshipEvent): string {
  if (event.type === 'DeadlineReached') return deadlineEventId(streamId, { rule: event.data.rule, at: event.data.deadline });
  return randomUUID();
}

