/**
 * A Courtship server in its own process, for the sections that measure it
 * from outside (HTTP, fan-out, memory, soak): the bench process runs the
 * load generator, so the server under test gets a core of its own.
 *
 * Child side (this file run as a script): starts Courtship on the data dir in
 * COURTSHIP_DATA_DIR with a clock that starts at WORKLOAD_NOW and runs in real
 * time, waits for the projector to catch up, creates a write token for the
 * workload's tenant and reports `{ url, token, catchUpMs }` over IPC; closes
 * on a 'close' message.
 */
import 'reflect-metadata';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Clock } from '../app/clock.js';
import { loadSettings } from '../config/settings.js';
import { startCourtship } from '../server/courtship.js';
import { createLogger } from '../server/logger.js';
import { SERVER_NODE_FLAGS } from '../server/runtime-flags.js';
import { forkChild, reportReady, type Child } from './child.js';
import { WORKLOAD_NOW, WORKLOAD_TENANT } from './workload.js';

export interface ServerReady {
  readonly url: string;
  readonly token: string;
  /** How long the projector took to load and catch up on the existing log. */
  readonly catchUpMs: number;
}

/** Starts a server child on `dataDir`; `execArgv` e.g. ['--cpu-prof'] for profiling. */
export function startServerProcess(dataDir: string, execArgv: string[] = [], env: Record<string, string> = {}): Promise<Child<ServerReady>> {
  return forkChild<ServerReady>(
    fileURLToPath(import.meta.url),
    { COURTSHIP_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', NODE_ENV: 'production', ...env },
    // The flags `npm start` runs the server with.
    [...SERVER_NODE_FLAGS, ...execArgv],
  );
}

/** The same child, from another build's dist/ (a base to compare with): its own server-process.js. */
export function startServerProcessOf(dist: string, dataDir: string, env: Record<string, string> = {}): Promise<Child<ServerReady>> {
  return forkChild<ServerReady>(
    path.resolve(dist, 'bench/server-process.js'),
    { COURTSHIP_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', NODE_ENV: 'production', ...env },
    [...SERVER_NODE_FLAGS],
  );
}

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** WORKLOAD_NOW at start, then real time: the generated log is "just now" to the server. */
function workloadClock(): Clock {
  const offset = WORKLOAD_NOW - Date.now();
  return {
    now: () => Date.now() + offset,
    setTimer(at, fn) {
      let handle: NodeJS.Timeout;
      // Node's timers cap at ~24.8 days; longer waits are chained so a timer never fires early.
      const arm = (): void => {
        const wait = at - offset - Date.now();
        handle = wait > MAX_TIMEOUT_MS ? setTimeout(arm, MAX_TIMEOUT_MS) : setTimeout(fn, Math.max(0, wait));
        handle.unref();
      };
      arm();
      return () => clearTimeout(handle);
    },
  };
}

async function serve(): Promise<void> {
  const settings = loadSettings(process.env, process.cwd());
  const started = Date.now();
  const app = await startCourtship({ settings, logger: createLogger({ level: 'silent' }), clock: workloadClock() });
  await app.projector.catchUp(60 * 60 * 1000);
  const catchUpMs = Date.now() - started;
  const { token } = app.tokens.create({ tenant: WORKLOAD_TENANT, scopes: ['write'], label: 'bench' });
  reportReady<ServerReady>({ url: app.server.url, token, catchUpMs }, () => app.close());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  serve().catch((error: unknown) => {
    process.stderr.write(`bench server: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
