/**
 * The server as operators run it: `node dist/server/main.js` in a child
 * process (built by `npm test`'s pretest step), so that it can be killed with
 * SIGKILL at any moment and started again on the same data dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Scope } from '../../../src/auth/scopes.js';
import { TokenStore } from '../../../src/auth/token-store.js';

export const DIST_MAIN = path.resolve(fileURLToPath(import.meta.url), '../../../../dist/server/main.js');

export function assertBuilt(): void {
  if (!fs.existsSync(DIST_MAIN)) throw new Error(`${DIST_MAIN} is missing: run \`npm run build\` first`);
}

/** A token in the data dir's token store, usable by any server started on it. */
export function createToken(dataDir: string, tenant: string, scopes: readonly Scope[] = ['read', 'write']): string {
  const tokens = TokenStore.open(dataDir);
  try {
    return tokens.create({ tenant, scopes }).token;
  } finally {
    tokens.close();
  }
}

export interface ChildServer {
  readonly url: string;
  readonly pid: number;
  readonly origin: string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Everything the child wrote to stderr so far (the startup banner, failures). */
  stderr(): string;
  /** Sends the signal and waits for the process to be gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Starts the server on a free loopback port (or `env.PORT`); resolves once it listens and reports ready
 * (projector caught up).
 */
export async function startChild(dataDir: string, timeoutMs = 20_000, env: Record<string, string> = {}): Promise<ChildServer> {
  assertBuilt();
  const child: ChildProcess = spawn(process.execPath, [DIST_MAIN], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', COURTSHIP_DATA_DIR: dataDir, LOG_LEVEL: 'info', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within ${timeoutMs} ms:\n${errors}`)), timeoutMs);
    void exited.then((code) => reject(new Error(`the server exited (${code}) before listening:\n${errors}`)));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'listening' && entry.url) {
          clearTimeout(timer);
          resolve(entry.url);
        }
      } catch {
        // Not a log line: ignore.
      }
    });
  });
  const origin = new URL(url).origin;
  const handle: ChildServer = {
    url,
    pid: child.pid!,
    origin,
    exited,
    stderr: () => errors,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  try {
    await waitReady(origin, timeoutMs);
  } catch (error) {
    await handle.kill('SIGKILL');
    throw error;
  }
  return handle;
}

/** Polls `/readyz` (bounded) until the store answers and the projector has caught up. */
export async function waitReady(origin: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const response = await fetch(`${origin}/readyz`);
    last = await response.text();
    if (response.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`not ready within ${timeoutMs} ms: ${last}`);
}
