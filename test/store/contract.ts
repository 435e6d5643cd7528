/**
 * The event store contract: written once against the port, run against every
 * adapter (see sqlite.test.ts and eventstoredb.test.ts).
 *
 * The tests never assume the log is empty (EventStoreDB is shared between
 * runs): each test writes to streams under a fresh prefix and looks at the
 * global log only after the head position it saw when it started.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  InvalidAppendError,
  MAX_EVENT_BYTES,
  MAX_POSITION,
  StoreError,
  WrongExpectedRevisionError,
  decodePosition,
  encodePosition,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
  type Subscription,
} from '../../src/store/port.js';
import { collectGarbage } from './gc.js';

export interface StoreHarness {
  open(): Promise<EventStore>;
  /** Called after each test, once the store is closed. */
  cleanup?(): Promise<void>;
}

export function event(type = 'Something', data: unknown = { n: 1 }, metadata?: Record<string, unknown>): NewEvent {
  return { id: randomUUID(), type, data, metadata };
}

export function events(count: number, type = 'Numbered'): NewEvent[] {
  return Array.from({ length: count }, (_, n) => event(type, { n }));
}

/** Takes `count` events from a subscription, then stops it. */
export async function take(subscription: Subscription, count: number, onEach?: (e: RecordedEvent) => Promise<void>) {
  const received: RecordedEvent[] = [];
  if (count === 0) return received;
  for await (const recorded of subscription) {
    received.push(recorded);
    await onEach?.(recorded);
    if (received.length === count) break;
  }
  await subscription.stop();
  return received;
}

async function conflictOf(promise: Promise<unknown>): Promise<WrongExpectedRevisionError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a WrongExpectedRevisionError, but the append succeeded');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WrongExpectedRevisionError);
  return error as WrongExpectedRevisionError;
}

