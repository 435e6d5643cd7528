/**
 * The real HTTP and WebSocket server around a stand-in schema (schema.ts):
 * for the tests of the server itself (limits, auth, CORS, shutdown…), not
 * of Courtship's API. Courtship's own schema in process is
 * test/support/graphql.ts; the whole product over HTTP is test/e2e/support.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';
import { TokenStore } from '../../../src/auth/token-store.js';
import { loadSettings } from '../../../src/config/settings.js';
import { createServer, type CourtshipServer, type CreateServerOptions } from '../../../src/server/create-server.js';
import { createLogger } from '../../../src/server/logger.js';
import { testSchema } from './schema.js';

export interface StandInServer {
  readonly server: CourtshipServer;
  readonly url: string;
  readonly wsUrl: string;
  readonly origin: string;
  readonly tokens: TokenStore;
  readonly dataDir: string;
  readonly tokenFor: { read: string; write: string; admin: string };
  /** Every log line written so far, parsed. */
  logs(): Record<string, unknown>[];
  /** Raw log output, to search for leaked secrets. */
  rawLogs(): string;
  /** POST a GraphQL operation as JSON. */
  post(body: unknown, init?: { token?: string | null; headers?: Record<string, string> }): Promise<Response>;
  /** A graphql-ws client; `upgradeHeaders` go on its upgrade request (as server-to-server clients send them). */
  wsClient(token: string | null, onClosed?: (event: { code: number; reason: string }) => void, upgradeHeaders?: Record<string, string>): Client;
  close(): Promise<void>;
}

export interface StandInServerOptions extends Partial<Pick<CreateServerOptions, 'readiness' | 'onClose' | 'revocationPollMs' | 'keepAliveMs'>> {
  /** Environment variables for loadSettings (PORT defaults to 0 here). */
  readonly env?: Record<string, string>;
}

/** Starts the real server on a free port over a temporary data directory. */
export async function startStandInServer(options: StandInServerOptions = {}): Promise<StandInServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'courtship-server-'));
  const settings = loadSettings({ PORT: '0', HOST: '127.0.0.1', COURTSHIP_DATA_DIR: dataDir, ...options.env });
  const tokens = TokenStore.open(dataDir);
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  const server = await createServer({
    schema: await testSchema(),
    settings,
    tokens,
    logger,
    readiness: options.readiness,
    onClose: options.onClose,
    revocationPollMs: options.revocationPollMs ?? 50,
    keepAliveMs: options.keepAliveMs,
  });
  const tokenFor = {
    read: tokens.create({ tenant: 'acme', scopes: ['read'] }).token,
    write: tokens.create({ tenant: 'acme', scopes: ['write'] }).token,
    admin: tokens.create({ tenant: 'globex', scopes: ['admin'] }).token,
  };
  const clients: Client[] = [];
  const origin = `http://127.0.0.1:${server.port}`;

  return {
    server,
    url: `${origin}/graphql`,
    wsUrl: `ws://127.0.0.1:${server.port}/graphql`,
    origin,
    tokens,
    dataDir,
    tokenFor,
    logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    rawLogs: () => lines.join(''),
    post(body, init = {}) {
      const token = init.token === undefined ? tokenFor.read : init.token;
      return fetch(`${origin}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          ...init.headers,
        },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    },
    wsClient(token, onClosed, upgradeHeaders) {
      const client = createClient({
        url: `ws://127.0.0.1:${server.port}/graphql`,
        webSocketImpl:
          upgradeHeaders === undefined
            ? WebSocket
            : class extends WebSocket {
                constructor(address: string, protocols?: string | string[]) {
                  super(address, protocols, { headers: upgradeHeaders });
                }
              },
        connectionParams: token === null ? {} : { authorization: `Bearer ${token}` },
        retryAttempts: 0,
        lazy: true,
        on: onClosed ? { closed: (event) => onClosed(event as { code: number; reason: string }) } : {},
      });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((client) => client.dispose()));
      await server.close();
      tokens.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Collects a subscription's events and its end (complete or error) as promises. */
export function subscribe(client: Client, query: string) {
  const received: unknown[] = [];
  let resolveFirst!: () => void;
  const first = new Promise<void>((resolve) => (resolveFirst = resolve));
  const ended = new Promise<{ completed: true } | { error: unknown }>((resolve) => {
    client.subscribe(
      { query },
      {
        next: (value) => {
          received.push(value);
          resolveFirst();
        },
        error: (error) => resolve({ error }),
        complete: () => resolve({ completed: true }),
      },
    );
  });
  return { received, first, ended };
}
