/**
 * At synchronous = FULL the API's group commits do not fsync inside COMMIT
 * (on the event loop): the WAL is synced in the thread pool, and an append is
 * acknowledged — and shows in the global log — only once that sync returned.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/port.js';
import { openSqliteStore, type SqliteEventStore } from '../../src/store/sqlite.js';
import { WalSync } from '../../src/store/wal-sync.js';
import { event } from './contract.js';

let dataDir: string;
let store: SqliteEventStore;
/** The WAL syncs asked for and not answered yet: a test answers them. */
let syncs: { resolve: () => void; reject: (error: Error) => void }[];

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-walsync-'));
  syncs = [];
  store = openSqliteStore({
    dataDir,
    syncWal: () => new Promise<void>((resolve, reject) => syncs.push({ resolve, reject })),
  });
});
afterEach(async () => {
  for (const sync of syncs.splice(0)) sync.resolve();
  await store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Lets the group commit (at the end of the turn) run, and whatever it settles. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Whether `promise` has settled yet. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await turn();
  return done;
}

describe('a group commit at synchronous = FULL', () => {
  it('is acknowledged only once its WAL sync has returned', async () => {
    // Given two appends committed together
    const appends = Promise.all([store.append('a', [event()]), store.append('b', [event()])]);
    await turn();
    // Then while the WAL sync runs, neither is acknowledged
    expect(syncs).toHaveLength(1);
    expect(await settled(appends)).toBe(false);
    // When the sync returns, both are
    syncs[0]!.resolve();
    await expect(appends).resolves.toHaveLength(2);
  });

  it('shows in the global log only once durable, while its own stream already sees it', async () => {
    // Given an append that is durable, then one whose sync is still running
    const first = store.append('a', [event()]);
    await turn();
    syncs[0]!.resolve();
    await first;
    const second = store.append('b', [event()]);
    await turn();
    // Then the log, its head and a subscription end at the first
    expect((await store.readAll()).map((e) => e.streamId)).toEqual(['a']);
    expect((await store.readAll({ direction: 'backwards' })).map((e) => e.streamId)).toEqual(['a']);
    expect(await store.headPosition()).toBe((await first).position);
    // while the write path's checks see the commit
    expect(await store.streamRevision('b')).toBe(0);
    // When its sync returns, it shows
    syncs[1]!.resolve();
    await second;
    expect((await store.readAll()).map((e) => e.streamId)).toEqual(['a', 'b']);
    expect(await store.headPosition()).toBe((await second).position);
  });

  it('fails its appends when the sync fails, and takes no more until a restart', async () => {
    // Given an append whose WAL sync fails
    const append = store.append('a', [event()]);
    await turn();
    syncs[0]!.reject(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    // Then it is not acknowledged, with a store error
    await expect(append).rejects.toBeInstanceOf(StoreUnavailableError);
    // and nothing of it shows in the log, and later appends are refused
    expect(await store.readAll()).toEqual([]);
    await expect(store.append('b', [event()])).rejects.toThrow(/restart/);
  });

  it('is made durable by the close of the store when its sync is under way', async () => {
    // Given an append whose sync has not returned when the store closes
    const append = store.append('a', [event()]);
    await turn();
    const closing = store.close();
    syncs[0]!.resolve();
    await closing;
    // Then it is acknowledged, and in the file
    await expect(append).resolves.toMatchObject({ nextRevision: 0 });
    const reopened = openSqliteStore({ dataDir, readonly: true });
    try {
      expect((await reopened.readAll()).map((e) => e.streamId)).toEqual(['a']);
    } finally {
      await reopened.close();
    }
  });
});

describe('WalSync', () => {
  it('shares one fsync among the callers that ask while one is running, in order', async () => {
    // Given a WAL file
    const file = path.join(dataDir, 'some-wal');
    fs.writeFileSync(file, 'frames');
    const wal = new WalSync(file);
    const order: number[] = [];
    // When five callers ask at once
    await Promise.all([1, 2, 3, 4, 5].map((n) => wal.sync().then(() => order.push(n))));
    // Then each is answered, in the order they asked
    expect(order).toEqual([1, 2, 3, 4, 5]);
    await wal.close();
  });

  it('fails when the WAL cannot be opened', async () => {
    const wal = new WalSync(path.join(dataDir, 'missing-wal'));
    await expect(wal.sync()).rejects.toThrow(/ENOENT/);
    await wal.close();
  });
});
