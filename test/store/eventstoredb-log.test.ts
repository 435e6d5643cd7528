/**
 * The adapter against what the client and the server really do with reads,
 * retries and positions (each case cites the client source it models; see
 * eventstoredb-fake.ts): a timed-out read must end its server call, a retried
 * `any` append must not write twice, a refused append reported as
 * `success: false` is a conflict, events of an old-style transaction share a
 * commit position, a filter runs on this side, and an unset position reads "0".
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError, WrongExpectedRevisionError } from '../../src/store/port.js';
import { openEventStoreDb, toRecordedEvent } from '../../src/store/eventstoredb.js';
import {
  CONNECTION,
  FakeClient,
  FakeSubscription,
  newEvent,
  recorded,
  silentRead,
  storeWith,
  take,
  unavailable,
} from './eventstoredb-fake.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('a read that times out', () => {
  it('cancels its call on the server, not only our side of it', async () => {
    const client = new FakeClient();
    const read = silentRead();
    client.readAllOverride = () => read;
    const { store } = storeWith(client, { pingTimeoutMs: 5 });
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await settle();
    expect(read.serverCallOpen).toBe(false);
    expect(read.destroyed).toBe(true);
  });

  it('cancels the call when opening the store gives up too', async () => {
    const client = new FakeClient();
    const read = silentRead();
    client.readAllOverride = () => read;
    await expect(openEventStoreDb(CONNECTION, { client, connectTimeoutMs: 5 })).rejects.toBeInstanceOf(StoreUnavailableError);
    await settle();
    expect(read.serverCallOpen).toBe(false);
  });
});

describe("retrying an append expecting 'any' or 'stream_exists'", () => {
  function streamOf(client: FakeClient, length: number) {
    client.streams.set(
      'rel-t-1',
      Array.from({ length }, (_, n) => recorded('rel-t-1', n, 100 + n)),
    );
  }

  it('finds a batch the server wrote before the answer was lost, and does not write it again', async () => {
    for (const expected of ['any', 'stream_exists'] as const) {
      const client = new FakeClient();
      streamOf(client, 3);
      const { store } = storeWith(client);
      // The write lands, the answer is lost; a server that restarted since has no cache to recognise a resend.
      client.appendOutcomes.push({ writeThen: unavailable() }, 'write');
      const batch = [newEvent(), newEvent()];
      const result = await store.append('rel-t-1', batch, expected);
      const stream = client.streams.get('rel-t-1')!;
      expect(stream.map((e) => e.event!.id), expected).toEqual([...stream.slice(0, 3).map((e) => e.event!.id), ...batch.map((e) => e.id)]);
      expect(result, expected).toEqual({ nextRevision: 4, position: BigInt(stream[4]!.event!.position!.commit) });
      expect(client.appendCalls, expected).toHaveLength(1);
    }
  });

  it('resends a batch that was not written expecting the revision it found, so a late first attempt cannot add a copy', async () => {
    const client = new FakeClient();
    streamOf(client, 3);
    const { store } = storeWith(client);
    client.appendOutcomes.push(unavailable(), 'write');
    expect(await store.append('rel-t-1', [newEvent()], 'any')).toMatchObject({ nextRevision: 3 });
    expect(client.appendCalls.map(([, , options]) => options.expectedRevision)).toEqual(['any', 2n]);
  });

  it("resends an 'any' batch to a stream that does not exist expecting no stream", async () => {
    const client = new FakeClient();
    const { store } = storeWith(client);
    client.appendOutcomes.push(unavailable(), 'write');
    expect(await store.append('rel-t-9', [newEvent()], 'any')).toMatchObject({ nextRevision: 0 });
    expect(client.appendCalls.map(([, , options]) => options.expectedRevision)).toEqual(['any', 'no_stream']);
  });

  it('looks again when another writer got in before the resend', async () => {
    const client = new FakeClient();
    streamOf(client, 3);
    const { store } = storeWith(client);
    const other = recorded('rel-t-1', 3, 900);
    client.appendOutcomes.push(unavailable(), 'write', 'write');
    // Another writer appends just before the resend, which therefore conflicts.
    const originalAppend = client.appendToStream.bind(client);
    let calls = 0;
    client.appendToStream = async (...call) => {
      calls += 1;
      if (calls === 2) client.streams.get('rel-t-1')!.push(other);
      return originalAppend(...call);
    };
    expect(await store.append('rel-t-1', [newEvent()], 'any')).toMatchObject({ nextRevision: 4 });
    expect(client.appendCalls.map(([, , options]) => options.expectedRevision)).toEqual(['any', 2n, 3n]);
  });

  it('refuses to resend when the batch may lie further back than it can look', async () => {
    const client = new FakeClient();
    streamOf(client, 1500);
    const { store } = storeWith(client);
    client.appendOutcomes.push(unavailable(), 'write');
    const error = await store.append('rel-t-1', [newEvent()], 'any').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/may have been written/);
    expect(client.appendCalls).toHaveLength(1);
  });

  it('still resends an exact revision as it is: the server recognises that retry by its ids', async () => {
    const client = new FakeClient();
    streamOf(client, 3);
    const { store } = storeWith(client);
    client.appendOutcomes.push({ writeThen: unavailable() }, 'write');
    const batch = [newEvent()];
    expect(await store.append('rel-t-1', batch, 2)).toMatchObject({ nextRevision: 3 });
    expect(client.appendCalls.map(([, , options]) => options.expectedRevision)).toEqual([2n, 2n]);
    expect(client.streams.get('rel-t-1')).toHaveLength(4);
  });
});

describe('an append the client reports as `success: false`', () => {
  it('is a conflict with the actual revision, never a success', async () => {
    const client = new FakeClient();
    client.throwOnAppendFailure = false;
    client.streams.set('rel-t-1', [recorded('rel-t-1', 0, 10), recorded('rel-t-1', 1, 20), recorded('rel-t-1', 2, 30)]);
    const { store } = storeWith(client);
    client.appendOutcomes.push('write');
    const error = await store.append('rel-t-1', [newEvent()], 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toMatchObject({ expected: 0, actualRevision: 2 });
    expect(client.streams.get('rel-t-1')).toHaveLength(3);
  });
});

describe('events of an old-style transaction, sharing one commit position', () => {
  /** 998 plain events, then a transaction of three prepared at 20_100.. and committed at 20_500, then one more. */
  function logWithTransaction(client: FakeClient) {
    client.log = Array.from({ length: 998 }, (_, n) => recorded(`rel-t-${n % 5}`, Math.floor(n / 5), 100 + n * 10));
    client.log.push(
      recorded('rel-x-1', 0, 20_500, 'Opened', {}, 20_100),
      recorded('rel-x-1', 1, 20_500, 'Dated', {}, 20_200),
      recorded('rel-x-1', 2, 20_500, 'Dated', {}, 20_300),
      recorded('rel-t-0', 200, 20_600),
    );
  }

  it('are all read across a page boundary that falls inside the transaction', async () => {
    const client = new FakeClient();
    logWithTransaction(client);
    const { store } = storeWith(client);
    const events = await store.readAll();
    expect(events).toHaveLength(1002);
    expect(events.slice(-4).map((e) => [e.streamId, e.revision])).toEqual([
      ['rel-x-1', 0],
      ['rel-x-1', 1],
      ['rel-x-1', 2],
      ['rel-t-0', 200],
    ]);
  });

  it('are all delivered by a subscription that drops inside the transaction', async () => {
    const client = new FakeClient();
    const transaction = [
      recorded('rel-x-1', 0, 20_500, 'Opened', {}, 20_100),
      recorded('rel-x-1', 1, 20_500, 'Dated', {}, 20_200),
      recorded('rel-x-1', 2, 20_500, 'Dated', {}, 20_300),
    ];
    client.subscriptions.push(
      new FakeSubscription([transaction[0]!, unavailable()]),
      new FakeSubscription([transaction[0]!, transaction[1]!, transaction[2]!]),
    );
    const { store } = storeWith(client);
    const subscription = store.subscribeToAll();
    expect((await take(subscription, 3)).map((e) => e.revision)).toEqual([0, 1, 2]);
    expect(client.subscribeCalls[1]!.fromPosition).toEqual({ commit: 20_500n, prepare: 20_100n });
    await subscription.stop();
  });

  it('leave the head position on the last of them when the page behind it ends inside the transaction', async () => {
    const client = new FakeClient();
    client.log = [
      recorded('rel-x-1', 0, 20_500, 'Opened', {}, 20_100),
      recorded('rel-x-1', 1, 20_500, 'Dated', {}, 20_200),
      ...Array.from({ length: 99 }, (_, n) => recorded('$stats-node', n, 20_500, 'StatsCollected', {}, 20_300 + n)),
    ];
    const { store } = storeWith(client);
    expect(await store.headPosition()).toBe(20_500n);
  });
});

