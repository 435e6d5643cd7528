/**
 * Writes that cannot land: metadata too deep to serialise is refused as bad
 * input naming the field, and a store that cannot write (a full disk) is
 * refused to clients as SERVICE_UNAVAILABLE and logged for the operator once
 * per burst, with the cause and without the events.
 */
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datingEvents } from '../support/courtship.js';
import { APPEND, gql, gqlOk } from '../support/gql.js';
import { send } from '../support/raw-http.js';
import { startServer, type E2EServer } from '../support/server.js';

let server: E2EServer;
let writer: string;

beforeAll(async () => {
  server = await startServer();
  writer = server.token('acme');
  await gqlOk(server.url, writer, APPEND, { id: 'r1', events: datingEvents('Acme', 'SMB') });
});
afterAll(() => server?.close());

const interaction = (metadata: unknown) => ({
  type: 'InteractionLogged',
  occurredAt: '2025-02-20T00:00:00Z',
  actor: 'VENDOR',
  data: { channel: 'CALL' },
  metadata,
});

function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

describe('deep metadata', () => {
  it('is refused as BAD_USER_INPUT naming the field, and nothing is appended', async () => {
    const head = await server.app.store.headPosition();
    // 5,000 levels in 10 KB: written as text (serialising it here would overflow this process's stack too).
    const deep = `${'{"a":'.repeat(5_000)}{"leaf":true}${'}'.repeat(5_000)}`;
    const events = JSON.stringify([interaction({}), interaction('DEEP')]).replace('"DEEP"', deep);
    const body = `{"query":${JSON.stringify(APPEND)},"variables":{"id":"r1","events":${events}}}`;
    const reply = await send(server.url, { token: writer, body });
    expect(reply.json?.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'events[1].metadata', reason: 'METADATA_TOO_DEEP' });
    expect(await server.app.store.headPosition()).toBe(head);
  });

  it('is accepted at a reasonable depth', async () => {
    await gqlOk(server.url, writer, APPEND, { id: 'r1', events: [interaction(nested(20))] });
  });
});

describe('a full disk', () => {
  /** The embedded store's connection; capping its pages is how SQLite sees a full disk (SQLITE_FULL). */
  const db = () => (server.app.store as unknown as { db: Database.Database }).db;

  it('refuses appends with SERVICE_UNAVAILABLE and logs the failure once per burst, with its cause and no data', async () => {
    const pages = db().pragma('page_count', { simple: true }) as number;
    db().pragma(`max_page_count = ${pages}`);
    const secret = 'do-not-log-this-purpose';
    const big = Array.from({ length: 50 }, () => ({ ...interaction(null), data: { channel: 'CALL', purpose: `${secret} ${'x'.repeat(2000)}` } }));
    for (let i = 0; i < 5; i++) {
      const reply = await gql(server.url, writer, APPEND, { id: 'r1', events: big });
      expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'STORE_UNAVAILABLE' });
    }
    const failures = server.logs().filter((line) => String(line.msg).startsWith('event store write failed'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ level: 50, causeCode: 'SQLITE_FULL' });
    expect(String(failures[0]!.reason)).toMatch(/full/);
    expect(JSON.stringify(server.logs())).not.toContain(secret);

    db().pragma('max_page_count = 1073741823');
    await gqlOk(server.url, writer, APPEND, { id: 'r1', events: [interaction(null)] });
    expect(server.logs().filter((line) => line.msg === 'event store writes recovered')).toEqual([
      expect.objectContaining({ level: 40, failedSinceLastReport: 4 }),
    ]);
  });
});
