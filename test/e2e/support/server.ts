/**
 * The real Courtship server, in process: SQLite in a temp data dir, a
 * ManualClock that tests move instead of sleeping, a free loopback port.
 * `restart()` closes it gracefully and starts it again on the same data dir,
 * which is what an operator's restart does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../../src/app/clock.js';
import type { Scope } from '../../../src/auth/scopes.js';
import { loadSettings } from '../../../src/config/settings.js';
import { startCourtship, type RunningCourtship } from '../../../src/server/courtship.js';
import { createLogger } from '../../../src/server/logger.js';

export interface E2EServer {
  readonly clock: ManualClock;
  readonly dataDir: string;
  /** The running composition root; replaced by `restart()`. */
  readonly app: RunningCourtship;
  readonly url: string;
  readonly wsUrl: string;
  /** A new bearer token for a tenant (tokens survive restarts: they live in the data dir). */
  token(tenant: string, scopes?: readonly Scope[]): string;
  /**
   * Graceful stop and start on the same data dir; resolves once the projector
   * has caught up. `whileStopped` runs in between (an operator's backup, restore or import).
   */
  restart(whileStopped?: () => void | Promise<void>): Promise<void>;
  /** The server's log lines at `warn` and above, parsed (kept across restarts). */
  logs(): Record<string, unknown>[];
  /** Stops the server and deletes the data dir. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** The ManualClock's start instant. */
  readonly now?: string;
  readonly env?: Record<string, string>;
}

export async function startServer(options: StartOptions = {}): Promise<E2EServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'courtship-e2e-'));
  const clock = new ManualClock(options.now ?? '2025-03-01T00:00:00Z');
  const lines: string[] = [];
  const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void lines.push(line) } });
  const boot = async () => {
    const settings = loadSettings({
      PORT: '0',
      HOST: '127.0.0.1',
      COURTSHIP_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      ...options.env,
    });
    const app = await startCourtship({ settings, logger, clock });
    await app.projector.catchUp(10_000);
    return app;
  };
  let app = await boot();
  let closed = false;

  const handle: E2EServer = {
    clock,
    dataDir,
    get app() {
      return app;
    },
    get url() {
      return app.server.url;
    },
    get wsUrl() {
      return app.server.url.replace(/^http/, 'ws');
    },
    logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    token: (tenant, scopes = ['read', 'write']) => app.tokens.create({ tenant, scopes }).token,
    async restart(whileStopped) {
      await app.close();
      await whileStopped?.();
      app = await boot();
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}
