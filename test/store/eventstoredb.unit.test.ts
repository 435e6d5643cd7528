/**
 * What the EventStoreDB adapter promises that can be checked without a server:
 * a fake client (eventstoredb-fake.ts) stands in for `@eventstore/db-client`,
 * scripted to fail the way the real one does (a plain Error with code 14,
 * UnavailableError, a stream that ends or hangs, numbers where bigints are
 * expected). Waits between retries go through an injected `sleep` that
 * records the delay and returns at once, so nothing here depends on the clock.
 * Subscriptions: eventstoredb-subscription.test.ts; clusters and connection
 * strings: eventstoredb-cluster.test.ts; transactions, retries of `any` and
 * what the client really answers: eventstoredb-log.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  MaxAppendSizeExceededError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  InvalidAppendError,
  MAX_POSITION,
  StoreError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
} from '../../src/store/port.js';
import {
  normalisePosition,
  normaliseRevision,
  openEventStoreDb,
  redactConnectionString,
  toBigInt,
  toRecordedEvent,
  toStoreError,
} from '../../src/store/eventstoredb.js';
import {
  CONNECTION,
  DESCRIPTION,
  FakeClient,
  SECRET,
  link,
  newEvent,
  readOf,
  recorded,
  silentRead,
  storeWith,
  unavailable,
} from './eventstoredb-fake.js';

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
