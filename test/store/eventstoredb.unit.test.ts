/**
 * What the EventStoreDB adapter promises that can be checked without a server:
 * a fake client stands in for `@eventstore/db-client`, scripted to fail the way
 * the real one does (a plain Error with code 14, UnavailableError, a stream
 * that ends or hangs, numbers where bigints are expected). Waits between
 * retries go through an injected `sleep` that records the delay and returns at
 * once, so nothing here depends on the clock.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  AccessDeniedError,
  MaxAppendSizeExceededError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  InvalidAppendError,
  MAX_POSITION,
  StoreError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
  type RecordedEvent,
  type Subscription,
} from '../../src/store/port.js';
import {
  EventStoreDbStore,
  normalisePosition,
  normaliseRevision,
  openEventStoreDb,
  redactConnectionString,
  toBigInt,
  toRecordedEvent,
  toStoreError,
  type EsdbClient,
  type EsdbRead,
  type EsdbResolvedEvent,
  type EsdbSubscription,
  type EventStoreDbOptions,
} from '../../src/store/eventstoredb.js';
import { alive, collectGarbage } from './gc.js';

const SECRET = 'hunter2';
const CONNECTION = `esdb://admin:${SECRET}@db.example:2113?tls=false`;
const DESCRIPTION = 'esdb://admin:***@db.example:2113?tls=false';

/* ------------------------------------------------------------ the fake */

type AppendCall = Parameters<EsdbClient['appendToStream']>;
type AppendOutcome = Awaited<ReturnType<EsdbClient['appendToStream']>> | Error;

function recorded(
  streamId: string,
  revision: bigint | number,
  position: bigint | number,
  type = 'Happened',
  data: unknown = {},
): EsdbResolvedEvent {
  return {
    event: {
      streamId,
      id: randomUUID(),
      revision,
      type,
      created: new Date(0),
      data,
      metadata: { tenant: 't' },
      position: { commit: position, prepare: position },
    },
    commitPosition: typeof position === 'bigint' ? position : BigInt(position),
  };
}

function link(target: string, revision: number): EsdbResolvedEvent {
  return recorded('$streams', revision, 1_000_000 + revision, '$>', new TextEncoder().encode(`0@${target}`));
}

function readOf(events: readonly EsdbResolvedEvent[], failure?: Error): EsdbRead {
  return {
    async *[Symbol.asyncIterator]() {
      yield* events;
      if (failure) throw failure;
    },
  };
}

/** A read that never answers, like the client's first call on a socket that accepts and stays silent. */
function silentRead(): EsdbRead & { destroyed: boolean } {
  let release: () => void = () => undefined;
  const read = {
    destroyed: false,
    destroy() {
      read.destroyed = true;
      release();
    },
    async *[Symbol.asyncIterator](): AsyncGenerator<EsdbResolvedEvent> {
      await new Promise<void>((resolve) => (release = resolve));
    },
  };
  return read;
}

/** One server subscription: yields its steps (an Error step fails the stream), then ends or waits. */
class FakeSubscription implements EsdbSubscription {
  pulled = 0;
  unsubscribed = false;
  destroyed = false;
  private release: () => void = () => undefined;
  private readonly released = new Promise<void>((resolve) => (this.release = resolve));

  constructor(
    private readonly steps: Iterable<EsdbResolvedEvent | Error>,
    private readonly atEnd: 'end' | 'wait' = 'wait',
    /** A stream stuck on a dead socket: closing it never ends a pending read. */
    private readonly deaf = false,
  ) {}

  async unsubscribe() {
    this.unsubscribed = true;
    if (!this.deaf) this.release();
  }