describe('a filtered read of the log', () => {
  it('grows its pages while the filter finds little, instead of paging the log in pages the size of the limit', async () => {
    const client = new FakeClient();
    client.log = Array.from({ length: 20_000 }, (_, n) => recorded(n === 19_999 ? 'rel-rare-1' : `rel-t-${n}`, 0, 100 + n));
    const { store } = storeWith(client);
    const events = await store.readAll({ filter: { streamPrefix: 'rel-rare-' }, maxCount: 10 });
    expect(events.map((e) => e.streamId)).toEqual(['rel-rare-1']);
    expect(client.readAllCalls.length).toBeLessThanOrEqual(25);
  });

  it('still reads only what an unfiltered limit needs', async () => {
    const client = new FakeClient();
    client.log = Array.from({ length: 5000 }, (_, n) => recorded('rel-t-1', n, 100 + n));
    const { store } = storeWith(client);
    await store.readAll({ maxCount: 10 });
    expect(client.readAllCalls.map((call) => call.maxCount)).toEqual([11]);
  });
});

describe('an event whose log position the server left unset', () => {
  // Protobuf getters of unset uint64 fields return "0": the client turns that into { commit: 0n, prepare: 0n }.
  const unset = (resolved: ReturnType<typeof recorded>) => ({
    event: { ...resolved.event!, position: { commit: 0n, prepare: 0n } },
  });

  it('is refused as coming from a server older than 22.6, not placed at position 0', () => {
    expect(() => toRecordedEvent(unset(recorded('rel-t-1', 0, 10)))).toThrow(/22\.6/);
  });

  it("is refused too when marked with the server's own 'no position', 2^64-1", () => {
    const resolved = recorded('rel-t-1', 0, 10);
    const marked = { event: { ...resolved.event!, position: { commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n } } };
    expect(() => toRecordedEvent(marked)).toThrow(/22\.6/);
  });

  it("takes its position from the read's commit position when there is one", () => {
    const resolved = recorded('rel-t-1', 0, 10);
    expect(toRecordedEvent({ ...unset(resolved), commitPosition: 10n })?.position).toBe(10n);
  });

  it('makes an append acknowledged without a position fail plainly rather than report position 0', async () => {
    const client = new FakeClient();
    client.streams.set('rel-t-1', [unset(recorded('rel-t-1', 0, 10, 'Happened', {}, 10, randomUUID()))]);
    const { store } = storeWith(client);
    client.appendOutcomes.push({ nextExpectedRevision: 0n });
    await expect(store.append('rel-t-1', [newEvent()], 'no_stream')).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });
});

