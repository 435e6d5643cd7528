/**
 * The README's power-cut promise rests on one pragma: every acknowledged
 * append is fsynced (`synchronous = FULL`) unless the operator chose NORMAL
 * with COURTSHIP_SQLITE_SYNCHRONOUS. No crash test can tell an fsync from
 * none (a killed process loses nothing either way), so the pragma of the
 * writer's own connection is read back here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { openStore } from '../../src/store/open.js';
import { openSqliteStore, SqliteEventStore } from '../../src/store/sqlite.js';
import type { EventStore } from '../../src/store/port.js';

/** SQLite's numbers for the levels (PRAGMA synchronous). */
const LEVEL = { OFF: 0, NORMAL: 1, FULL: 2 } as const;

let dataDir: string;
const opened: EventStore[] = [];
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-sync-'));
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function synchronousOf(store: EventStore): number {
  expect(store).toBeInstanceOf(SqliteEventStore);
  return Number((store as SqliteEventStore).connection.pragma('synchronous', { simple: true }));
}

/** The store the server opens for this environment (settings → openStore). */
async function storeFor(env: Record<string, string>): Promise<EventStore> {
  const settings = loadSettings({ COURTSHIP_DATA_DIR: dataDir, ...env });
  const store = await openStore({ store: settings.store, dataDir: settings.dataDir, sqliteSynchronous: settings.sqliteSynchronous });
  opened.push(store);
  return store;
}

describe('the embedded store durability', () => {
  it('fsyncs every commit (synchronous = FULL) when opened without a level', () => {
    const store = openSqliteStore({ dataDir });
    opened.push(store);
    expect(synchronousOf(store)).toBe(LEVEL.FULL);
  });

  it('is FULL when COURTSHIP_SQLITE_SYNCHRONOUS is not set', async () => {
    expect(synchronousOf(await storeFor({}))).toBe(LEVEL.FULL);
  });

  it('follows COURTSHIP_SQLITE_SYNCHRONOUS', async () => {
    expect(synchronousOf(await storeFor({ COURTSHIP_SQLITE_SYNCHRONOUS: 'NORMAL' }))).toBe(LEVEL.NORMAL);
    await opened.pop()!.close();
    expect(synchronousOf(await storeFor({ COURTSHIP_SQLITE_SYNCHRONOUS: 'FULL' }))).toBe(LEVEL.FULL);
  });

  it('refuses a level that gives up durability altogether, with a clear error', () => {
    expect(() => loadSettings({ COURTSHIP_DATA_DIR: dataDir, COURTSHIP_SQLITE_SYNCHRONOUS: 'OFF' })).toThrow(/COURTSHIP_SQLITE_SYNCHRONOUS/);
  });
});
