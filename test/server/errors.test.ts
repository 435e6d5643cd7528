import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandInServer, subscribe, type StandInServer } from './support/stand-in-server.js';

type GraphQLBody = { data?: unknown; errors: { message: string; path?: string[]; extensions: Record<string, unknown> }[] };

describe('errors outside development', () => {
  let h: StandInServer;
  beforeAll(async () => {
    h = await startStandInServer({ env: { NODE_ENV: 'production', COURTSHIP_INTROSPECTION: 'on' } });
  });
  afterAll(() => h?.close());

  it('hides an unexpected error behind INTERNAL_SERVER_ERROR, without its message or stack', async () => {
    const body = (await (await h.post({ query: '{ boom }' })).json()) as GraphQLBody;
    expect(body.errors).toEqual([{ message: 'Internal server error', path: ['boom'], locations: expect.any(Array), extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expect(JSON.stringify(body)).not.toMatch(/SQLITE|secret\/path|stacktrace/);
  });

  it('still logs the real error for the operator', async () => {
    await h.post({ query: '{ boom }' });
    const logged = h.logs().find((line) => line.msg === 'unexpected error');
    expect(JSON.stringify(logged)).toMatch(/SQLITE_CORRUPT/);
  });

  it('keeps a coded error with its code, field and reason, and no stack', async () => {
    const body = (await (await h.post({ query: '{ refuse }' })).json()) as GraphQLBody;
    expect(body.errors[0]!.message).toBe('the phase is not one of ours');
    expect(body.errors[0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'filter.phase', reason: 'UNKNOWN_PHASE' });
  });

  it('reports a syntax error as GRAPHQL_PARSE_FAILED with HTTP 400', async () => {
    const response = await h.post({ query: '{ whoami { ' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as GraphQLBody;
    expect(body.errors[0]!.extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
  });

  it('formats subscription errors the same way over WebSocket', async () => {
    const sub = subscribe(h.wsClient(h.tokenFor.read), '{ boom }');
    await sub.ended;
    expect(sub.received).toEqual([
      { data: null, errors: [expect.objectContaining({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } })] },
    ]);
  });

  it('refuses an invalid operation over WebSocket with GRAPHQL_VALIDATION_FAILED', async () => {
    const sub = subscribe(h.wsClient(h.tokenFor.read), 'subscription { nope }');
    const end = (await sub.ended) as { error: { extensions: Record<string, unknown> }[] };
    expect(end.error[0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('errors in development', () => {
  let h: StandInServer;
  beforeAll(async () => {
    h = await startStandInServer({ env: { NODE_ENV: 'development' } });
  });
  afterAll(() => h?.close());

  it('shows the real message and the stack trace to help the developer', async () => {
    const body = (await (await h.post({ query: '{ boom }' })).json()) as GraphQLBody;
    expect(body.errors[0]!.message).toMatch(/SQLITE_CORRUPT/);
    expect(body.errors[0]!.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(body.errors[0]!.extensions.stacktrace).toEqual(expect.arrayContaining([expect.stringMatching(/at /)]));
  });
});

describe('field suggestions', () => {
  let production: StandInServer;
  let development: StandInServer;
  beforeAll(async () => {
    production = await startStandInServer({ env: { NODE_ENV: 'production' } });
    development = await startStandInServer({ env: { NODE_ENV: 'development' } });
  });
  afterAll(async () => {
    await production?.close();
    await development?.close();
  });
  const typo = { query: '{ whoami { tenan } }' };

  it('are left out where introspection is off, over HTTP and WebSocket', async () => {
    const body = (await (await production.post(typo)).json()) as GraphQLBody;
    expect(body.errors[0]!.message).toBe('Cannot query field "tenan" on type "Me".');
    expect(body.errors[0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const sub = subscribe(production.wsClient(production.tokenFor.read), typo.query);
    const end = (await sub.ended) as { error: { message: string }[] };
    expect(end.error[0]!.message).not.toMatch(/Did you mean/);
  });

  it('are kept where introspection is on', async () => {
    const body = (await (await development.post(typo)).json()) as GraphQLBody;
    expect(body.errors[0]!.message).toMatch(/Did you mean "tenant"\?/);
  });
});
