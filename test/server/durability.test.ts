/**
 * The server opens its event store at the durability the operator chose
 * (COURTSHIP_SQLITE_SYNCHRONOUS), FULL by default: the README's power-cut
 * promise, checked on the store the composition root really opened.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src/store/sqlite.js';
import { startServer, type E2EServer } from '../e2e/support/server.js';

let server: E2EServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function synchronousOf(running: E2EServer): number {
  const store = running.app.store;
  expect(store).toBeInstanceOf(SqliteEventStore);
  return Number((store as SqliteEventStore).connection.pragma('synchronous', { simple: true }));
}

describe('the running server', () => {
  it('fsyncs every append by default (synchronous = FULL)', async () => {
    server = await startServer();
    expect(synchronousOf(server)).toBe(2);
  });

  it('skips the fsync per commit when COURTSHIP_SQLITE_SYNCHRONOUS is NORMAL', async () => {
    server = await startServer({ env: { COURTSHIP_SQLITE_SYNCHRONOUS: 'NORMAL' } });
    expect(synchronousOf(server)).toBe(1);
  });
});