describe('a page of the log read through the port, next to an old-style transaction', () => {
  // Two plain events, a transaction of two (prepared at 300 and 400, committed at 500), one more.
  function logAroundTransaction(): FakeClient {
    const client = new FakeClient();
    client.log = [
      recorded('rel-t-1', 0, 100),
      recorded('rel-t-1', 1, 200),
      recorded('rel-x-1', 0, 500, 'Opened', {}, 300),
      recorded('rel-x-1', 1, 500, 'Dated', {}, 400),
      recorded('rel-t-1', 2, 600),
    ];
    return client;
  }

  async function readInPages(maxCount: number, client = logAroundTransaction()) {
    const { store } = storeWith(client);
    const pages: string[][] = [];
    let after: bigint | undefined;
    for (;;) {
      const page = await store.readAll(after === undefined ? { maxCount } : { after, maxCount });
      if (page.length === 0) return pages;
      pages.push(page.map((e) => `${e.streamId}@${e.revision}`));
      after = page.at(-1)!.position;
    }
  }

  it('never ends inside the transaction, so reading on from its last event loses none of it', async () => {
    expect(await readInPages(3)).toEqual([['rel-t-1@0', 'rel-t-1@1'], ['rel-x-1@0', 'rel-x-1@1', 'rel-t-1@2']]);
  });

  it('holds the whole transaction when the transaction alone is larger than the page', async () => {
    expect(await readInPages(1)).toEqual([['rel-t-1@0'], ['rel-t-1@1'], ['rel-x-1@0', 'rel-x-1@1'], ['rel-t-1@2']]);
  });

  it('ends on the last event of a transaction as on any other', async () => {
    expect(await readInPages(4)).toEqual([['rel-t-1@0', 'rel-t-1@1', 'rel-x-1@0', 'rel-x-1@1'], ['rel-t-1@2']]);
  });
});