  destroy() {
    this.destroyed = true;
    if (!this.deaf) this.release();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<EsdbResolvedEvent> {
    for (const step of this.steps) {
      this.pulled += 1;
      if (step instanceof Error) throw step;
      yield step;
    }
    if (this.atEnd === 'wait') await this.released;
  }
}

class FakeClient implements EsdbClient {
  readonly appendCalls: AppendCall[] = [];
  readonly appendOutcomes: AppendOutcome[] = [];
  readonly streams = new Map<string, EsdbResolvedEvent[]>();
  /** $all, in log order, system events included. */
  log: EsdbResolvedEvent[] = [];
  readonly readAllCalls: Parameters<EsdbClient['readAll']>[0][] = [];
  readonly readStreamCalls: Parameters<EsdbClient['readStream']>[] = [];
  readAllOverride?: () => EsdbRead;
  readonly subscriptions: FakeSubscription[] = [];
  readonly subscribeCalls: Parameters<EsdbClient['subscribeToAll']>[0][] = [];
  projectionStatus = 'Running';
  disposed = false;

  async appendToStream(...call: AppendCall) {
    this.appendCalls.push(call);
    const outcome = this.appendOutcomes.shift();
    if (outcome === undefined) throw new Error('the fake has no scripted append outcome');
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  readStream(...call: Parameters<EsdbClient['readStream']>): EsdbRead {
    this.readStreamCalls.push(call);
    const [name, { direction, fromRevision, maxCount }] = call;
    const stream = this.streams.get(name);
    if (!stream) return readOf([], new StreamNotFoundError(undefined, name));
    const revisionOf = (e: EsdbResolvedEvent) => BigInt(e.event!.revision);
    const events =
      direction === 'forwards'
        ? stream.filter((e) => fromRevision === 'start' || (fromRevision !== 'end' && revisionOf(e) >= fromRevision))
        : [...stream].reverse().filter((e) => fromRevision === 'end' || (fromRevision !== 'start' && revisionOf(e) <= fromRevision));
    return readOf(events.slice(0, maxCount));
  }

  readAll(options: Parameters<EsdbClient['readAll']>[0]): EsdbRead {
    this.readAllCalls.push(options);
    if (this.readAllOverride) return this.readAllOverride();
    const { direction, fromPosition, maxCount } = options;
    const at = (e: EsdbResolvedEvent) => e.commitPosition as bigint;
    // Like the server: forwards from a position is inclusive, backwards from one is exclusive.
    const events =
      direction === 'forwards'
        ? this.log.filter((e) => typeof fromPosition === 'string' || at(e) >= fromPosition.commit)
        : [...this.log].reverse().filter((e) => typeof fromPosition === 'string' || at(e) < fromPosition.commit);
    return readOf(events.slice(0, maxCount));
  }

  subscribeToAll(options: Parameters<EsdbClient['subscribeToAll']>[0]): EsdbSubscription {
    this.subscribeCalls.push(options);
    const next = this.subscriptions[this.subscribeCalls.length - 1];
    if (!next) throw new Error('the fake has no scripted subscription left');
    return next;
  }

  async getProjectionStatus() {
    return { projectionStatus: this.projectionStatus };
  }

  async dispose() {
    this.disposed = true;
  }
}

function unavailable(): Error {
  // What the client really throws from an append when nothing listens: a plain Error, not UnavailableError.
  return Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });
}

function storeWith(client: FakeClient, options: EventStoreDbOptions = {}) {
  const delays: number[] = [];
  const store = new EventStoreDbStore(client, DESCRIPTION, {
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...options,
  });
  return { store, delays };
}

async function take(subscription: Subscription, count: number): Promise<RecordedEvent[]> {
  const received: RecordedEvent[] = [];
  for await (const event of subscription) {
    received.push(event);
    if (received.length === count) break;
  }
  return received;
}

const newEvent = (type = 'Happened') => ({ id: randomUUID(), type, data: { n: 1 } });

/* ---------------------------------------------------------------- tests */