export function describeEventStoreContract(name: string, harness: StoreHarness): void {
  describe(`event store contract: ${name}`, () => {
    let store: EventStore;
    let prefix: string;
    let start: bigint | undefined;
    const stream = (suffix: string) => `${prefix}${suffix}`;
    /** Our events in the global log, since the test started. */
    const ours = async () =>
      (await store.readAll({ after: start })).filter((e) => e.streamId.startsWith(prefix));

    beforeEach(async () => {
      store = await harness.open();
      prefix = `t${randomUUID().slice(0, 8)}-`;
      start = (await store.headPosition()) ?? undefined;
    });
    afterEach(async () => {
      await store.close();
      await harness.cleanup?.();
    });

    describe('appending and reading a stream', () => {
      it('records events with revisions from 0, their data, metadata and ids', async () => {
        const batch = [event('Opened', { name: 'Acme' }, { tenant: 'a' }), event('Called', { channel: 'CALL' })];
        const result = await store.append(stream('a'), batch, 'no_stream');
        expect(result.nextRevision).toBe(1);
        expect(typeof result.position).toBe('bigint');

        const read = await store.readStream(stream('a'));
        expect(read.map((e) => [e.id, e.revision, e.type, e.data, e.metadata, e.streamId])).toEqual([
          [batch[0]!.id, 0, 'Opened', { name: 'Acme' }, { tenant: 'a' }, stream('a')],
          [batch[1]!.id, 1, 'Called', { channel: 'CALL' }, {}, stream('a')],
        ]);
        expect(read[1]!.position).toBe(result.position);
        expect(read[0]!.position < read[1]!.position).toBe(true);
        expect(read[0]!.recordedAt).toBeInstanceOf(Date);
      });

      it('reads forwards and backwards from a revision with a max count', async () => {
        await store.append(stream('a'), events(10));
        const n = (list: RecordedEvent[]) => list.map((e) => e.revision);
        expect(n(await store.readStream(stream('a'), { fromRevision: 3, maxCount: 4 }))).toEqual([3, 4, 5, 6]);
        expect(n(await store.readStream(stream('a'), { direction: 'backwards', maxCount: 3 }))).toEqual([9, 8, 7]);
        expect(n(await store.readStream(stream('a'), { direction: 'backwards', fromRevision: 2 }))).toEqual([2, 1, 0]);
        expect(n(await store.readStream(stream('a'), { fromRevision: 10 }))).toEqual([]);
      });

      it('reads a stream that does not exist as empty', async () => {
        expect(await store.readStream(stream('missing'))).toEqual([]);
        expect(await store.streamRevision(stream('missing'))).toBeNull();
      });
    });

    describe('expected revision', () => {
      it('no_stream succeeds on a new stream and conflicts on an existing one', async () => {
        await store.append(stream('a'), [event()], 'no_stream');
        const conflict = await conflictOf(store.append(stream('a'), [event()], 'no_stream'));
        expect(conflict.actualRevision).toBe(0);
      });

      it('stream_exists conflicts on a missing stream and succeeds on an existing one', async () => {
        const conflict = await conflictOf(store.append(stream('a'), [event()], 'stream_exists'));
        expect(conflict.actualRevision).toBeNull();
        await store.append(stream('a'), [event()]);
        expect((await store.append(stream('a'), [event()], 'stream_exists')).nextRevision).toBe(1);
      });

      it('an exact revision must be the last revision of the stream', async () => {
        await store.append(stream('a'), events(3));
        const conflict = await conflictOf(store.append(stream('a'), [event()], 1));
        expect(conflict.actualRevision).toBe(2);
        expect(conflict.streamId).toBe(stream('a'));
        expect(conflict.code).toBe('WRONG_EXPECTED_REVISION');
        await conflictOf(store.append(stream('b'), [event()], 0));
        expect((await store.append(stream('a'), [event()], 2)).nextRevision).toBe(3);
      });

      it('any always appends', async () => {
        expect((await store.append(stream('a'), [event()], 'any')).nextRevision).toBe(0);
        expect((await store.append(stream('a'), [event()])).nextRevision).toBe(1);
      });

      it('a conflicting batch writes nothing', async () => {
        await store.append(stream('a'), events(2));
        await conflictOf(store.append(stream('a'), events(5), 0));
        expect(await store.streamRevision(stream('a'))).toBe(1);
        expect(await ours()).toHaveLength(2);
      });

      it('of concurrent writers expecting the same revision, exactly one wins', async () => {
        await store.append(stream('a'), [event()]);
        const outcomes = await Promise.allSettled(
          Array.from({ length: 8 }, () => store.append(stream('a'), [event()], 0)),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const o of outcomes.filter((o) => o.status === 'rejected')) {
          expect((o as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
          expect((o as PromiseRejectedResult).reason.actualRevision).toBe(1);
        }
        expect(await store.streamRevision(stream('a'))).toBe(1);
      });

      it('among appends sent together, a conflict fails that append alone and the others are written whole', async () => {
        // A store may commit appends that arrive together in one go (SQLite's group commit):
        // each must keep its own check and its own all-or-nothing.
        await store.append(stream('a'), events(2));
        const outcomes = await Promise.allSettled([
          store.append(stream('b'), events(3), 'no_stream'),
          store.append(stream('a'), events(4), 0),
          store.append(stream('c'), events(2)),
          store.append(stream('d'), events(2), 'stream_exists'),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
        for (const o of [outcomes[1], outcomes[3]] as PromiseRejectedResult[]) {
          expect(o.reason).toBeInstanceOf(WrongExpectedRevisionError);
        }
        expect(await store.streamRevision(stream('a'))).toBe(1);
        expect(await store.streamRevision(stream('d'))).toBeNull();
        const log = await ours();
        expect(log.map((e) => e.streamId).sort()).toEqual(
          [...Array(2).fill(stream('a')), ...Array(3).fill(stream('b')), ...Array(2).fill(stream('c'))].sort(),
        );
      });

      it('an append sent together with others is readable once it is acknowledged', async () => {
        const acknowledged = await Promise.all(
          ['a', 'b', 'c'].map((name) =>
            store.append(stream(name), events(2)).then(async (result) => ({ result, read: await store.readStream(stream(name)) })),
          ),
        );
        for (const { result, read } of acknowledged) {
          expect(read).toHaveLength(2);
          expect(read[1]!.position).toBe(result.position);
        }
      });
    });

    /*
     * Where the adapters part ways (left out of the contract on purpose):
     * - A batch resent expecting the stream's current revision, after it was
     *   appended earlier at a lower one: SQLite refuses it (InvalidAppendError
     *   naming the reused id); EventStoreDB appends the events a second time.
     * - A batch that repeats only some earlier events ([A,B], then [A,C]):
     *   SQLite raises InvalidAppendError, EventStoreDB WrongExpectedRevision.
     * - A retry expecting 'any': SQLite always recognises it; EventStoreDB only
     *   while the first append is still in its bounded cache of recent writes.
     */
    describe('idempotent retries', () => {
      it('appending the same batch again returns the first result and writes nothing', async () => {
        await store.append(stream('a'), [event()]);
        const batch = events(3);
        const first = await store.append(stream('a'), batch, 0);
        const again = await store.append(stream('a'), batch, 0);
        expect(again).toEqual(first);
        const anyRetry = await store.append(stream('a'), batch, 'any');
        expect(anyRetry).toEqual(first);
        expect(await store.readStream(stream('a'))).toHaveLength(4);
      });

      it('a retry still succeeds after other writers moved the stream on', async () => {
        const batch = events(2);
        const first = await store.append(stream('a'), batch, 'no_stream');
        await store.append(stream('a'), events(2));
        expect(await store.append(stream('a'), batch, 'no_stream')).toEqual(first);
        expect(await store.streamRevision(stream('a'))).toBe(3);
      });

      it('a batch that starts with an event another writer already appended, sent against a stale revision, is a conflict', async () => {
        // Two writers that both mean to record the same event (a deadline, whose id is derived): one wins.
        const shared = event();
        await store.append(stream('a'), [event()], 'no_stream');
        await store.append(stream('a'), [shared], 0);
        await expect(store.append(stream('a'), [shared, event()], 0)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.streamRevision(stream('a'))).toBe(1);
      });
    });

    describe('the global log', () => {
      it('orders events across streams by append, with strictly increasing positions', async () => {
        const appended: string[] = [];
        for (const name of ['a', 'b', 'a', 'c', 'b']) {
          const batch = events(2);
          await store.append(stream(name), batch);
          appended.push(...batch.map((e) => e.id));
        }
        const log = await ours();
        expect(log.map((e) => e.id)).toEqual(appended);
        for (let i = 1; i < log.length; i++) expect(log[i - 1]!.position < log[i]!.position).toBe(true);
      });

      it('reads strictly after a position, with a max count', async () => {
        await store.append(stream('a'), events(5));
        const log = await ours();
        const page = (await store.readAll({ after: log[1]!.position, maxCount: 2 })).filter((e) =>
          e.streamId.startsWith(prefix),
        );
        expect(page.map((e) => e.id)).toEqual([log[2]!.id, log[3]!.id]);
      });

      it('reads backwards from the end, or strictly before a position, newest first, down to `after`', async () => {
        await store.append(stream('a'), events(3));
        await store.append(stream('b'), events(2));
        const log = await ours();
        const newest = (await store.readAll({ direction: 'backwards', maxCount: 2 })).filter((e) => e.streamId.startsWith(prefix));
        expect(newest.map((e) => e.id)).toEqual([log[4]!.id, log[3]!.id]);
        const page = await store.readAll({ direction: 'backwards', before: log[3]!.position, maxCount: 2 });
        expect(page.map((e) => e.id)).toEqual([log[2]!.id, log[1]!.id]);
        const bounded = await store.readAll({ direction: 'backwards', before: log[4]!.position, after: log[1]!.position });
        expect(bounded.map((e) => e.id)).toEqual([log[3]!.id, log[2]!.id]);
        const window = await store.readAll({ after: log[0]!.position, before: log[3]!.position });
        expect(window.map((e) => e.id)).toEqual([log[1]!.id, log[2]!.id]);
      });

      it('filters a backwards read like a forwards one, counting only matches towards maxCount', async () => {
        await store.append(stream('x-1'), [event('Kept'), event('Dropped'), event('Kept')]);
        await store.append(stream('y-1'), [event('Kept')]);
        await store.append(stream('x-2'), [event('Other'), event('Kept')]);
        const log = await ours();
        const kept = log.filter((e) => e.streamId.startsWith(stream('x-')) && e.type === 'Kept').reverse();
        const filter = { streamPrefix: stream('x-'), eventTypes: ['Kept'] };
        expect((await store.readAll({ direction: 'backwards', after: start, filter })).map((e) => e.id)).toEqual(kept.map((e) => e.id));
        const page = await store.readAll({ direction: 'backwards', before: kept[0]!.position, maxCount: 1, filter });
        expect(page.map((e) => e.id)).toEqual([kept[1]!.id]);
      });

      it('refuses a bad direction or `before`, with a coded error', async () => {
        for (const options of [{ direction: 'sideways' as never }, { before: MAX_POSITION + 1n }, { before: 3 as never }]) {
          const error = await store.readAll(options).catch((e: unknown) => e);
          expect(error).toMatchObject({ code: 'INVALID_READ' });
        }
      });

      it('filters the log by stream prefix and event type, counting only matches towards maxCount', async () => {
        await store.append(stream('x-1'), [event('Kept'), event('Dropped'), event('Kept')]);
        await store.append(stream('xy-1'), [event('Kept')]);
        await store.append(stream('y-1'), [event('Kept')]);
        await store.append(stream('x-2'), [event('Other'), event('Kept')]);
        const log = await ours();
        const kept = log.filter((e) => e.streamId.startsWith(stream('x-')) && (e.type === 'Kept' || e.type === 'Other'));
        const filter = { streamPrefix: stream('x-'), eventTypes: ['Kept', 'Other'] };
        expect((await store.readAll({ after: start, filter })).map((e) => e.id)).toEqual(kept.map((e) => e.id));
        const page = await store.readAll({ after: kept[0]!.position, maxCount: 2, filter });
        expect(page.map((e) => e.id)).toEqual([kept[1]!.id, kept[2]!.id]);
        const byPrefix = await store.readAll({ after: start, filter: { streamPrefix: stream('x') } });
        expect(byPrefix.map((e) => e.streamId)).toEqual([stream('x-1'), stream('x-1'), stream('x-1'), stream('xy-1'), stream('x-2'), stream('x-2')]);
        await expect(store.readAll({ filter: { eventTypes: 'Kept' as never } })).rejects.toThrow(/eventTypes/);
      });

      it('refuses to read or subscribe after a position beyond 2^63-1, with a coded error', async () => {
        const error = await store.readAll({ after: MAX_POSITION + 1n }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreError);
        expect(error).toMatchObject({ code: 'INVALID_READ' });
        expect(() => store.subscribeToAll({ after: MAX_POSITION + 1n })).toThrow(
          expect.objectContaining({ code: 'INVALID_READ' }),
        );
      });

      it('exposes positions as bigint that survive encoding as opaque cursors', async () => {
        const { position } = await store.append(stream('a'), [event()]);
        expect(await store.headPosition()).toBe(position);
        const cursor = encodePosition(position);
        expect(typeof cursor).toBe('string');
        expect(decodePosition(cursor)).toBe(position);
      });
    });

    describe('stream metadata', () => {
      it('knows the last revision and lists streams by prefix without the others', async () => {
        await store.append(stream('rel-x-1'), events(3));
        await store.append(stream('rel-x-2'), events(1));
        await store.append(stream('rel-xy-1'), events(1));
        await store.append(stream('other'), events(1));
        expect(await store.streamRevision(stream('rel-x-1'))).toBe(2);
        expect(await store.listStreams({ prefix: stream('rel-x-') })).toEqual([stream('rel-x-1'), stream('rel-x-2')]);
        expect(await store.listStreams({ prefix: stream('rel-x') })).toHaveLength(3);
        expect(await store.listStreams({ prefix: stream('rel-'), after: stream('rel-x-1'), limit: 1 })).toEqual([
          stream('rel-x-2'),
        ]);
      });
    });

    describe('catch-up subscriptions', () => {
      it('delivers the past, then live events from concurrent writers, in log order, once each', async () => {
        await store.append(stream('a'), events(20));
        const subscription = store.subscribeToAll({ after: start });
        const sizes = Array.from({ length: 20 }, (_, i) => 1 + (i % 3));
        const writers = ['a', 'b', 'c'].map(async (name) => {
          for (const size of sizes) await store.append(stream(name), events(size));
        });
        const expected = 20 + 3 * sizes.reduce((sum, size) => sum + size, 0);
        const [received] = await Promise.all([take(onlyOurs(subscription, prefix), expected), ...writers]);
        const log = await ours();
        expect(log).toHaveLength(expected);
        expect(received.map((e) => e.id)).toEqual(log.map((e) => e.id));
      });

      it('never skips or duplicates for a slow consumer', async () => {
        const subscription = store.subscribeToAll({ after: start });
        const writing = (async () => {
          for (let i = 0; i < 10; i++) await store.append(stream(`s${i % 3}`), events(50));
        })();
        const received = await take(onlyOurs(subscription, prefix), 500, () => new Promise((r) => setImmediate(r)));
        await writing;
        expect(received.map((e) => e.id)).toEqual((await ours()).map((e) => e.id));
      });

      it('resumes from a checkpoint without gap or duplicate', async () => {
        await store.append(stream('a'), events(30));
        const firstPart = await take(onlyOurs(store.subscribeToAll({ after: start }), prefix), 12);
        await store.append(stream('b'), events(10));
        const checkpoint = firstPart[firstPart.length - 1]!.position;
        const rest = await take(onlyOurs(store.subscribeToAll({ after: checkpoint }), prefix), 28);
        expect([...firstPart, ...rest].map((e) => e.id)).toEqual((await ours()).map((e) => e.id));
      });

      it('stops cleanly, ending a consumer that waits for the next event', async () => {
        await store.append(stream('a'), events(1));
        const subscription = store.subscribeToAll({ after: (await store.headPosition())! });
        const iterator = subscription[Symbol.asyncIterator]();
        const pending = iterator.next();
        await subscription.stop();
        expect(await pending).toEqual({ done: true, value: undefined });
        expect(await iterator.next()).toEqual({ done: true, value: undefined });
      });

      it('stops when the consumer leaves its for-await loop early, and the store lets go of it', async () => {
        await store.append(stream('a'), events(2));
        const left = await (async () => {
          const subscription = store.subscribeToAll({ after: start });
          for await (const _ of subscription) break;
          return new WeakRef(subscription);
        })();
        await collectGarbage();
        expect(left.deref()).toBeUndefined();
      });
    });

    describe('bad input is refused with a clear error and nothing written', () => {
      const cases: [string, () => [string, NewEvent[]], string][] = [
        ['an empty batch', () => [stream('a'), []], 'events'],
        ['an invalid stream name', () => ['bad stream/name', [event()]], 'streamId'],
        ['an empty stream name', () => ['', [event()]], 'streamId'],
        ['an oversized event', () => [stream('a'), [event(), event('Big', { blob: 'x'.repeat(MAX_EVENT_BYTES) })]], 'events[1]'],
        ['an event id that is not a UUID', () => [stream('a'), [{ ...event(), id: 'not-a-uuid' }]], 'events[0].id'],
        ['the same event id twice in a batch', () => {
          const e = event();
          return [stream('a'), [e, { ...e }]];
        }, 'events[1].id'],
        ['an empty event type', () => [stream('a'), [{ ...event(), type: '' }]], 'events[0].type'],
        ['data that is not JSON', () => [stream('a'), [event(), event('X', { n: 1n })]], 'events[1].data'],
      ];
      for (const [what, input, field] of cases) {
        it(`refuses ${what}`, async () => {
          const [streamId, batch] = input();
          const error = await store.append(streamId, batch).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(InvalidAppendError);
          expect((error as InvalidAppendError).field).toBe(field);
          expect((error as Error).message.length).toBeGreaterThan(10);
          expect(await store.headPosition()).toBe(start ?? null);
        });
      }
    });

    describe('declared capabilities (each checked against the port, when the adapter declares it)', () => {
      const comparable = (e: Pick<RecordedEvent, 'position' | 'streamId' | 'revision' | 'type' | 'data'>) => ({
        position: e.position,
        streamId: e.streamId,
        revision: e.revision,
        type: e.type,
        data: e.data,
      });
      const given = async () => {
        for (const id of ['a', 'b', 'c', 'd', 'e']) await store.append(stream(id), events(3));
        return ours();
      };

      it('partitioned reads: the partitions together hold every event once, as readAll has them; readStreamNow is readStream', async () => {
        const reads = store.capabilities?.partitionedReads;
        if (reads === undefined) return;
        const logged = await given();
        const upTo = logged.at(-1)!.position;
        const read = (from: number, to: number, modulus: number) =>
          reads
            .readPartition({ after: start, upTo, maxCount: 1000 }, { modulus, from, to })
            .filter((e) => e.streamId.startsWith(prefix))
            .map(comparable);
        expect(read(0, 1, 1)).toEqual(logged.map(comparable));
        const partitions = [read(0, 1, 3), read(1, 2, 3), read(2, 3, 3)];
        expect(partitions.flat().sort((x, y) => (x.position < y.position ? -1 : 1))).toEqual(logged.map(comparable));
        for (const part of partitions) {
          const streams = new Set(part.map((e) => e.streamId));
          for (const other of partitions.filter((p) => p !== part)) expect(other.some((e) => streams.has(e.streamId))).toBe(false);
        }
        expect(reads.readStreamNow(stream('c'))).toEqual(await store.readStream(stream('c')));
      });

      it('stored rows: the log as stored text, as readAll has it', async () => {
        const rows = store.capabilities?.storedRows;
        if (rows === undefined) return;
        const logged = await given();
        const read = rows.readLogRows(start ?? -1n, 10_000).filter((row) => row.streamId.startsWith(prefix));
        expect(read.map((row) => ({ ...comparable({ ...row, data: JSON.parse(row.data) }), id: row.id, metadata: JSON.parse(row.metadata) }))).toEqual(
          logged.map((e) => ({ ...comparable(e), id: e.id, metadata: e.metadata })),
        );
      });

      it('lean streams: a stream as readStream has it, without ids and positions, the metadata down to its schema version', async () => {
        const lean = store.capabilities?.leanStreams;
        if (lean === undefined) return;
        await given();
        await store.append(stream('v'), [{ id: randomUUID(), type: 'Versioned', data: { n: 1 }, metadata: { schemaVersion: 3, other: 'x' } }]);
        for (const id of ['c', 'v', 'none']) {
          const recorded = await store.readStream(stream(id));
          expect(lean.readLeanStream(stream(id))).toEqual(
            recorded.map((e) => ({
              revision: e.revision,
              type: e.type,
              data: e.data,
              metadata: 'schemaVersion' in e.metadata ? { schemaVersion: e.metadata.schemaVersion } : {},
              recordedAtMs: e.recordedAt.getTime(),
            })),
          );
        }
      });

      it('many streams: each stream as readStream has it, lean, in one read; no entry for a stream not there', async () => {
        const many = store.capabilities?.manyStreams;
        if (many === undefined) return;
        await given();
        await store.append(stream('v'), [{ id: randomUUID(), type: 'Versioned', data: { n: 1 }, metadata: { schemaVersion: 3, other: 'x' } }]);
        const read = many.readStreamsNow([stream('v'), stream('none'), stream('c')]);
        expect([...read.keys()].sort()).toEqual([stream('c'), stream('v')].sort());
        for (const id of ['c', 'v']) {
          const recorded = await store.readStream(stream(id));
          expect(read.get(stream(id))).toEqual(
            recorded.map((e) => ({
              position: e.position,
              streamId: e.streamId,
              revision: e.revision,
              type: e.type,
              data: e.data,
              metadata: 'schemaVersion' in e.metadata ? { schemaVersion: e.metadata.schemaVersion } : {},
              recordedAtMs: e.recordedAt.getTime(),
            })),
          );
        }
      });

      it('bulk append: a grouped store appends as the port does, seen by the store it groups, its only writer', async () => {
        const bulk = store.capabilities?.bulkAppend;
        if (bulk === undefined) return;
        const grouped = bulk.grouped();
        await grouped.append(stream('g'), events(2), 'no_stream');
        await grouped.append(stream('g'), events(1), 1);
        await expect(grouped.append(stream('g'), events(1), 0)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect((await grouped.readStream(stream('g'))).map((e) => e.revision)).toEqual([0, 1, 2]);
        expect((await store.readStream(stream('g'))).map((e) => e.revision)).toEqual([0, 1, 2]);
        expect(grouped.capabilities?.exclusiveWriter).toBe(true);
        await grouped.close();
      });
    });
  });
}

/** Keeps only a test's own events from a subscription to the (possibly shared) global log. */
function onlyOurs(subscription: Subscription, prefix: string): Subscription {
  return {
    stop: () => subscription.stop(),
    async *[Symbol.asyncIterator]() {
      for await (const recorded of subscription) if (recorded.streamId.startsWith(prefix)) yield recorded;
    },
  };
}
