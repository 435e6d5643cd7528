/**
 * An event store held in memory, for fast tests of the layers above the port
 * (app, projections) without a file or a server. It keeps EventStoreDB's
 * semantics, so a test that passes here passes against the real thing:
 *
 * - Positions are sparse and grow by each event's size (EventStoreDB's
 *   commit positions are byte offsets in its log): code that does arithmetic
 *   on positions, or assumes they are dense, fails here as it would there.
 * - Idempotent retries follow the server's rules (see `idempotentRetry`):
 *   a batch resent expecting the stream's current revision is appended again
 *   (ids are not unique within a stream), and a batch that repeats only some
 *   earlier events is a WrongExpectedRevision. The server's cache of recent
 *   writes, which recognises a retry expecting 'any', is unbounded here.
 * - Data and metadata are stored as JSON and parsed on every read, so a
 *   caller can neither hand in what JSON cannot hold nor change what was
 *   recorded by mutating an object it read.
 *
 * The same contract suite as every adapter runs against it
 * (test/store/memory.test.ts).
 */
import {
  WrongExpectedRevisionError,
  StoreError,
  StoreUnavailableError,
  matchesReadAllFilter,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type ListStreamsOptions,
  type NewEvent,
  type ReadAllFilter,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from './port.js';
import { Notifier, catchUpSubscription, registeredSubscription } from './catch-up.js';
import { assertAfterPosition, readAllBounds, readAllFilter, readLimits, serializeBatch, type SerializedEvent } from './validate.js';

export interface MemoryStoreOptions {
  /** When events are recorded (`recordedAt`); `Date.now` unless a test fixes it. */
  readonly now?: () => number;
  /** Shown in logs. */
  readonly description?: string;
}

/** An event as kept: its JSON, parsed again on each read. */
interface StoredEvent {
  readonly id: string;
  readonly streamId: string;
  readonly revision: number;
  readonly position: bigint;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  readonly recordedAt: number;
}

interface StreamRecord {
  readonly events: StoredEvent[];
  /** Each event id's last index in `events` (ids may repeat in a stream, as on EventStoreDB). */
  readonly lastIndexById: Map<string, number>;
}

/** Where the first event lands: EventStoreDB's log never starts at 0 either. */
const FIRST_POSITION = 1_000n;
/** Bytes of a record's envelope beyond its data and metadata, so that even an empty event moves the position. */
const RECORD_OVERHEAD = 64n;

export function openMemoryStore(options: MemoryStoreOptions = {}): MemoryEventStore {
  return new MemoryEventStore(options);
}

export class MemoryEventStore implements EventStore {
  readonly description: string;
  private readonly now: () => number;
  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, StreamRecord>();
  /** Stream ids in order, rebuilt lazily after a new stream appears. */
  private sortedStreamIds: string[] | null = [];
  private nextPosition = FIRST_POSITION;
  private readonly changes = new Notifier();
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.description = options.description ?? 'in memory';
  }

  async append(streamId: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision = 'any'): Promise<AppendResult> {
    const batch = serializeBatch(streamId, events, expectedRevision);
    this.assertOpen();
    const stream = this.streams.get(streamId);
    const current = stream === undefined ? null : stream.events.length - 1;
    const retry = stream === undefined ? undefined : idempotentRetry(stream, batch, expectedRevision);
    if (retry) return retry;
    if (!acceptable(expectedRevision, current)) throw new WrongExpectedRevisionError(streamId, expectedRevision, current);
    return this.write(streamId, stream, batch);
  }

  private write(streamId: string, existing: StreamRecord | undefined, batch: SerializedEvent[]): AppendResult {
    const stream: StreamRecord = existing ?? { events: [], lastIndexById: new Map() };
    if (existing === undefined) {
      this.streams.set(streamId, stream);
      this.sortedStreamIds = null;
    }
    const recordedAt = this.now();
    for (const event of batch) {
      const position = this.nextPosition;
      this.nextPosition += BigInt(event.data.length + event.metadata.length) + RECORD_OVERHEAD;
      const stored: StoredEvent = { ...event, streamId, revision: stream.events.length, position, recordedAt };
      stream.lastIndexById.set(stored.id, stored.revision);
      stream.events.push(stored);
      this.log.push(stored);
    }
    this.changes.notify();
    const last = stream.events[stream.events.length - 1]!;
    return { nextRevision: last.revision, position: last.position };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const { direction, fromRevision, maxCount } = readLimits(streamId, options);
    this.assertOpen();
    const stream = this.streams.get(streamId)?.events ?? [];
    const limit = maxCount < 0 ? Number.POSITIVE_INFINITY : maxCount;
    const picked: StoredEvent[] = [];
    if (direction === 'forwards') {
      for (let r = fromRevision ?? 0; r < stream.length && picked.length < limit; r++) picked.push(stream[r]!);
    } else {
      for (let r = Math.min(fromRevision ?? stream.length - 1, stream.length - 1); r >= 0 && picked.length < limit; r--) {
        picked.push(stream[r]!);
      }
    }
    return picked.map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const { direction, after, before } = readAllBounds(options);
    const limit = readLimits(undefined, { maxCount: options.maxCount }).maxCount;
    const filter = readAllFilter(options.filter);
    this.assertOpen();
    const maxCount = limit < 0 ? Number.POSITIVE_INFINITY : limit;
    if (direction === 'forwards') {
      return this.readAfter(after, maxCount, filter).filter((event) => before === undefined || event.position < before);
    }
    const events: RecordedEvent[] = [];
    const end = before === undefined ? this.log.length : this.firstIndexAfter(before - 1n);
    for (let i = end - 1; i >= 0 && events.length < maxCount; i--) {
      const stored = this.log[i]!;
      if (after !== undefined && stored.position <= after) break;
      if (matchesReadAllFilter(stored, filter)) events.push(toRecorded(stored));
    }
    return events;
  }

  private readAfter(after: bigint | undefined, maxCount: number, filter?: ReadAllFilter): RecordedEvent[] {
    const events: RecordedEvent[] = [];
    for (let i = this.firstIndexAfter(after); i < this.log.length && events.length < maxCount; i++) {
      const stored = this.log[i]!;
      if (matchesReadAllFilter(stored, filter)) events.push(toRecorded(stored));
    }
    return events;
  }

  /** Index in the log of the first event strictly after `after` (binary search: positions only grow). */
  private firstIndexAfter(after: bigint | undefined): number {
    if (after === undefined) return 0;
    let low = 0;
    let high = this.log.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.log[middle]!.position <= after) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    assertAfterPosition(options.after, 'subscribeToAll');
    this.assertOpen();
    const inner = catchUpSubscription(
      { readAfter: async (after, max) => (this.assertOpen(), this.readAfter(after, max)), changes: this.changes },
      options.after,
    );
    return registeredSubscription(inner, this.subscriptions);
  }

  async streamRevision(streamId: string): Promise<number | null> {
    readLimits(streamId, {});
    this.assertOpen();
    const stream = this.streams.get(streamId);
    return stream === undefined ? null : stream.events.length - 1;
  }

  async listStreams(options: ListStreamsOptions): Promise<string[]> {
    const { prefix, after } = options;
    if (typeof prefix !== 'string') throw new StoreError('listStreams: `prefix` must be a string', 'INVALID_READ');
    const { maxCount } = readLimits(undefined, { maxCount: options.limit });
    this.assertOpen();
    this.sortedStreamIds ??= [...this.streams.keys()].sort();
    const limit = maxCount < 0 ? Number.POSITIVE_INFINITY : maxCount;
    const sorted = this.sortedStreamIds;
    const from = after !== undefined && after >= prefix ? after : prefix;
    const ids: string[] = [];
    for (let i = firstIndexAtOrAbove(sorted, from); i < sorted.length && ids.length < limit; i++) {
      const id = sorted[i]!;
      if (!id.startsWith(prefix)) break;
      if (id !== after) ids.push(id);
    }
    return ids;
  }

  async headPosition(): Promise<bigint | null> {
    this.assertOpen();
    return this.log.length === 0 ? null : this.log[this.log.length - 1]!.position;
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('the in-memory event store is closed');
  }
}

