/**
 * Documents built to make query analysis or execution blow up, from a reader
 * with a valid read token: each is refused before execution with
 * QUERY_TOO_COMPLEX, quickly, over HTTP and over WebSocket, and the server
 * keeps answering `/healthz` meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datingEvents } from '../support/courtship.js';
import { APPEND, gql, gqlOk } from '../support/gql.js';
import { startServer, type E2EServer } from '../support/server.js';
import { record, wsClient, type WsClient } from '../support/ws.js';

let server: E2EServer;
let reader: string;
const clients: WsClient[] = [];

beforeAll(async () => {
  server = await startServer();
  const writer = server.token('acme');
  reader = server.token('acme', ['read']);
  await gqlOk(server.url, writer, APPEND, { id: 'r1', events: datingEvents('Acme', 'SMB') });
  // Warm the schema and the connection: what is timed below is the refusal alone.
  await gqlOk(server.url, reader, '{ whoami { tenant } }');
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await server?.close();
});

/** 23 fragments, each spreading the next twice: 2^23 `__typename`s in under 1 KB, at depth 1 and cost 0. */
function fragmentBomb(levels: number, leaf = '__typename'): string {
  const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
  return `query Bomb { ...F0 } ${fragments.join(' ')} fragment F${levels} on Query { ${leaf} }`;
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const startedAt = performance.now();
  const result = await work();
  return { result, ms: performance.now() - startedAt };
}

describe('a fragment bomb', () => {
  it('is refused over HTTP with QUERY_TOO_COMPLEX in under 100 ms', async () => {
    const bomb = fragmentBomb(23);
    expect(bomb.length).toBeLessThan(1200);
    const { result: reply, ms } = await timed(() => gql(server.url, reader, bomb));
    expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'fields', actual: 2 ** 23 });
    expect(reply.data).toBeUndefined();
    expect(ms).toBeLessThan(100);
  });

  it('is refused by cost when its leaf costs something', async () => {
    const reply = await gql(server.url, reader, fragmentBomb(23, 'relationship(id: "r1") { id }'));
    expect(reply.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('is refused over WebSocket with QUERY_TOO_COMPLEX in under 100 ms', async () => {
    const client = wsClient(server.wsUrl, reader);
    clients.push(client);
    // The socket is open and acknowledged once a first operation has run.
    const warm = record(client.client, '{ whoami { tenant } }');
    await warm.waitForEnd();
    const { result: end, ms } = await timed(() => record(client.client, fragmentBomb(23)).waitForEnd());
    expect(end.kind).toBe('error');
    const errors = (end as { error: { extensions: Record<string, unknown> }[] }).error;
    expect(errors[0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'fields' });
    expect(ms).toBeLessThan(100);
  });

  it('leaves the server answering', async () => {
    const bombs = Array.from({ length: 5 }, () => gql(server.url, reader, fragmentBomb(30)));
    const health = await timed(() => fetch(server.url.replace('/graphql', '/healthz')));
    expect(health.result.status).toBe(200);
    for (const reply of await Promise.all(bombs)) expect(reply.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });
});

describe('a huge document', () => {
  it('is refused while parsing, before validation, with QUERY_TOO_COMPLEX naming the token limit', async () => {
    const query = `{ ${Array.from({ length: 20_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const reply = await gql(server.url, reader, query);
    expect(reply.status).toBe(400);
    expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'tokens', limit: 5_000 });
  });

  it('is refused the same way over WebSocket', async () => {
    const client = wsClient(server.wsUrl, reader);
    clients.push(client);
    const query = `{ ${Array.from({ length: 20_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const end = await record(client.client, query).waitForEnd();
    const errors = (end as { error: { extensions: Record<string, unknown> }[] }).error;
    expect(errors[0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'tokens' });
  });
});

describe('aliases of expensive fields', () => {
  const aliases = (count: number, field: string) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ')} }`;

  it('150 funnel(asOf:) are refused by cost before running', async () => {
    const { result: reply, ms } = await timed(() => gql(server.url, reader, aliases(150, 'funnel(asOf: "2025-02-15T00:00:00Z") { total }')));
    expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'cost', limit: 5_000 });
    expect(Number(reply.errors?.[0]?.extensions?.actual)).toBeGreaterThan(150 * 1_000);
    // It took 22 s to run; refusing it is parsing and validating 1,800 tokens.
    expect(ms).toBeLessThan(1_000);
  });

  it('rarely matching event scans are refused by cost before running: 100 of them, and 300 (then by size too)', async () => {
    const scan = 'events(first: 3, filter: { actors: [SYSTEM], occurredTo: "2000-01-01T00:00:00Z" }) { edges { cursor } }';
    const hundred = await gql(server.url, reader, aliases(100, scan));
    expect(hundred.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'cost' });
    const threeHundred = await gql(server.url, reader, aliases(300, scan));
    expect(threeHundred.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });
});

describe('the budget for expensive operations', () => {
  const EXPENSIVE = '{ decaySummary(asOf: "2025-02-15T00:00:00Z") { currentlyDecaying } }';

  it('lets a token run a few, then refuses with RATE_LIMITED, a retry hint and 429, over HTTP and WebSocket', async () => {
    const analyst = server.token('acme', ['read']);
    // Each costs about 4,300 of a burst of 10,000 (twice COURTSHIP_MAX_COST).
    expect((await gql(server.url, analyst, EXPENSIVE)).errors).toBeUndefined();
    expect((await gql(server.url, analyst, EXPENSIVE)).errors).toBeUndefined();
    const refused = await gql(server.url, analyst, EXPENSIVE);
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(refused.errors?.[0]?.extensions?.retryAfterMs)).toBeGreaterThan(1_000);

    const client = wsClient(server.wsUrl, analyst);
    clients.push(client);
    const end = await record(client.client, EXPENSIVE).waitForEnd();
    expect((end as { error: { extensions: Record<string, unknown> }[] }).error[0]!.extensions).toMatchObject({ code: 'RATE_LIMITED' });

    // Other tokens, and cheap queries of this one, are not affected.
    expect((await gql(server.url, server.token('acme', ['read']), EXPENSIVE)).errors).toBeUndefined();
    expect((await gql(server.url, analyst, '{ relationship(id: "r1") { id } }')).errors).toBeUndefined();
  });
});
