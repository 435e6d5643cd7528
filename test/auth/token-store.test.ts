import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/auth/secret.js';
import { TokenStore } from '../../src/auth/token-store.js';

let dataDir: string;
let tokens: TokenStore;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'courtship-tokens-'));
  tokens = TokenStore.open(dataDir);
});
afterEach(() => {
  tokens.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the token store', () => {
  it('creates a random token that verifies as its tenant and scopes', () => {
    const { token, info } = tokens.create({ tenant: 'acme', scopes: ['read', 'write'], label: 'CRM sync' });
    expect(token).toMatch(/^cs_[A-Za-z0-9_-]{43}$/);
    expect(tokens.verify(token)).toEqual({ tokenId: info.id, tenant: 'acme', scopes: ['read', 'write'] });
    expect(tokens.create({ tenant: 'acme', scopes: ['read'] }).token).not.toBe(token);
  });

  it('stores only the sha256 of the token, never the token itself', () => {
    const { token } = tokens.create({ tenant: 'acme', scopes: ['read'] });
    const db = new Database(path.join(dataDir, 'auth.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT * FROM tokens').all() as { hash: string }[];
    db.close();
    expect(rows[0]!.hash).toBe(hashToken(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    for (const file of readdirSync(dataDir)) expect(readFileSync(path.join(dataDir, file)).includes(token)).toBe(false);
  });

  it('lists tokens without secrets or hashes', () => {
    const { token } = tokens.create({ tenant: 'acme', scopes: ['admin'], label: 'ops' });
    const listed = tokens.list();
    expect(listed).toEqual([
      { id: expect.stringMatching(/^tok_/), tenant: 'acme', scopes: ['admin'], label: 'ops', createdAt: expect.any(String), revokedAt: null },
    ]);
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(JSON.stringify(listed)).not.toContain(hashToken(token));
  });

  it('refuses a revoked token and tells listeners once', () => {
    const { token, info } = tokens.create({ tenant: 'acme', scopes: ['read'] });
    const revoked: string[] = [];
    tokens.onRevoked((id) => revoked.push(id));
    expect(tokens.revoke(info.id)?.revokedAt).toEqual(expect.any(String));
    expect(tokens.revoke(info.id)?.revokedAt).toEqual(expect.any(String));
    expect(tokens.verify(token)).toBeNull();
    expect(tokens.isActive(info.id)).toBe(false);
    expect(revoked).toEqual([info.id]);
  });

  it('answers null when revoking an unknown id', () => {
    expect(tokens.revoke('tok_000000000000')).toBeNull();
  });

  it('refuses malformed tenants and garbage tokens', () => {
    expect(() => tokens.create({ tenant: 'Acme-Corp', scopes: ['read'] })).toThrow(/invalid tenant/);
    expect(() => tokens.create({ tenant: 'acme', scopes: [] })).toThrow(/scope/);
    expect(tokens.verify('not a token')).toBeNull();
  });

  it('creates the first-start admin token exactly once', () => {
    const first = tokens.ensureBootstrapToken();
    expect(first?.info).toMatchObject({ tenant: 'default', scopes: ['admin'] });
    expect(tokens.ensureBootstrapToken()).toBeNull();
    tokens.revoke(first!.info.id);
    // Revoking every token is not a first start: no new admin token appears behind the operator's back.
    expect(tokens.ensureBootstrapToken()).toBeNull();
  });

  it('notices a revocation made through another connection (the CLI)', async () => {
    const { info } = tokens.create({ tenant: 'acme', scopes: ['read'] });
    const seen = new Promise<string>((resolve) => tokens.onRevoked(resolve));
    const stop = tokens.watchRevocations(10);
    const cli = TokenStore.open(dataDir);
    cli.revoke(info.id);
    cli.close();
    expect(await seen).toBe(info.id);
    stop();
  });
});

describe('verified tokens while revocations are watched', () => {
  it('refuses a token another process revoked from the next event-loop turn on, before any poll', async () => {
    const { token, info } = tokens.create({ tenant: 'acme', scopes: ['read'] });
    const other = tokens.create({ tenant: 'acme', scopes: ['read'] });
    const stop = tokens.watchRevocations(60 * 60 * 1000);
    expect(tokens.verify(token)?.tokenId).toBe(info.id);
    expect(tokens.verify(other.token)?.tokenId).toBe(other.info.id);
    await nextTurn();
    const cli = TokenStore.open(dataDir);
    cli.revoke(info.id);
    cli.close();
    // The hourly poll has not run, but the file changed: the cache is not trusted.
    expect(tokens.verify(token)).toBeNull();
    expect(tokens.verify(other.token)?.tokenId).toBe(other.info.id);
    stop();
  });

  it('reads the file once per event-loop turn: a revocation by another process during a turn counts from the next one', async () => {
    const { token, info } = tokens.create({ tenant: 'acme', scopes: ['read'] });
    const stop = tokens.watchRevocations(60 * 60 * 1000);
    expect(tokens.verify(token)?.tokenId).toBe(info.id);
    const cli = TokenStore.open(dataDir);
    cli.revoke(info.id);
    cli.close();
    // Same turn as the check above: the requests it serves were read before the revocation.
    expect(tokens.verify(token)?.tokenId).toBe(info.id);
    await nextTurn();
    expect(tokens.verify(token)).toBeNull();
    stop();
  });

  it('refuses a token revoked through this store on its very next verification', () => {
    const { token, info } = tokens.create({ tenant: 'acme', scopes: ['read'] });
    const stop = tokens.watchRevocations(60 * 60 * 1000);
    expect(tokens.verify(token)).not.toBeNull();
    tokens.revoke(info.id);
    expect(tokens.verify(token)).toBeNull();
    stop();
  });

  it('refuses a token revoked by another process as soon as the poll has seen it', async () => {
    const { token, info } = tokens.create({ tenant: 'acme', scopes: ['read'] });
    const stop = tokens.watchRevocations(10);
    expect(tokens.verify(token)).not.toBeNull();
    const seen = new Promise<void>((resolve) => tokens.onRevoked((id) => id === info.id && resolve()));
    const cli = TokenStore.open(dataDir);
    cli.revoke(info.id);
    cli.close();
    await seen;
    expect(tokens.verify(token)).toBeNull();
    stop();
  });

  it('keeps refusing unknown tokens', () => {
    const stop = tokens.watchRevocations(60 * 60 * 1000);
    const unknown = 'cs_' + 'A'.repeat(43);
    expect(tokens.verify(unknown)).toBeNull();
    expect(tokens.verify(unknown)).toBeNull();
    stop();
  });
});

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
