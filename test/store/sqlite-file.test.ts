/**
 * What only the embedded store promises: its file (location, WAL, schema
 * version and migrations), positions beyond 2^53, and how a second process
 * is treated (readers work, a second writer is refused).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidAppendError, StoreError, StoreUnavailableError, decodePosition, encodePosition } from '../../src/store/port.js';
import { SQLITE_FILE_NAME, openSqliteStore } from '../../src/store/sqlite.js';
import { SCHEMA_VERSION } from '../../src/store/sqlite-schema.js';
import { event, events, take } from './contract.js';
import { DIST_SQLITE, FIXTURES, assertBuilt } from './fixtures/dist.js';

let dataDir: string;
let file: string;
beforeEach(() => {
  dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-file-')), 'data');
  file = path.join(dataDir, SQLITE_FILE_NAME);
});
afterEach(() => fs.rmSync(path.dirname(dataDir), { recursive: true, force: true }));

/** Runs store-process.mjs and yields its JSON lines. */
function otherProcess(mode: 'writer' | 'reader') {
  assertBuilt();
  const child = spawn(process.execPath, [path.join(FIXTURES, 'store-process.mjs'), DIST_SQLITE, dataDir, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async next(): Promise<Record<string, unknown>> {
      const line = await lines.next();
      if (line.done) throw new Error('the other process ended early');
      return JSON.parse(line.value) as Record<string, unknown>;
    },
    kill: () => child.kill('SIGKILL'),
  };
}

describe('the SQLite file', () => {
  it('is created on first start in the data dir, in WAL mode, at the current schema version', async () => {
    const store = openSqliteStore({ dataDir });
    await store.append('a', [event()]);
    await store.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    raw.close();
    const again = openSqliteStore({ dataDir });
    expect(await again.streamRevision('a')).toBe(0);
    await again.close();
  });

  it('migrates a file written before any schema existed', async () => {
    fs.mkdirSync(dataDir, { recursive: true });
    new Database(file).close();
    const store = openSqliteStore({ dataDir });
    expect((await store.append('a', [event()])).nextRevision).toBe(0);
    await store.close();
  });

  it('refuses a file from a newer release, saying so', async () => {
    fs.mkdirSync(dataDir, { recursive: true });
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openSqliteStore({ dataDir })).toThrow(/newer Courtship/);
  });
});

describe('positions beyond 2^53', () => {
  it('are exact bigints through append, reads, cursors and subscriptions', async () => {
    await openSqliteStore({ dataDir }).close();
    const big = 2n ** 60n;
    const raw = new Database(file);
    raw.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('events', ?)").run(big);
    raw.close();

    const store = openSqliteStore({ dataDir });
    const { position } = await store.append('a', events(3));
    expect(position).toBe(big + 3n);
    const log = await store.readAll({ after: big + 1n });
    expect(log.map((e) => e.position)).toEqual([big + 2n, big + 3n]);
    expect(decodePosition(encodePosition(position))).toBe(position);
    expect(await store.headPosition()).toBe(big + 3n);
    const live = await take(store.subscribeToAll({ after: big + 2n }), 1);
    expect(live[0]!.position).toBe(big + 3n);
    await store.close();
  });
});

describe('event ids', () => {
  it('refuses a batch reusing an id from an earlier batch of the stream, writing nothing', async () => {
    const store = openSqliteStore({ dataDir });
    const [a, b] = events(2);
    await store.append('s', [a!, b!]);
    await expect(store.append('s', [event(), b!])).rejects.toBeInstanceOf(InvalidAppendError);
    await expect(store.append('s', [b!, event()])).rejects.toBeInstanceOf(InvalidAppendError);
    expect(await store.streamRevision('s')).toBe(1);
    await store.close();
  });

  // EventStoreDB differs here: expecting the stream's current revision, it appends the events again.
  it('refuses a batch resent expecting the revision the stream has reached since, naming the reused id', async () => {
    const store = openSqliteStore({ dataDir });
    const batch = events(2);
    await store.append('s', batch, 'no_stream');
    await store.append('s', events(2), 1);
    const error = await store.append('s', batch, 3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidAppendError);
    expect(error).toMatchObject({ field: 'events[0].id' });
    expect((error as Error).message).toContain(batch[0]!.id);
    expect((error as Error).message).toContain('at revision 0');
    expect(await store.streamRevision('s')).toBe(3);
    await store.close();
  });
});

describe('a second process on the same file', () => {
  it('is refused as a second writer with a clear message, and the file stays intact', async () => {
    const store = openSqliteStore({ dataDir });
    const before = events(3);
    await store.append('a', before);
    const other = otherProcess('writer');
    const reply = await other.next();
    expect(reply).toMatchObject({ opened: false, code: 'STORE_UNAVAILABLE' });
    expect(reply.message).toMatch(/already open for writing by another Courtship process/);
    const after = event();
    expect((await store.append('a', [after], 2)).nextRevision).toBe(3);
    const logged = [...before, after].map((e) => e.id);
    expect((await store.readAll()).map((e) => e.id)).toEqual(logged);
    await store.close();
    // Read again from the file itself, by a connection that holds nothing in memory.
    const reopened = openSqliteStore({ dataDir, readonly: true });
    expect((await reopened.readAll()).map((e) => [e.id, e.revision])).toEqual(logged.map((id, revision) => [id, revision]));
    await reopened.close();
  });

  it('may write once the first writer was killed with kill -9', async () => {
    assertBuilt();
    const writer = spawn(process.execPath, [path.join(FIXTURES, 'crash-writer.mjs'), DIST_SQLITE, dataDir, 'w'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => writer.once('exit', resolve));
    const lines = readline.createInterface({ input: writer.stdout })[Symbol.asyncIterator]();
    expect((await lines.next()).value).toBe('ready');
    expect(() => openSqliteStore({ dataDir })).toThrow(/already open for writing/);
    writer.kill('SIGKILL');
    await exited;
    const store = openSqliteStore({ dataDir });
    await store.append('after-crash', [event()]);
    await store.close();
  });

  it('reads the log and follows live appends as a reader', async () => {
    const store = openSqliteStore({ dataDir });
    const before = events(2);
    await store.append('a', before);
    const reader = otherProcess('reader');
    expect(await reader.next()).toEqual({ opened: true, events: before.map((e) => e.id) });
    const after = events(3);
    await store.append('b', after);
    const live = [await reader.next(), await reader.next(), await reader.next()];
    expect(live).toEqual(after.map((e) => ({ live: e.id })));
    reader.kill();
    await store.close();
  });

  it('refuses appends on a read-only store', async () => {
    await openSqliteStore({ dataDir }).close();
    const reader = openSqliteStore({ dataDir, readonly: true });
    await expect(reader.append('a', [event()])).rejects.toMatchObject({ code: 'READ_ONLY' });
    await reader.close();
  });

  it('in the same process is refused as a second writer too', async () => {
    const store = openSqliteStore({ dataDir });
    expect(() => openSqliteStore({ dataDir })).toThrow(StoreUnavailableError);
    await store.close();
    await openSqliteStore({ dataDir }).close();
  });

  it('refuses a reader when no store exists yet', () => {
    expect(() => openSqliteStore({ dataDir, readonly: true })).toThrow(/no event store at/);
  });
});

describe('a closed store', () => {
  it('refuses calls and ends its subscriptions', async () => {
    const store = openSqliteStore({ dataDir });
    const iterator = store.subscribeToAll()[Symbol.asyncIterator]();
    const pending = iterator.next();
    await store.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    await expect(store.readAll()).rejects.toBeInstanceOf(StoreError);
  });
});
