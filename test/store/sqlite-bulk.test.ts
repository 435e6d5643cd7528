import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WrongExpectedRevisionError, type NewEvent } from '../../src/store/port.js';
import { GroupCommitStore, readLogRows } from '../../src/store/sqlite-bulk.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const event = (n: number): NewEvent => ({ id: uuid(n), type: 'Thing', data: { n }, metadata: { n } });

describe('GroupCommitStore (embedded store, appends sharing commits)', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-bulk-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('keeps every append all-or-nothing and checked: a refused one leaves the rest of its group', async () => {
    const store = new GroupCommitStore(openSqliteStore({ dataDir }), 3);
    await store.append('a', [event(1), event(2)], 'no_stream');
    await expect(store.append('b', [event(3)], 5)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await store.append('c', [event(4)], 'no_stream');
    // An idempotent retry inside the open group returns the original result and writes nothing.
    const retry = await store.append('a', [event(1), event(2)], 'no_stream');
    expect(retry.nextRevision).toBe(1);
    await expect(store.append('a', [event(5)], 0)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await store.append('a', [event(5)], 1);
    await store.close();

    const reopened = openSqliteStore({ dataDir });
    try {
      const log = (await reopened.readAll()).map((e) => `${e.streamId} ${e.revision} ${e.id}`);
      expect(log).toEqual([`a 0 ${uuid(1)}`, `a 1 ${uuid(2)}`, `c 0 ${uuid(4)}`, `a 2 ${uuid(5)}`]);
      expect(await reopened.streamRevision('b')).toBeNull();
    } finally {
      await reopened.close();
    }
  });

  it('writes the rows single appends write, and other processes see them at each commit', async () => {
    const plain = openSqliteStore({ dataDir: path.join(dataDir, 'plain') });
    const bulk = new GroupCommitStore(openSqliteStore({ dataDir: path.join(dataDir, 'bulk') }), 6);
    const reader = openSqliteStore({ dataDir: path.join(dataDir, 'bulk'), readonly: true });
    try {
      for (let i = 0; i < 10; i++) {
        await plain.append(`s-${i % 3}`, [event(2 * i), event(2 * i + 1)]);
        await bulk.append(`s-${i % 3}`, [event(2 * i), event(2 * i + 1)]);
      }
      // 20 events, committed once 6 are pending: the last append is not committed yet.
      expect((await reader.readAll()).length).toBe(18);
      bulk.commit();
      expect((await reader.readAll()).length).toBe(20);
      const strip = (rows: Awaited<ReturnType<typeof plain.readAll>>) => rows.map(({ recordedAt: _, ...rest }) => rest);
      expect(strip(await bulk.readAll())).toEqual(strip(await plain.readAll()));
      expect(readLogRows(plain, -1n, 100).map((r) => [r.position, r.streamId, r.revision, r.id, r.type, JSON.parse(r.data), JSON.parse(r.metadata)])).toEqual(
        (await plain.readAll()).map((e) => [e.position, e.streamId, e.revision, e.id, e.type, e.data, e.metadata]),
      );
    } finally {
      await reader.close();
      await bulk.close();
      await plain.close();
    }
  });
});
