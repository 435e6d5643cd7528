import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../../src/auth/token-store.js';

/** Runs the compiled CLI (`npm run build` first) the way `npx courtship` does. */
const bin = fileURLToPath(new URL('../../bin/courtship.js', import.meta.url));
let dataDir: string;

function courtship(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, COURTSHIP_DATA_DIR: dataDir },
    timeout: 20_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'courtship-cli-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('courtship token', () => {
  it('create prints a working token once, alone on stdout', () => {
    const run = courtship('token', 'create', '--tenant', 'acme', '--scopes', 'read,write', '--label', 'CRM sync');
    expect(run.code).toBe(0);
    const token = run.stdout.trim();
    expect(token).toMatch(/^cs_[A-Za-z0-9_-]{43}$/);
    expect(run.stderr).toMatch(/Created token tok_\w+ for tenant "acme" with scopes read, write/);

    const tokens = TokenStore.open(dataDir);
    try {
      expect(tokens.verify(token)).toMatchObject({ tenant: 'acme', scopes: ['read', 'write'] });
    } finally {
      tokens.close();
    }
  });

  it('list shows id, tenant, scopes and dates, never a secret', () => {
    const created = courtship('token', 'create', '--tenant', 'globex', '--scopes', 'admin').stdout.trim();
    const run = courtship('token', 'list');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ID\s+TENANT\s+SCOPES\s+CREATED\s+REVOKED\s+LABEL/);
    expect(run.stdout).toMatch(/tok_\w+\s+acme\s+read,write\s+\S+\s+-\s+CRM sync/);
    expect(run.stdout).toMatch(/tok_\w+\s+globex\s+admin/);
    expect(run.stdout).not.toContain(created);
    expect(run.stdout).not.toContain('cs_');
  });

  it('revoke revokes by id, and the token stops working', () => {
    const token = courtship('token', 'create', '--tenant', 'initech', '--scopes', 'read').stdout.trim();
    const listed = JSON.parse(courtship('token', 'list', '--json').stdout) as { id: string; tenant: string }[];
    const id = listed.find((info) => info.tenant === 'initech')!.id;

    const run = courtship('token', 'revoke', id);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Revoked token ${id}`);
    expect(courtship('token', 'revoke', id).stdout).toMatch(/already revoked/);

    const tokens = TokenStore.open(dataDir);
    try {
      expect(tokens.verify(token)).toBeNull();
    } finally {
      tokens.close();
    }
  });

  it('revoke of an unknown id fails with exit code 1', () => {
    const run = courtship('token', 'revoke', 'tok_000000000000');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no token with id "tok_000000000000"/);
  });
});

describe('the compiled entry point', () => {
  it('exits with 2 on bad usage', () => {
    const run = courtship('tokn');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown command "tokn"/);
  });

  it('--help lists the commands and exits 0', () => {
    const run = courtship('--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\s+token\s+create, list and revoke API tokens$/m);
  });
});
