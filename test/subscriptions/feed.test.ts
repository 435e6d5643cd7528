import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeedOverflowError, openFeed, type FeedSource } from '../../src/subscriptions/feed.js';

interface Item {
  position: bigint;
  key: string;
}

/** A log that commits batches and notifies listeners, like the projector does. */
class Log implements FeedSource<Item> {
  items: Item[] = [];
  private listeners = new Set<(items: readonly Item[] | null) => void>();
  private next = 1n;
  constructor(private readonly wanted: (item: Item) => boolean = () => true) {}

  commit(...keys: string[]): void {
    const batch = keys.map((key) => ({ position: this.next++, key }));
    this.items.push(...batch);
    for (const listener of this.listeners) listener(batch);
  }
  /** A batch committed in bulk: announced without its items. */
  commitUnlisted(...keys: string[]): void {
    this.items.push(...keys.map((key) => ({ position: this.next++, key })));
    for (const listener of this.listeners) listener(null);
  }
  backlog(after: bigint | undefined, limit: number): readonly Item[] {
    return this.items.filter((i) => after === undefined || i.position > after).slice(0, limit);
  }
  listen(listener: (items: readonly Item[] | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  head(): bigint | null {
    return this.items.at(-1)?.position ?? null;
  }
  positionOf(item: Item): bigint {
    return item.position;
  }
  matches(item: Item): boolean {
    return this.wanted(item);
  }
  get listenerCount(): number {
    return this.listeners.size;
  }
}

async function take(feed: AsyncIterableIterator<Item>, n: number): Promise<string[]> {
  const out: string[] = [];
  while (out.length < n) {
    const r = await feed.next();
    if (r.done) break;
    out.push(r.value.key);
  }
  return out;
}

describe('a resumable feed', () => {
  it('without a cursor delivers only what happens after it opened', async () => {
    const log = new Log();
    log.commit('old');
    const feed = openFeed(log);
    log.commit('new-1', 'new-2');
    expect(await take(feed, 2)).toEqual(['new-1', 'new-2']);
    await feed.return!();
  });

  it('with a cursor first delivers everything missed, in order, then goes live', async () => {
    const log = new Log();
    log.commit('a', 'b', 'c');
    const feed = openFeed(log, { after: 1n, pageSize: 1 });
    expect(await take(feed, 2)).toEqual(['b', 'c']);
    log.commit('d');
    expect(await take(feed, 1)).toEqual(['d']);
    await feed.return!();
  });

  it('has no gap and no duplicate when writes land while the backlog is being read', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 20 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 10 }),
        fc.integer({ min: 1, max: 4 }),
        async (before, bursts, pageSize) => {
          const log = new Log();
          for (let i = 0; i < before; i++) log.commit(`b${i}`);
          const feed = openFeed(log, { after: 0n, pageSize });
          const seen: string[] = [];
          let n = 0;
          for (const burst of bursts) {
            log.commit(...Array.from({ length: burst }, () => `l${n++}`));
            seen.push(...(await take(feed, 1)));
          }
          const total = before + n;
          seen.push(...(await take(feed, total - seen.length)));
          await feed.return!();
          expect(seen).toEqual(log.items.map((i) => i.key));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads unlisted batches from the backlog, with no gap and no duplicate, even when the backlog answers late', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 10 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.boolean()), { maxLength: 12 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        async (before, bursts, pageSize, resuming) => {
          const log = new Log();
          for (let i = 0; i < before; i++) log.commit(`b${i}`);
          // The backlog answers after a turn of the event loop, as a store read does.
          const source: FeedSource<Item> = Object.assign(Object.create(log) as Log, {
            backlog: async (after: bigint | undefined, limit: number) => {
              const items = log.backlog(after, limit);
              await new Promise((resolve) => setImmediate(resolve));
              return items;
            },
          });
          const feed = openFeed(source, { ...(resuming ? { after: 0n } : {}), pageSize });
          const expected = log.items.filter(() => resuming).map((i) => i.key);
          const seen: string[] = [];
          let n = 0;
          for (const [burst, unlisted, pull] of bursts) {
            const keys = Array.from({ length: burst }, () => `l${n++}`);
            expected.push(...keys);
            if (unlisted) log.commitUnlisted(...keys);
            else log.commit(...keys);
            if (pull) seen.push(...(await take(feed, 1)));
          }
          seen.push(...(await take(feed, expected.length - seen.length)));
          await feed.return!();
          expect(seen).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('misses nothing committed while a backlog read is in flight, and repeats nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.boolean(), async (before, pageSize, writes, listed) => {
        const log = new Log();
        for (let i = 0; i < before; i++) log.commit(`b${i}`);
        let during = 0;
        const source: FeedSource<Item> = Object.assign(Object.create(log) as Log, {
          backlog: async (after: bigint | undefined, limit: number) => {
            const items = log.backlog(after, limit);
            // A write lands after the read and before its answer, as it may while a store read awaits.
            if (during < writes) {
              const key = `d${during++}`;
              if (listed) log.commit(key);
              else log.commitUnlisted(key);
            }
            await new Promise((resolve) => setImmediate(resolve));
            return items;
          },
        });
        const feed = openFeed(source, { after: 0n, pageSize });
        const seen = await take(feed, before + writes);
        await feed.return!();
        expect(seen).toEqual(log.items.map((i) => i.key));
      }),
      { numRuns: 200 },
    );
  });

  it('delivers only the items its filter matches', async () => {
    const log = new Log((i) => i.key.startsWith('x'));
    log.commit('x1', 'y1', 'x2');
    const feed = openFeed(log, { after: 0n });
    log.commit('y2', 'x3');
    expect(await take(feed, 3)).toEqual(['x1', 'x2', 'x3']);
    await feed.return!();
  });

  it('cuts off a subscriber that falls too far behind, naming where to resume', async () => {
    const log = new Log();
    const feed = openFeed(log, { bufferLimit: 3 });
    log.commit('a');
    expect(await take(feed, 1)).toEqual(['a']);
    log.commit('b', 'c');
    log.commit('d', 'e');
    const failure = await feed.next().then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(FeedOverflowError);
    expect((failure as FeedOverflowError).lastDelivered).toBe(1n);
    expect(log.listenerCount).toBe(0);
  });

  it('names where to resume as the cursor its items carry, when the feed says how to write one', async () => {
    const log = new Log();
    const feed = openFeed(log, { bufferLimit: 1, cursorOf: (position) => `cursor-${position}` });
    log.commit('a');
    expect(await take(feed, 1)).toEqual(['a']);
    log.commit('b');
    log.commit('c');
    const failure = await feed.next().then(
      () => null,
      (error: unknown) => error,
    );
    expect((failure as FeedOverflowError).lastCursor).toBe('cursor-1');
  });

  it('names where it started when cut off before it delivered anything', async () => {
    const log = new Log();
    log.commit('before-1', 'before-2');
    const feed = openFeed(log, { bufferLimit: 1 });
    log.commit('a');
    log.commit('b');
    const failure = await feed.next().then(
      () => null,
      (error: unknown) => error,
    );
    // Resuming after position 2 misses nothing that happened after it subscribed.
    expect((failure as FeedOverflowError).lastDelivered).toBe(2n);
  });

  it('does not cut off a subscriber still reading its backlog, however much is written meanwhile', async () => {
    const log = new Log();
    for (let i = 0; i < 30; i++) log.commit(`b${i}`);
    const source: FeedSource<Item> = Object.assign(Object.create(log) as Log, {
      backlog: async (after: bigint | undefined, limit: number) => {
        const items = log.backlog(after, limit);
        await new Promise((resolve) => setImmediate(resolve));
        return items;
      },
    });
    const feed = openFeed(source, { after: 0n, bufferLimit: 3, pageSize: 5 });
    const seen: string[] = [];
    // Two writes per item pulled: far more than the buffer while the backlog is read.
    for (let i = 0; i < 20; i++) {
      log.commit(`l${2 * i}`);
      log.commit(`l${2 * i + 1}`);
      seen.push(...(await take(feed, 1)));
    }
    seen.push(...(await take(feed, log.items.length - seen.length)));
    await feed.return!();
    expect(seen).toEqual(log.items.map((i) => i.key));
  });

  it('reads a live batch larger than the whole buffer (a bulk catch-up) from the backlog instead of cutting off', async () => {
    const log = new Log();
    const feed = openFeed(log, { bufferLimit: 3, pageSize: 2 });
    log.commit('a', 'b', 'c', 'd', 'e', 'f', 'g');
    log.commit('h');
    expect(await take(feed, 8)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    await feed.return!();
  });

  it('stops listening when the subscriber goes away, even while it waits', async () => {
    const log = new Log();
    const feed = openFeed(log);
    const waiting = feed.next();
    await feed.return!();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(log.listenerCount).toBe(0);
  });
});
