import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../../src/auth/token-store.js';
import { startStandInServer, subscribe, type StandInServer } from './support/stand-in-server.js';
import { nextListener, pings } from './support/schema.js';

let h: StandInServer;
beforeAll(async () => {
  h = await startStandInServer();
});
afterAll(() => h?.close());

const whoami = { query: '{ whoami { tenant scopes tokenId } }' };

async function errorOf(response: Response) {
  const body = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
  return body.errors[0]!;
}

describe('calling the API over HTTP', () => {
  it('answers a valid token with its tenant and scopes', async () => {
    const response = await h.post(whoami, { token: h.tokenFor.write });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { whoami: { tenant: string; scopes: string[] } } };
    expect(body.data.whoami).toMatchObject({ tenant: 'acme', scopes: ['write'] });
  });

  it('refuses a request without a token with 401 and UNAUTHENTICATED', async () => {
    const response = await h.post(whoami, { token: null });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const error = await errorOf(response);
    expect(error.extensions.code).toBe('UNAUTHENTICATED');
    expect(error.message).toMatch(/Authorization: Bearer/);
  });

  it('refuses an Authorization header that is not a bearer token', async () => {
    const response = await h.post(whoami, { token: null, headers: { authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' } });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses an unknown token', async () => {
    const response = await h.post(whoami, { token: 'cs_' + 'A'.repeat(43) });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a token revoked by another process (the CLI) once the revocation poll has seen it', async () => {
    const { token, info } = h.tokens.create({ tenant: 'acme', scopes: ['read'] });
    // Verified once, so the server holds it among its recently verified tokens.
    expect((await h.post(whoami, { token })).status).toBe(200);
    const seen = new Promise<void>((resolve) => h.tokens.onRevoked((id) => id === info.id && resolve()));
    const cli = TokenStore.open(h.dataDir);
    cli.revoke(info.id);
    cli.close();
    await seen;
    expect((await h.post(whoami, { token })).status).toBe(401);
  });

  it('marks every GraphQL answer as not to be stored by any cache', async () => {
    expect((await h.post(whoami)).headers.get('cache-control')).toBe('no-store');
    expect((await h.post({ query: '{ nope }' })).headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a revoked token on its very next request', async () => {
    const { token, info } = h.tokens.create({ tenant: 'acme', scopes: ['read'] });
    expect((await h.post(whoami, { token })).status).toBe(200);
    h.tokens.revoke(info.id);
    const response = await h.post(whoami, { token });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).message).toMatch(/revoked/);
  });
});

describe('scopes', () => {
  const writeNote = { query: 'mutation { writeNote(text: "hello") }' };

  it('forbids a read-only token a mutation that needs write', async () => {
    const response = await h.post(writeNote, { token: h.tokenFor.read });
    const body = (await response.json()) as { data: unknown; errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]!.extensions).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'write' });
    expect(body.data).toBeNull();
  });

  it('forbids a read-only token a field marked @Authorized("write")', async () => {
    const response = await h.post({ query: '{ whoami { tenant secret } }' }, { token: h.tokenFor.read });
    const body = (await response.json()) as { errors: { extensions: Record<string, unknown>; path: string[] }[] };
    expect(body.errors[0]!.extensions.code).toBe('FORBIDDEN');
    expect(body.errors[0]!.path).toEqual(['whoami', 'secret']);
  });

  it('lets a write token write, in its own tenant', async () => {
    const body = (await (await h.post(writeNote, { token: h.tokenFor.write })).json()) as { data: { writeNote: string } };
    expect(body.data.writeNote).toBe('noted for acme: hello');
  });

  it('lets an admin token do what a write token can (admin implies write)', async () => {
    const body = (await (await h.post(writeNote, { token: h.tokenFor.admin })).json()) as { data: { writeNote: string } };
    expect(body.data.writeNote).toBe('noted for globex: hello');
  });
});

