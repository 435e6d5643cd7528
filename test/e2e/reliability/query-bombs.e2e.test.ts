/**
 * Documents built to make query analysis or execution blow up, from a reader
 * with a valid read token: each is refused before execution with
 * QUERY_TOO_COMPLEX, quickly, over HTTP and over WebSocket, and the server
 * keeps answering `/healthz` meanwhile; on a small tenant and on a large
 * one, while what a dashboard asks runs on both.
 *
 * The large tenant holds generated relationships, and its count (which
 * test/app/tenant-sizes.test.ts checks against a real projection) is made
 * 100,000 where the cost limit reads it: the test stays fast.
 */
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadSettings } from '../../../src/config/settings.js';
import { buildCourtshipSchema } from '../../../src/graphql/schema.js';
import { checkQueryLimits } from '../../../src/server/limits/index.js';
import { aliases, dashboard } from '../../support/dashboard.js';
import { recordGenerated } from '../../support/record.js';
import { datingEvents } from '../support/courtship.js';
import { APPEND, gql, gqlOk } from '../support/gql.js';
import { startServer, type E2EServer } from '../support/server.js';
import { record, wsClient, type WsClient } from '../support/ws.js';

let server: E2EServer;
let reader: string;
/** A reader of the large tenant. */
let bigReader: string;
const clients: WsClient[] = [];
/** The large tenant's relationships as the cost limit sees them. */
const LARGE = 100_000;

beforeAll(async () => {
  server = await startServer();
  const writer = server.token('acme');
  reader = server.token('acme', ['read']);
  await gqlOk(server.url, writer, APPEND, { id: 'r1', events: datingEvents('Acme', 'SMB') });
  // The large tenant: generated courtships, counted as 100,000 by the cost limit.
  await recordGenerated(server.app.store, 'bigco', 60);
  await server.app.projector.catchUp(10_000);
  const count = server.app.projector.relationshipCount.bind(server.app.projector);
  expect(count('bigco')).toBe(60);
  vi.spyOn(server.app.projector, 'relationshipCount').mockImplementation((tenant) => (tenant === 'bigco' ? LARGE : count(tenant)));
  bigReader = server.token('bigco', ['read']);
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
  const FUNNEL_AS_OF = 'funnel(asOf: "2025-02-15T00:00:00Z") { total }';

  it('150 funnel(asOf:) are refused by the copies cap before running, on a small and a large tenant', async () => {
    for (const token of [reader, bigReader]) {
      const { result: reply, ms } = await timed(() => gql(server.url, token, aliases(150, FUNNEL_AS_OF)));
      expect(reply.status).toBe(400);
      expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'copies', limit: 12, actual: 150, field: 'funnel' });
      expect(reply.data).toBeUndefined();
      // It took 22 s to run on 5,000 relationships before the read models; refusing it is parsing and validating 1,800 tokens.
      expect(ms).toBeLessThan(1_000);
    }
  });

  it('the same over WebSocket', async () => {
    const client = wsClient(server.wsUrl, bigReader);
    clients.push(client);
    const end = await record(client.client, aliases(150, FUNNEL_AS_OF)).waitForEnd();
    expect((end as { error: { extensions: Record<string, unknown> }[] }).error[0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'copies' });
  });

  it('rarely matching event scans are refused before running: 100 of them, and 300 (then by size too)', async () => {
    const scan = 'events(first: 3, filter: { actors: [SYSTEM], occurredTo: "2000-01-01T00:00:00Z" }) { edges { cursor } }';
    const hundred = await gql(server.url, reader, aliases(100, scan));
    expect(hundred.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'copies', field: 'events' });
    const threeHundred = await gql(server.url, reader, aliases(300, scan));
    expect(threeHundred.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('five statistics with knownAt (each a replay of every stream) are refused by cost on the large tenant', async () => {
    const knownAt = 'knownAt: "2025-02-15T00:00:00Z"';
    const query = `{ a: funnel(${knownAt}) { total } b: outcomes(${knownAt}) { count } c: decaySummary(${knownAt}) { currentlyMarried }
      d: timeToProposalStats(${knownAt}) { overall { count } } e: timeToMarriageStats(${knownAt}) { overall { count } } }`;
    const { result: reply, ms } = await timed(() => gql(server.url, bigReader, query));
    expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'cost', limit: 5_000 });
    expect(ms).toBeLessThan(1_000);
  });
});

describe('a dashboard: the five statistics now and asOf, two lists of 50 with nested fields', () => {
  it('runs on the large tenant, over HTTP and WebSocket', async () => {
    const reply = await gql(server.url, bigReader, dashboard());
    expect(reply.errors).toBeUndefined();
    expect(reply.data?.now0.total).toBeGreaterThan(0);
    expect(reply.data?.recent.edges.length).toBeGreaterThan(0);

    const client = wsClient(server.wsUrl, server.token('bigco', ['read']));
    clients.push(client);
    const end = await record(client.client, dashboard()).waitForEnd();
    expect(end.kind).toBe('complete');
  });

  it('runs on the small tenant', async () => {
    expect((await gql(server.url, server.token('acme', ['read']), dashboard())).errors).toBeUndefined();
  });
});

describe('the budget for expensive operations', () => {
  it('lets a token run a few dashboards of the large tenant, then refuses with RATE_LIMITED, a retry hint and 429, over HTTP and WebSocket', async () => {
    // The dashboard's cost on 100,000 relationships, as the server estimates it: a burst is twice COURTSHIP_MAX_COST.
    const settings = loadSettings({});
    const check = checkQueryLimits(await buildCourtshipSchema(), parse(dashboard()), undefined, undefined, { ...settings, tenantSize: () => LARGE }, 'bigco')!;
    expect(check.error).toBeNull();
    expect(check.cost).toBeGreaterThanOrEqual(settings.expensive.threshold);
    const affordable = Math.floor((2 * settings.maxCost) / check.cost);

    const analyst = server.token('bigco', ['read']);
    for (let i = 0; i < affordable; i++) expect((await gql(server.url, analyst, dashboard())).errors).toBeUndefined();
    const refused = await gql(server.url, analyst, dashboard());
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(refused.errors?.[0]?.extensions?.retryAfterMs)).toBeGreaterThan(1_000);

    const client = wsClient(server.wsUrl, analyst);
    clients.push(client);
    const end = await record(client.client, dashboard()).waitForEnd();
    expect((end as { error: { extensions: Record<string, unknown> }[] }).error[0]!.extensions).toMatchObject({ code: 'RATE_LIMITED' });

    // Other tokens, and cheap queries of this one, are not affected.
    expect((await gql(server.url, server.token('bigco', ['read']), dashboard())).errors).toBeUndefined();
    expect((await gql(server.url, analyst, '{ whoami { tenant } }')).errors).toBeUndefined();
  });
});
