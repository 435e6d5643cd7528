import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandInServer, subscribe, type StandInServer } from './support/stand-in-server.js';

type GraphQLBody = { data?: unknown; errors: { message: string; extensions: Record<string, unknown> }[] };

let h: StandInServer;
beforeAll(async () => {
  h = await startStandInServer({ env: { COURTSHIP_BODY_LIMIT: '2048', COURTSHIP_MAX_DEPTH: '4', COURTSHIP_MAX_COST: '200' } });
});
afterAll(() => h?.close());

describe('request size', () => {
  it('refuses a body over the limit with 413, naming the limit', async () => {
    const response = await h.post({ query: `{ whoami { tenant } } # ${'x'.repeat(4096)}` });
    expect(response.status).toBe(413);
    const body = (await response.json()) as GraphQLBody;
    expect(body.errors[0]!.extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit: 2048 });
  });

  it('accepts a body just under the limit', async () => {
    const query = '{ whoami { tenant } } #';
    const padding = 2048 - JSON.stringify({ query }).length;
    const response = await h.post({ query: query + 'x'.repeat(padding) });
    expect(response.status).toBe(200);
  });
});

describe('query depth and cost', () => {
  it('refuses a query nested deeper than the limit with QUERY_TOO_COMPLEX', async () => {
    const response = await h.post({ query: '{ items(first: 1) { child { child { child { n } } } } }' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as GraphQLBody;
    expect(body.errors[0]!.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', measure: 'depth', limit: 4, actual: 5 });
  });

  it('counts depth through fragments', async () => {
    const body = (await (
      await h.post({ query: '{ items(first: 1) { ...A } } fragment A on Item { child { child { child { n } } } }' })
    ).json()) as GraphQLBody;
    expect(body.errors[0]!.extensions).toMatchObject({ measure: 'depth', actual: 5 });
  });

  it('multiplies a list by its first argument, given as a variable', async () => {
    // items: 1 + 30 × (n: 1 + expensive: 10) = 331
    const response = await h.post({ query: 'query Costly($n: Int!) { items(first: $n) { n expensive } }', variables: { n: 30 } });
    expect(response.status).toBe(400);
    const body = (await response.json()) as GraphQLBody;
    expect(body.errors[0]!.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', measure: 'cost', limit: 200, actual: 331 });
  });

  it('runs the same query with a smaller page', async () => {
    const response = await h.post({ query: 'query Cheap($n: Int!) { items(first: $n) { n expensive } }', variables: { n: 3 } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: { items: unknown[] } }).data.items).toHaveLength(3);
  });

  it('applies the same limits to WebSocket operations', async () => {
    const sub = subscribe(h.wsClient(h.tokenFor.read), '{ items(first: 1) { child { child { child { n } } } } }');
    const end = (await sub.ended) as { error: { extensions: Record<string, unknown> }[] };
    expect(end.error[0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', measure: 'depth' });
  });
});

describe('malformed requests', () => {
  it('refuses batched operations with 400 and says why', async () => {
    const response = await h.post([{ query: '{ whoami { tenant } }' }, { query: '{ whoami { tenant } }' }]);
    expect(response.status).toBe(400);
    expect(((await response.json()) as GraphQLBody).errors[0]!.message).toMatch(/batched operations are not supported/);
  });

  it('refuses a body that is not JSON with 400', async () => {
    const response = await h.post('{"query": "{ whoami { tenant } }"');
    expect(response.status).toBe(400);
    expect(((await response.json()) as GraphQLBody).errors[0]!.message).toMatch(/not valid JSON/);
  });

  it('refuses a POST that is not application/json with 415', async () => {
    const response = await h.post('query=%7Bwhoami%7Btenant%7D%7D', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response.status).toBe(415);
  });

  it('blocks a GET query without a preflight header as a possible CSRF', async () => {
    const response = await fetch(`${h.url}?query=${encodeURIComponent('{ whoami { tenant } }')}`, {
      headers: { authorization: `Bearer ${h.tokenFor.read}` },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as GraphQLBody).errors[0]!.message).toMatch(/Cross-Site Request Forgery/);
  });

  it('allows the same GET query with a preflight header', async () => {
    const response = await fetch(`${h.url}?query=${encodeURIComponent('{ whoami { tenant } }')}`, {
      headers: { authorization: `Bearer ${h.tokenFor.read}`, 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(200);
  });

  it('answers 404 outside /graphql', async () => {
    expect((await fetch(`${h.origin}/nope`)).status).toBe(404);
  });
});

describe('introspection', () => {
  const introspect = { query: '{ __schema { queryType { name } } }' };

  it('is on outside production', async () => {
    const body = (await (await h.post(introspect)).json()) as { data: unknown };
    expect(body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('is off in production unless enabled', async () => {
    const production = await startStandInServer({ env: { NODE_ENV: 'production' } });
    const enabled = await startStandInServer({ env: { NODE_ENV: 'production', COURTSHIP_INTROSPECTION: 'on' } });
    try {
      const refused = (await (await production.post(introspect)).json()) as GraphQLBody;
      expect(refused.errors[0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      const allowed = (await (await enabled.post(introspect)).json()) as { data: unknown };
      expect(allowed.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    } finally {
      await production.close();
      await enabled.close();
    }
  });
});
