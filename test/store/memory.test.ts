/**
 * The in-memory store: the shared contract, then where it follows
 * EventStoreDB rather than SQLite (the corners the contract leaves out), and
 * what makes it a faithful double for tests of the layers above.
 */
import { describe, expect, it } from 'vitest';
import { openMemoryStore } from '../../src/store/memory.js';
import { StoreUnavailableError, WrongExpectedRevisionError } from '../../src/store/port.js';
import { describeEventStoreContract, event, events } from './contract.js';

describeEventStoreContract('in memory', { open: async () => openMemoryStore() });

describe('the in-memory store, where EventStoreDB and SQLite part ways', () => {
  it('appends a batch again when it is resent expecting the revision the stream has reached since', async () => {
    const store = openMemoryStore();
    const batch = events(2);
    await store.append('s', batch, 'no_stream');
    await store.append('s', events(2), 1);
    expect((await store.append('s', batch, 3)).nextRevision).toBe(5);
    expect((await store.readStream('s')).map((e) => e.id).slice(4)).toEqual(batch.map((e) => e.id));
  });

  it('answers a batch that repeats only some earlier events with a conflict', async () => {
    const store = openMemoryStore();
    const [a, b] = events(2);
    await store.append('s', [a!, b!]);
    await expect(store.append('s', [a!, event()])).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(store.append('s', [a!, event()], 'stream_exists')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(await store.streamRevision('s')).toBe(1);
  });

  it('recognises a retry expecting any however long ago the first append was (an unbounded cache of recent writes)', async () => {
    const store = openMemoryStore();
    const batch = events(3);
    const first = await store.append('s', batch);
    for (let i = 0; i < 50; i++) await store.append('s', events(2));
    expect(await store.append('s', batch)).toEqual(first);
    expect(await store.streamRevision('s')).toBe(102);
  });
});

describe('the in-memory store as a test double', () => {
  it('gives sparse positions, as EventStoreDB does, so no caller can count on them being dense', async () => {
    const store = openMemoryStore();
    await store.append('s', events(3));
    const positions = (await store.readAll()).map((e) => e.position);
    const steps = positions.slice(1).map((p, i) => p - positions[i]!);
    expect(positions[0]).toBeGreaterThan(1n);
    expect(steps.every((step) => step > 1n)).toBe(true);
  });

  it('lists streams page by page, in order, only those with the prefix', async () => {
    const store = openMemoryStore();
    const ids = Array.from({ length: 30 }, (_, i) => `rel-a-${String(i).padStart(2, '0')}`);
    for (const id of [...ids].reverse()) await store.append(id, [event()]);
    for (const other of ['rel-', 'rel-b-1', 'rel-a', 'zzz']) await store.append(other, [event()]);
    const pages: string[][] = [];
    let after: string | undefined = 'rel-';
    for (;;) {
      const page: string[] = await store.listStreams({ prefix: 'rel-a-', after, limit: 7 });
      if (page.length === 0) break;
      pages.push(page);
      after = page.at(-1);
    }
    expect(pages.map((page) => page.length)).toEqual([7, 7, 7, 7, 2]);
    expect(pages.flat()).toEqual(ids);
  });

  it('records events at the clock it is given', async () => {
    const store = openMemoryStore({ now: () => Date.UTC(2025, 1, 3, 9) });
    await store.append('s', [event()]);
    const [recorded] = await store.readStream('s');
    expect(recorded!.recordedAt.toISOString()).toBe('2025-02-03T09:00:00.000Z');
  });

  it('keeps what was recorded when a reader changes the objects it read', async () => {
    const store = openMemoryStore();
    await store.append('s', [event('Opened', { name: 'Acme' }, { tenant: 'a' })]);
    const [read] = await store.readStream('s');
    (read!.data as { name: string }).name = 'changed';
    read!.metadata.tenant = 'changed';
    const [again] = await store.readAll();
    expect([again!.data, again!.metadata]).toEqual([{ name: 'Acme' }, { tenant: 'a' }]);
  });

  it('refuses every call once closed', async () => {
    const store = openMemoryStore();
    await store.close();
    await expect(store.append('s', [event()])).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.readAll()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
