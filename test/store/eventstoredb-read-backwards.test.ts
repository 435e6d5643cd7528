/**
 * Reading `$all` backwards through the EventStoreDB adapter, against the fake
 * client (which reads backwards from a position exclusively, like the
 * server): system events left out, bounds on commit positions, client-side
 * filters across pages, and old-style transactions never split by a page.
 */
import { describe, expect, it } from 'vitest';
import type { EventStore } from '../../src/store/port.js';
import { FakeClient, recorded, storeWith } from './eventstoredb-fake.js';

/** Every event, read backwards `size` at a time, each page starting before the oldest event of the last. */
async function pageBackwards(store: EventStore, size: number, filter?: { streamPrefix?: string; eventTypes?: string[] }) {
  const read: bigint[] = [];
  let before: bigint | undefined;
  for (;;) {
    const page = await store.readAll({ direction: 'backwards', maxCount: size, ...(before === undefined ? {} : { before }), ...(filter ? { filter } : {}) });
    read.push(...page.map((e) => e.position));
    if (page.length === 0) return read;
    before = page.at(-1)!.position;
  }
}

describe('a backwards read of the log through EventStoreDB', () => {
  it('reads newest first without system events, strictly before `before` and after `after`', async () => {
    // Given a log with system events among ours
    const client = new FakeClient();
    client.log = [
      recorded('rel-t-1', 0, 10),
      recorded('$stats-node', 0, 20, 'StatsCollected'),
      recorded('rel-t-2', 0, 30),
      recorded('$$rel-t-2', 0, 40, '$metadata'),
      recorded('rel-t-1', 1, 50),
    ];
    const { store } = storeWith(client);
    const positions = async (options = {}) => (await store.readAll({ direction: 'backwards', ...options })).map((e) => e.position);
    // When it is read backwards with various bounds, then
    expect(await positions()).toEqual([50n, 30n, 10n]);
    expect(await positions({ maxCount: 1 })).toEqual([50n]);
    expect(await positions({ before: 50n })).toEqual([30n, 10n]);
    expect(await positions({ before: 50n, after: 10n })).toEqual([30n]);
    expect(await positions({ before: 10n })).toEqual([]);
    // and forwards with a `before`
    expect((await store.readAll({ after: 10n, before: 50n })).map((e) => e.position)).toEqual([30n]);
  });

  it('pages back through a long log without losing or repeating the event at a page boundary', async () => {
    const client = new FakeClient();
    client.log = Array.from({ length: 2500 }, (_, n) => recorded(`rel-t-${n % 7}`, Math.floor(n / 7), 100 + n * 10));
    const { store } = storeWith(client);
    const positions = (await store.readAll({ direction: 'backwards' })).map((e) => e.position);
    expect(positions).toEqual(client.log.map((e) => e.commitPosition).reverse());
    expect(client.readAllCalls.length).toBeGreaterThan(2);
    expect(client.readAllCalls.every((call) => call.direction === 'backwards')).toBe(true);
    expect(await pageBackwards(store, 300)).toEqual(positions);
  });

  it('filters on this side across pages, counting only matches', async () => {
    const client = new FakeClient();
    client.log = Array.from({ length: 2500 }, (_, n) =>
      recorded(n % 5 === 0 ? `rel-a-${n}` : `rel-b-${n}`, 0, 100 + n * 10, n % 10 === 0 ? 'Kept' : 'Other'),
    );
    const { store } = storeWith(client);
    const kept = client.log
      .filter((e) => e.event!.streamId.startsWith('rel-a-') && e.event!.type === 'Kept')
      .map((e) => e.commitPosition as bigint)
      .reverse();
    const filter = { streamPrefix: 'rel-a-', eventTypes: ['Kept'] };
    expect((await store.readAll({ direction: 'backwards', filter })).map((e) => e.position)).toEqual(kept);
    expect((await store.readAll({ direction: 'backwards', filter, maxCount: 3, before: kept[0]! })).map((e) => e.position)).toEqual(
      kept.slice(1, 4),
    );
    expect(await pageBackwards(store, 7, filter)).toEqual(kept);
  });

  it('never ends a page inside an old-style transaction, so paging on from its oldest event skips none of it', async () => {
    // Given a transaction of three events committed at 20_500 between plain events
    const client = new FakeClient();
    client.log = [
      recorded('rel-t-0', 0, 100),
      recorded('rel-x-1', 0, 20_500, 'Opened', {}, 20_100),
      recorded('rel-x-1', 1, 20_500, 'Dated', {}, 20_200),
      recorded('rel-x-1', 2, 20_500, 'Dated', {}, 20_300),
      recorded('rel-t-0', 1, 20_600),
    ];
    const { store } = storeWith(client);
    const read = async (options: { before?: bigint; maxCount: number }) =>
      (await store.readAll({ direction: 'backwards', ...options })).map((e) => [e.streamId, e.revision]);
    // When a limit falls inside it after other events, the page stops before it
    expect(await read({ maxCount: 2 })).toEqual([['rel-t-0', 1]]);
    // When it alone fills the limit, the page holds all of it
    expect(await read({ before: 20_600n, maxCount: 2 })).toEqual([
      ['rel-x-1', 2],
      ['rel-x-1', 1],
      ['rel-x-1', 0],
    ]);
    // Then paging by twos reads every event once
    const all = await pageBackwards(store, 2);
    expect(all).toEqual([20_600n, 20_500n, 20_500n, 20_500n, 100n]);
  });
});