describe('subscribing over WebSocket', () => {
  it('closes a connection without a token with 4401', async () => {
    let closed!: (event: { code: number; reason: string }) => void;
    const close = new Promise<{ code: number; reason: string }>((resolve) => (closed = resolve));
    const client = h.wsClient(null, closed);
    const { ended } = subscribe(client, 'subscription { ping }');
    expect(await close).toMatchObject({ code: 4401, reason: expect.stringMatching(/bearer token/) });
    expect(await ended).toHaveProperty('error');
  });

  it('closes a connection with an unknown token with 4401', async () => {
    let closed!: (event: { code: number; reason: string }) => void;
    const close = new Promise<{ code: number; reason: string }>((resolve) => (closed = resolve));
    subscribe(h.wsClient('cs_' + 'B'.repeat(43), closed), 'subscription { ping }');
    expect((await close).code).toBe(4401);
  });

  it('delivers events to a valid token', async () => {
    const reached = nextListener(pings, 'ping');
    const sub = subscribe(h.wsClient(h.tokenFor.read), 'subscription { ping }');
    await reached;
    pings.emit('ping', 7);
    await sub.first;
    expect(sub.received).toEqual([{ data: { ping: 7 } }]);
  });

  it('takes the token from the Authorization header of the upgrade request', async () => {
    const reached = nextListener(pings, 'ping');
    const sub = subscribe(h.wsClient(null, undefined, { authorization: `Bearer ${h.tokenFor.read}` }), 'subscription { ping }');
    await reached;
    pings.emit('ping', 8);
    await sub.first;
    expect(sub.received).toEqual([{ data: { ping: 8 } }]);
  });

  it('accepts the same token in the header and in connectionParams', async () => {
    const reached = nextListener(pings, 'ping');
    const sub = subscribe(h.wsClient(h.tokenFor.read, undefined, { authorization: `Bearer ${h.tokenFor.read}` }), 'subscription { ping }');
    await reached;
    pings.emit('ping', 9);
    await sub.first;
    expect(sub.received).toEqual([{ data: { ping: 9 } }]);
  });

  it('closes with 4401 when the header and connectionParams carry different tokens, both valid', async () => {
    let closed!: (event: { code: number; reason: string }) => void;
    const close = new Promise<{ code: number; reason: string }>((resolve) => (closed = resolve));
    subscribe(h.wsClient(h.tokenFor.read, closed, { authorization: `Bearer ${h.tokenFor.write}` }), 'subscription { ping }');
    expect(await close).toMatchObject({ code: 4401, reason: expect.stringMatching(/different tokens/) });
  });

  it('closes with 4401 for an unknown token in the header', async () => {
    let closed!: (event: { code: number; reason: string }) => void;
    const close = new Promise<{ code: number; reason: string }>((resolve) => (closed = resolve));
    subscribe(h.wsClient(null, closed, { authorization: `Bearer cs_${'C'.repeat(43)}` }), 'subscription { ping }');
    expect((await close).code).toBe(4401);
  });

  it('closes open subscriptions at once when their token is revoked', async () => {
    const { token, info } = h.tokens.create({ tenant: 'acme', scopes: ['read'] });
    let closed!: (event: { code: number; reason: string }) => void;
    const close = new Promise<{ code: number; reason: string }>((resolve) => (closed = resolve));
    const reached = nextListener(pings, 'ping');
    const sub = subscribe(h.wsClient(token, closed), 'subscription { ping }');
    await reached;
    pings.emit('ping', 1);
    await sub.first;

    h.tokens.revoke(info.id);
    expect(await close).toEqual(expect.objectContaining({ code: 4401, reason: 'token revoked' }));
    expect(await sub.ended).toHaveProperty('error');
  });

  it('closes open subscriptions when another process (the CLI) revokes the token', async () => {
    const { token, info } = h.tokens.create({ tenant: 'acme', scopes: ['read'] });
    let closed!: (event: { code: number; reason: string }) => void;
    const close = new Promise<{ code: number; reason: string }>((resolve) => (closed = resolve));
    const reached = nextListener(pings, 'ping');
    const sub = subscribe(h.wsClient(token, closed), 'subscription { ping }');
    await reached;
    pings.emit('ping', 2);
    await sub.first;

    // A separate connection to the same file, in another process, as `courtship token revoke` does.
    execFileSync(process.execPath, [
      '--input-type=module',
      '-e',
      `import Database from 'better-sqlite3';
       const db = new Database(process.argv[1] + '/auth.sqlite');
       db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ?').run(new Date().toISOString(), process.argv[2]);
       db.close();`,
      h.dataDir,
      info.id,
    ]);
    expect((await close).code).toBe(4401);
  });
});