describe('the connection string in messages', () => {
  it('hides the password and keeps the user, hosts and options', () => {
    expect(redactConnectionString(CONNECTION)).toBe(DESCRIPTION);
    expect(redactConnectionString('esdb+discover://admin:changeit@node1:2113,node2:2113?tlsCAFile=/certs/ca/ca.crt')).toBe(
      'esdb+discover://admin:***@node1:2113,node2:2113?tlsCAFile=/certs/ca/ca.crt',
    );
  });

  it('leaves a connection string without credentials as it is', () => {
    expect(redactConnectionString('esdb://eventstore:2113?tls=false')).toBe('esdb://eventstore:2113?tls=false');
  });

  it('hides a password that itself holds an @ entirely', () => {
    const redacted = redactConnectionString('esdb://admin:p@ss:w@rd@db:2113');
    expect(redacted).toBe('esdb://admin:***@db:2113');
  });

  it('is what the store describes itself with', async () => {
    const client = new FakeClient();
    const store = await openEventStoreDb(CONNECTION, { client });
    expect(store.description).toBe(DESCRIPTION);
    expect(store.kind).toBe('eventstoredb');
    await store.close();
  });
});

describe('opening the store', () => {
  it('fails with a clear error naming the server without its password when it is unreachable', async () => {
    const client = new FakeClient();
    client.readAllOverride = () => readOf([], new UnavailableError());
    const error = await openEventStoreDb(CONNECTION, { client }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toContain(`cannot reach EventStoreDB at ${DESCRIPTION}`);
    expect((error as Error).message).not.toContain(SECRET);
    expect(client.disposed).toBe(true);
  });

  it('gives up on a server that accepts the connection and never answers', async () => {
    const client = new FakeClient();
    const read = silentRead();
    client.readAllOverride = () => read;
    const error = await openEventStoreDb(CONNECTION, { client, connectTimeoutMs: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/did not answer .* within 5 ms/);
    expect(read.destroyed).toBe(true);
  });

  it('refuses a malformed connection string without echoing its password', async () => {
    const error = await openEventStoreDb(`esdb://admin:${SECRET}@db:2113?tls=maybe`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('INVALID_CONNECTION_STRING');
    expect((error as Error).message).toContain('esdb://admin:***@db:2113?tls=maybe');
    expect((error as Error).message).not.toContain(SECRET);
  });

  it('ping reports a silent server as unavailable within its own timeout', async () => {
    const client = new FakeClient();
    const { store } = storeWith(client, { pingTimeoutMs: 5 });
    client.readAllOverride = () => silentRead();
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe("translating the client's errors into the port's", () => {
  const context = { description: DESCRIPTION, streamId: 'rel-t-1', expected: 3 as const };

  it('a wrong expected version becomes a conflict carrying the actual revision', () => {
    const error = toStoreError(
      new WrongExpectedVersionError(undefined, { streamName: 'rel-t-1', expected: 3n, current: 5n }),
      context,
    );
    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toMatchObject({ streamId: 'rel-t-1', expected: 3, actualRevision: 5 });
  });

  it('a conflict on a stream that does not exist carries a null revision', () => {
    const error = toStoreError(
      new WrongExpectedVersionError(undefined, { streamName: 'rel-t-1', expected: 'stream_exists', current: 'no_stream' }),
      { ...context, expected: 'stream_exists' },
    );
    expect(error).toMatchObject({ actualRevision: null, expected: 'stream_exists' });
  });

  it('UnavailableError and a plain Error with code 14 both mean the store is unavailable', () => {
    for (const cause of [new UnavailableError(), unavailable()]) {
      const error = toStoreError(cause, context);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error.message).toContain(DESCRIPTION);
      expect((error as StoreUnavailableError).cause).toBe(cause);
    }
  });

  it("a batch over the server's append size is bad input", () => {
    const error = toStoreError(MaxAppendSizeExceededError.fromMaxAppendSize(1024), context);
    expect(error).toBeInstanceOf(InvalidAppendError);
    expect(error.message).toContain('1024');
  });

  it('denied access and unknown failures stay store errors with their own codes', () => {
    expect(toStoreError(new AccessDeniedError(), context).code).toBe('ACCESS_DENIED');
    const other = toStoreError(new Error('boom'), context);
    expect(other.code).toBe('EVENTSTOREDB_ERROR');
    expect(other.message).toContain('boom');
  });
});

describe('positions and revisions, whether bigint or number', () => {
  it('turns numbers and decimal strings into bigint and refuses anything else', () => {
    expect(toBigInt(5, 'position')).toBe(5n);
    expect(toBigInt('7', 'position')).toBe(7n);
    expect(toBigInt(9n, 'position')).toBe(9n);
    expect(() => toBigInt(1.5, 'position')).toThrow(StoreError);
  });

  it('keeps positions beyond 2^53 exact and reads the "no position" markers as null', () => {
    expect(normalisePosition(2n ** 60n + 1n)).toBe(2n ** 60n + 1n);
    expect(normalisePosition(undefined)).toBeNull();
    expect(normalisePosition(-1)).toBeNull();
    expect(normalisePosition(2n ** 64n - 1n)).toBeNull();
  });

  it('reads revision -1 as no stream and others as numbers', () => {
    expect(normaliseRevision(-1n)).toBeNull();
    expect(normaliseRevision(4)).toBe(4);
    expect(normaliseRevision(4n)).toBe(4);
  });

  it('maps a recorded event with number fields to the port, metadata defaulting to an empty object', () => {
    const resolved = recorded('rel-t-1', 2, 1234);
    const event = toRecordedEvent({ ...resolved, event: { ...resolved.event!, metadata: undefined } });
    expect(event).toMatchObject({ streamId: 'rel-t-1', revision: 2, position: 1234n, metadata: {} });
  });

  it('hides system events, by type or by stream', () => {
    expect(toRecordedEvent(recorded('rel-t-1', 0, 1, '$metadata'))).toBeNull();
    expect(toRecordedEvent(recorded('$stats-127.0.0.1:2113', 0, 1, 'StatsCollected'))).toBeNull();
  });
});

describe('appending', () => {
  it('maps each expected revision to the client and sends JSON events with their ids', async () => {
    const client = new FakeClient();
    const { store } = storeWith(client);
    for (const expected of ['any', 'no_stream', 'stream_exists', 7] as const) {
      client.appendOutcomes.push({ nextExpectedRevision: 0n, position: { commit: 10n, prepare: 10n } });
      await store.append('rel-t-1', [newEvent()], expected);
    }
    expect(client.appendCalls.map(([, , options]) => options.expectedRevision)).toEqual([
      'any',
      'no_stream',
      'stream_exists',
      7n,
    ]);
    const id = randomUUID().toUpperCase();
    client.appendOutcomes.push({ nextExpectedRevision: 1n, position: { commit: 11n, prepare: 11n } });
    await store.append('rel-t-1', [{ id, type: 'Called', data: { channel: 'CALL' } }]);
    const [, [sent]] = client.appendCalls[4]!;
    expect(sent).toEqual({
      id: id.toLowerCase(),
      type: 'Called',
      contentType: 'application/json',
      data: { channel: 'CALL' },
      metadata: {},
    });
  });

  it('returns the revision and commit position as the port types, even when the client sends numbers', async () => {
    const client = new FakeClient();
    const { store } = storeWith(client);
    client.appendOutcomes.push({ nextExpectedRevision: 1, position: { commit: 42, prepare: 42 } });
    expect(await store.append('rel-t-1', [newEvent(), newEvent()])).toEqual({ nextRevision: 1, position: 42n });
  });

  it('reads the position from the event itself when the server acknowledges without one', async () => {
    const client = new FakeClient();
    const { store } = storeWith(client);
    client.streams.set('rel-t-1', [recorded('rel-t-1', 0n, 5n), recorded('rel-t-1', 1n, 9n)]);
    client.appendOutcomes.push({ nextExpectedRevision: 1n });
    expect(await store.append('rel-t-1', [newEvent()], 0)).toEqual({ nextRevision: 1, position: 9n });
  });

  it('retries while the server is unavailable, with exponential backoff, then succeeds', async () => {
    const client = new FakeClient();
    const { store, delays } = storeWith(client);
    client.appendOutcomes.push(unavailable(), new UnavailableError(), {
      nextExpectedRevision: 0n,
      position: { commit: 3n, prepare: 3n },
    });
    const batch = [newEvent()];
    expect(await store.append('rel-t-1', batch, 'no_stream')).toEqual({ nextRevision: 0, position: 3n });
    expect(delays).toEqual([100, 200]);
    // Every attempt sends the same ids, which makes a retry of a lost success idempotent.
    expect(new Set(client.appendCalls.map(([, events]) => events[0]!.id))).toEqual(new Set([batch[0]!.id]));
  });

  it('gives up after the bounded attempts with an unavailable error naming the server without its password', async () => {
    const client = new FakeClient();
    const { store, delays } = storeWith(client, { appendAttempts: 3, backoffBaseMs: 50, backoffMaxMs: 80 });
    client.appendOutcomes.push(unavailable(), unavailable(), unavailable(), unavailable());
    const error = await store.append('rel-t-1', [newEvent()]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toContain(DESCRIPTION);
    expect((error as Error).message).not.toContain(SECRET);
    expect(client.appendCalls).toHaveLength(3);
    expect(delays).toEqual([50, 80]);
  });

  it('never retries a conflict', async () => {
    const client = new FakeClient();
    const { store, delays } = storeWith(client);
    client.appendOutcomes.push(new WrongExpectedVersionError(undefined, { streamName: 'rel-t-1', expected: 0n, current: 4n }));
    const error = await store.append('rel-t-1', [newEvent()], 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toMatchObject({ actualRevision: 4, expected: 0 });
    expect(client.appendCalls).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('refuses bad input before calling the server', async () => {
    const client = new FakeClient();
    const { store } = storeWith(client);
    await expect(store.append('bad stream', [newEvent()])).rejects.toBeInstanceOf(InvalidAppendError);
    await expect(store.append('rel-t-1', [])).rejects.toBeInstanceOf(InvalidAppendError);
    await expect(store.append('rel-t-1', [newEvent('$metadata')])).rejects.toBeInstanceOf(InvalidAppendError);
    expect(client.appendCalls).toHaveLength(0);
  });
});

describe('reading', () => {
  function logWithSystemEvents(): FakeClient {
    const client = new FakeClient();
    client.log = [
      recorded('rel-t-1', 0, 10),
      recorded('$stats-node', 0, 20, 'StatsCollected'),
      recorded('rel-t-2', 0, 30),
      recorded('$$rel-t-2', 0, 40, '$metadata'),
      recorded('rel-t-1', 1, 50),
    ];
    return client;
  }

  it('reads the global log without system events, strictly after a position', async () => {
    const { store } = storeWith(logWithSystemEvents());
    const positions = async (options = {}) => (await store.readAll(options)).map((e) => e.position);
    expect(await positions()).toEqual([10n, 30n, 50n]);
    expect(await positions({ after: 10n })).toEqual([30n, 50n]);
    expect(await positions({ after: 10n, maxCount: 1 })).toEqual([30n]);
    expect(await positions({ after: 50n })).toEqual([]);
  });

  it('pages through a long log without losing or repeating the event at a page boundary', async () => {
    const client = new FakeClient();
    client.log = Array.from({ length: 2500 }, (_, n) => recorded(`rel-t-${n % 7}`, Math.floor(n / 7), 100 + n * 10));
    const { store } = storeWith(client);
    const positions = (await store.readAll()).map((e) => e.position);
    expect(positions).toEqual(client.log.map((e) => e.commitPosition));
    expect(client.readAllCalls.length).toBeGreaterThan(2);
  });

  it('filters the log by stream prefix and type on this side, across pages, counting only matches', async () => {
    const client = new FakeClient();
    client.log = Array.from({ length: 2500 }, (_, n) =>
      recorded(n % 5 === 0 ? `rel-a-${n}` : `rel-b-${n}`, 0, 100 + n * 10, n % 10 === 0 ? 'Kept' : 'Other'),
    );
    const { store } = storeWith(client);
    const kept = client.log.filter((e) => e.event!.streamId.startsWith('rel-a-') && e.event!.type === 'Kept');
    const filter = { streamPrefix: 'rel-a-', eventTypes: ['Kept'] };
    expect((await store.readAll({ filter })).map((e) => e.position)).toEqual(kept.map((e) => e.commitPosition));
    expect((await store.readAll({ filter, maxCount: 3, after: kept[0]!.commitPosition as bigint })).map((e) => e.position)).toEqual(
      kept.slice(1, 4).map((e) => e.commitPosition),
    );
  });

  it('finds the head position behind a tail of system events', async () => {
    const client = logWithSystemEvents();
    client.log.push(...Array.from({ length: 250 }, (_, n) => recorded('$stats-node', n + 1, 100 + n, 'StatsCollected')));
    const { store } = storeWith(client);
    expect(await store.headPosition()).toBe(50n);
  });

  it('has no head position when the log holds only system events', async () => {
    const client = new FakeClient();
    client.log = [recorded('$users', 0, 10, '$UserCreated')];
    const { store } = storeWith(client);
    expect(await store.headPosition()).toBeNull();
  });

  it('refuses a position beyond 2^63-1 as bad input, before calling the server', async () => {
    const client = new FakeClient();
    const { store } = storeWith(client);
    await expect(store.readAll({ after: MAX_POSITION + 1n })).rejects.toMatchObject({ code: 'INVALID_READ' });
    expect(() => store.subscribeToAll({ after: MAX_POSITION + 1n })).toThrow(expect.objectContaining({ code: 'INVALID_READ' }));
    expect(client.readAllCalls).toHaveLength(0);
    expect(client.subscribeCalls).toHaveLength(0);
  });

  it('reads a missing stream as empty and its revision as null', async () => {
    const { store } = storeWith(new FakeClient());
    expect(await store.readStream('rel-t-404')).toEqual([]);
    expect(await store.streamRevision('rel-t-404')).toBeNull();
  });
});

describe('listing streams from the $streams projection', () => {
  it('lists by prefix in lexicographic order, after a stream id, with a limit, and never system streams', async () => {
    const client = new FakeClient();
    client.streams.set('$streams', [link('rel-a-2', 0), link('$ce-rel', 1), link('rel-a-1', 2), link('rel-b-1', 3)]);
    const { store } = storeWith(client);
    expect(await store.listStreams({ prefix: 'rel-a-' })).toEqual(['rel-a-1', 'rel-a-2']);
    expect(await store.listStreams({ prefix: 'rel-', after: 'rel-a-1', limit: 2 })).toEqual(['rel-a-2', 'rel-b-1']);
    expect(await store.listStreams({ prefix: '' })).toEqual(['rel-a-1', 'rel-a-2', 'rel-b-1']);
  });

  it('reads only the links added since the last call', async () => {
    const client = new FakeClient();
    client.streams.set('$streams', [link('rel-a-1', 0), link('rel-a-2', 1)]);
    const { store } = storeWith(client);
    await store.listStreams({ prefix: 'rel-' });
    client.streams.get('$streams')!.push(link('rel-a-3', 2));
    expect(await store.listStreams({ prefix: 'rel-' })).toEqual(['rel-a-1', 'rel-a-2', 'rel-a-3']);
    expect(client.readStreamCalls.at(-1)![1].fromRevision).toBe(2n);
  });

  it('sees a stream this process just created before the projection does', async () => {
    const client = new FakeClient();
    const { store } = storeWith(client);
    client.appendOutcomes.push({ nextExpectedRevision: 1n, position: { commit: 8n, prepare: 8n } });
    await store.append('rel-a-9', [newEvent(), newEvent()], 'no_stream');
    expect(await store.listStreams({ prefix: 'rel-a-' })).toEqual(['rel-a-9']);
  });

  it('says how to enable projections when $streams is missing because they are off', async () => {
    const client = new FakeClient();
    client.projectionStatus = 'Stopped';
    const { store } = storeWith(client);
    const error = await store.listStreams({ prefix: 'rel-' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STREAMS_PROJECTION_DISABLED' });
    expect((error as Error).message).toContain('EVENTSTORE_RUN_PROJECTIONS=All');
  });
});

describe('subscriptions', () => {
  it('resubscribes after a dropped connection from the last delivered event, without gap or duplicate', async () => {
    const client = new FakeClient();
    client.subscriptions.push(
      new FakeSubscription([
        recorded('rel-t-1', 0, 1),
        recorded('rel-t-1', 1, 2),
        recorded('rel-t-2', 0, 3),
        // Delivered by the server, but not to the consumer: never a place to resume from.
        recorded('$stats-node', 0, 10, 'StatsCollected'),
        unavailable(),
      ]),
      new FakeSubscription([recorded('rel-t-2', 0, 3), recorded('rel-t-1', 2, 4), recorded('rel-t-3', 0, 5)]),
    );
    const { store, delays } = storeWith(client);
    const subscription = store.subscribeToAll();
    const received = await take(subscription, 5);
    expect(received.map((e) => e.position)).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(client.subscribeCalls.map((call) => call.fromPosition)).toEqual(['start', { commit: 3n, prepare: 3n }]);
    expect(client.subscriptions[0]!.unsubscribed).toBe(true);
    expect(delays).toEqual([100]);
    await subscription.stop();
  });

  it('resubscribes when the server ends the stream, as after a leader failover', async () => {
    const client = new FakeClient();
    client.subscriptions.push(
      new FakeSubscription([recorded('rel-t-1', 0, 7)], 'end'),
      new FakeSubscription([recorded('rel-t-1', 1, 8)]),
    );
    const { store } = storeWith(client);
    const subscription = store.subscribeToAll({ after: 6n });
    expect((await take(subscription, 2)).map((e) => e.position)).toEqual([7n, 8n]);
    expect(client.subscribeCalls.map((call) => call.fromPosition)).toEqual([
      { commit: 6n, prepare: 6n },
      { commit: 7n, prepare: 7n },
    ]);
    await subscription.stop();
  });

  it('skips the event at exactly the `after` position', async () => {
    const client = new FakeClient();
    client.subscriptions.push(new FakeSubscription([recorded('rel-t-1', 0, 6), recorded('rel-t-1', 1, 9)]));
    const { store } = storeWith(client);
    const subscription = store.subscribeToAll({ after: 6n });
    expect((await take(subscription, 1)).map((e) => e.position)).toEqual([9n]);
    await subscription.stop();
  });

  it('backs off exponentially while resubscribing fails, and starts over once an event arrives', async () => {
    const client = new FakeClient();
    client.subscriptions.push(
      new FakeSubscription([unavailable()]),
      new FakeSubscription([new UnavailableError()]),
      new FakeSubscription([recorded('rel-t-1', 0, 1), unavailable()]),
      new FakeSubscription([recorded('rel-t-1', 1, 2)]),
    );
    const { store, delays } = storeWith(client);
    const subscription = store.subscribeToAll();
    expect((await take(subscription, 2)).map((e) => e.position)).toEqual([1n, 2n]);
    expect(delays).toEqual([100, 200, 100]);
    await subscription.stop();
  });

  it('gives up after the configured number of consecutive failures', async () => {
    const client = new FakeClient();
    client.subscriptions.push(...[1, 2, 3].map(() => new FakeSubscription([unavailable()])));
    const { store } = storeWith(client, { resubscribeAttempts: 2 });
    const error = await take(store.subscribeToAll(), 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toContain(DESCRIPTION);
    expect(client.subscribeCalls).toHaveLength(3);
  });

  it('ends with the mapped error when the failure is not a dropped connection', async () => {
    const client = new FakeClient();
    client.subscriptions.push(new FakeSubscription([new AccessDeniedError()]));
    const { store } = storeWith(client);
    const error = await take(store.subscribeToAll(), 1).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ACCESS_DENIED' });
    expect(client.subscribeCalls).toHaveLength(1);
  });

  it('pulls from the server only as fast as the consumer takes events', async () => {
    const client = new FakeClient();
    function* endless() {
      for (let n = 1; ; n++) yield recorded('rel-t-1', n - 1, n);
    }
    const source = new FakeSubscription(endless());
    client.subscriptions.push(source);
    const { store } = storeWith(client);
    const subscription = store.subscribeToAll();
    await take(subscription, 3);
    expect(source.pulled).toBe(3);
    await subscription.stop();
  });

  it('stop() ends a consumer waiting for the next event and closes the server subscription', async () => {
    const client = new FakeClient();
    const source = new FakeSubscription([]);
    client.subscriptions.push(source);
    const { store } = storeWith(client);
    const subscription = store.subscribeToAll();
    const iterator = subscription[Symbol.asyncIterator]();
    const pending = iterator.next();
    await subscription.stop();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(source.unsubscribed && source.destroyed).toBe(true);
  });

  it('stop() ends a waiting consumer even when the server stream ignores being closed', async () => {
    const client = new FakeClient();
    client.subscriptions.push(new FakeSubscription([], 'wait', true));
    const { store } = storeWith(client);
    const subscription = store.subscribeToAll();
    const pending = subscription[Symbol.asyncIterator]().next();
    await subscription.stop();
    expect(await pending).toEqual({ done: true, value: undefined });
  });

  it('stop() also ends a subscription waiting to resubscribe', async () => {
    const client = new FakeClient();
    client.subscriptions.push(new FakeSubscription([unavailable()]));
    const store = new EventStoreDbStore(client, DESCRIPTION, { sleep: () => new Promise<void>(() => undefined) });
    const subscription = store.subscribeToAll();
    const pending = subscription[Symbol.asyncIterator]().next();
    // Let the subscription fail and start waiting before stopping it.
    while (client.subscriptions[0]!.pulled === 0) await new Promise((resolve) => setImmediate(resolve));
    await subscription.stop();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(client.subscribeCalls).toHaveLength(1);
  });

  it('holds on to none of the events it has delivered', async () => {
    const client = new FakeClient();
    const delivered: WeakRef<EsdbResolvedEvent>[] = [];
    function* tracked() {
      for (let n = 1; n <= 2000; n++) {
        const resolved = recorded('rel-t-1', n - 1, n);
        delivered.push(new WeakRef(resolved));
        yield resolved;
      }
    }
    client.subscriptions.push(new FakeSubscription(tracked()));
    const { store } = storeWith(client);
    const subscription = store.subscribeToAll();
    const iterator = subscription[Symbol.asyncIterator]();
    for (let n = 0; n < 2000; n++) await iterator.next();
    await collectGarbage();
    // A few may survive in generator frames or the engine's caches; a leak keeps every one.
    expect(alive(delivered)).toBeLessThan(20);
    await subscription.stop();
  });

  it('leaving a for-await loop early stops the subscription, and the store lets go of it', async () => {
    const client = new FakeClient();
    const source = new FakeSubscription([recorded('rel-t-1', 0, 1), recorded('rel-t-1', 1, 2)]);
    client.subscriptions.push(source);
    const { store } = storeWith(client);
    const left = await (async () => {
      const subscription = store.subscribeToAll();
      for await (const _ of subscription) break;
      return new WeakRef(subscription);
    })();
    expect(source.unsubscribed).toBe(true);
    await collectGarbage();
    expect(left.deref()).toBeUndefined();
  });

  it('stop() cancels the timer of a wait to resubscribe, so nothing keeps the process alive', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const client = new FakeClient();
      client.subscriptions.push(new FakeSubscription([unavailable()]));
      const store = new EventStoreDbStore(client, DESCRIPTION, { backoffBaseMs: 5_000 });
      const subscription = store.subscribeToAll();
      const pending = subscription[Symbol.asyncIterator]().next();
      while (vi.getTimerCount() === 0) await new Promise((resolve) => setImmediate(resolve));
      await subscription.stop();
      expect(await pending).toEqual({ done: true, value: undefined });
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('closing the store stops its subscriptions and releases the client', async () => {
    const client = new FakeClient();
    client.subscriptions.push(new FakeSubscription([]));
    const { store } = storeWith(client);
    const pending = store.subscribeToAll()[Symbol.asyncIterator]().next();
    await store.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(client.disposed).toBe(true);
    await expect(store.readAll()).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