function acceptable(expected: ExpectedRevision, current: number | null): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === null;
  if (expected === 'stream_exists') return current !== null;
  return expected === current;
}

/**
 * EventStoreDB's idempotence check, for a stream that exists:
 * - expecting a revision the stream is past (or 'no_stream'): the batch is a
 *   retry when the events right after that revision carry its ids, one for one;
 *   anything else is a conflict;
 * - expecting 'any' or 'stream_exists': a retry when the batch's first id is in
 *   the stream and the following events carry the rest of its ids; a batch
 *   that matches only in part is a conflict; no match is a new append;
 * - expecting the current revision: never a retry (the events are appended).
 */
function idempotentRetry(record: StreamRecord, batch: SerializedEvent[], expected: ExpectedRevision): AppendResult | undefined {
  const stream = record.events;
  const current = stream.length - 1;
  let from: number;
  if (expected === 'any' || expected === 'stream_exists') {
    const found = record.lastIndexById.get(batch[0]!.id);
    if (found === undefined) return undefined;
    from = found;
  } else {
    from = expected === 'no_stream' ? 0 : expected + 1;
    if (from > current) return undefined;
  }
  const matches = batch.every((event, i) => stream[from + i]?.id === event.id);
  if (!matches) {
    if (expected === 'any' || expected === 'stream_exists') {
      throw new WrongExpectedRevisionError(stream[0]!.streamId, expected, current);
    }
    return undefined; // a stale revision: the caller's check reports the conflict
  }
  const last = stream[from + batch.length - 1]!;
  return { nextRevision: last.revision, position: last.position };
}

/** Index of the first of the sorted `ids` that is ≥ `from`. */
function firstIndexAtOrAbove(ids: readonly string[], from: string): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (ids[middle]! < from) low = middle + 1;
    else high = middle;
  }
  return low;
}

function toRecorded(stored: StoredEvent): RecordedEvent {
  return {
    id: stored.id,
    streamId: stored.streamId,
    revision: stored.revision,
    position: stored.position,
    type: stored.type,
    data: JSON.parse(stored.data),
    metadata: JSON.parse(stored.metadata),
    recordedAt: new Date(stored.recordedAt),
  };
}
