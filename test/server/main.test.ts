import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The compiled entry point (`npm run build` first), as `npm start` runs it. */
const main = fileURLToPath(new URL('../../dist/server/main.js', import.meta.url));
let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'courtship-main-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Started {
  readonly child: ChildProcess;
  readonly banner: string;
  readonly url: string;
  readonly exited: Promise<number | null>;
}

/** Starts the server and resolves once its banner (which ends with the token lines, if any) is out. */
function start(): Promise<Started> {
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', COURTSHIP_DATA_DIR: dataDir, NODE_ENV: 'production', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      const url = /GraphQL API\s+(http:\/\/\S+)/.exec(stderr);
      if (url && stderr.endsWith('\n\n')) resolve({ child, banner: stderr, url: url[1]!, exited });
    });
    void exited.then((code) => reject(new Error(`the server exited with ${code} before starting:\n${stderr}`)));
  });
}

describe('node dist/server/main.js', () => {
  it('prints where it listens and what it uses, with a first admin token, and stops cleanly on SIGTERM', async () => {
    const server = await start();
    expect(server.banner).toContain('Store           sqlite');
    expect(server.banner).toContain(`Data directory  ${dataDir}`);
    expect(server.banner).toContain(path.join(dataDir, 'auth.sqlite'));
    const token = /^\s+(cs_[A-Za-z0-9_-]{43})$/m.exec(server.banner)?.[1];
    expect(token).toBeDefined();

    const origin = new URL(server.url).origin;
    expect((await fetch(`${origin}/readyz`)).status).toBe(200);
    const anonymous = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(anonymous.status).toBe(401);
    const authenticated = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await authenticated.json()).toEqual({ data: { __typename: 'Query' } });

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('does not create or print a token on later starts', async () => {
    const server = await start();
    expect(server.banner).not.toMatch(/cs_/);
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
  });
});
