/**
 * A standard graphql-ws client with `retryAttempts` across a SIGTERM restart
 * of the real server process: the socket closes with 1012, the client
 * reconnects and resubscribes on its own, and with the README's few lines
 * (resubscribe from the last cursor received) it misses no change and sees
 * none twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApolloClient, ApolloLink, gql, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient, type Client } from 'graphql-ws';
import { tap } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { startChild, createToken, type ChildServer } from '../support/child-server.js';
import { perform } from '../support/courtship.js';
import { PHASE_CHANGED, type PhaseChangeJson } from '../support/ws.js';

let dataDir: string;
let token: string;
let child: ChildServer | undefined;
let client: Client | undefined;

/** The child runs on the system clock: recent instants, so no silence deadline fires meanwhile. */
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'courtship-restart-'));
  token = createToken(dataDir, 'acme');
});
afterEach(async () => {
  await client?.dispose();
  await child?.kill('SIGKILL');
  client = undefined;
  child = undefined;
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('a graphql-ws client with retryAttempts across a SIGTERM restart', () => {
  it('reconnects, resubscribes from its last cursor, and misses no change', async () => {
    const env = { PORT: String(await freePort()) };
    child = await startChild(dataDir, 20_000, env);
    const [opened] = await perform(child.url, token, 'acme-1', [
      ['openRelationship', { accountName: 'Acme', occurredAt: hoursAgo(5) }],
      ['signalInterest', { actor: 'VENDOR', occurredAt: hoursAgo(4) }],
      ['signalInterest', { actor: 'PROSPECT', occurredAt: hoursAgo(3) }],
    ]);

    // The test decides when the client may reconnect: after the change made while it was away.
    let allowReconnect!: () => void;
    const reconnectAllowed = new Promise<void>((resolve) => (allowReconnect = resolve));
    const closes: number[] = [];
    client = createClient({
      url: child.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 20,
      retryWait: async () => {
        await reconnectAllowed;
        await new Promise((resolve) => setTimeout(resolve, 100));
      },
      on: { closed: (event) => void closes.push((event as { code: number }).code) },
    });

    // The README's resume pattern: graphql-ws resends this same payload on every resubscription.
    const variables: { relationshipId: string; after: string | null } = { relationshipId: 'acme-1', after: opened! };
    const received: PhaseChangeJson[] = [];
    let completed = false;
    client.subscribe<{ phaseChanged: PhaseChangeJson }>(
      { query: PHASE_CHANGED, variables },
      {
        next: ({ data }) => {
          if (!data) return;
          received.push(data.phaseChanged);
          variables.after = data.phaseChanged.cursor;
        },
        error: () => undefined,
        complete: () => void (completed = true),
      },
    );
    await vi.waitFor(() => expect(received.map((c) => c.to)).toEqual(['DATING']), { timeout: 10_000 });

    await child.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    expect(closes[0]).toBe(1012);

    child = await startChild(dataDir, 20_000, env);
    // Changes while the client is away: it must get them on resubscribing.
    await perform(child.url, token, 'acme-1', [['grantExclusivity', { occurredAt: hoursAgo(2) }]]);
    allowReconnect();
    await vi.waitFor(() => expect(received.map((c) => c.to)).toEqual(['DATING', 'EXCLUSIVE']), { timeout: 15_000 });
    // And the ones after it reconnected, live.
    await perform(child.url, token, 'acme-1', [['submitProposal', { proposalId: 'p1', occurredAt: hoursAgo(1) }]]);
    await vi.waitFor(() => expect(received.map((c) => c.to)).toEqual(['DATING', 'EXCLUSIVE', 'PROPOSED']), { timeout: 10_000 });

    expect(completed).toBe(false);
    expect(new Set(received.map((c) => c.cursor)).size).toBe(received.length);
  }, 60_000);

  it("does the same through Apollo's GraphQLWsLink, with the README's resume link", async () => {
    const env = { PORT: String(await freePort()) };
    child = await startChild(dataDir, 20_000, env);
    const [opened] = await perform(child.url, token, 'acme-2', [
      ['openRelationship', { accountName: 'Acme Two', occurredAt: hoursAgo(5) }],
      ['signalInterest', { actor: 'VENDOR', occurredAt: hoursAgo(4) }],
      ['signalInterest', { actor: 'PROSPECT', occurredAt: hoursAgo(3) }],
    ]);
    let allowReconnect!: () => void;
    const reconnectAllowed = new Promise<void>((resolve) => (allowReconnect = resolve));
    client = createClient({
      url: child.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 20,
      retryWait: async () => {
        await reconnectAllowed;
        await new Promise((resolve) => setTimeout(resolve, 100));
      },
    });

    // As in the README: graphql-ws resends the payload on every resubscription, so `after` reads the last cursor.
    const resumeFromLastCursor = new ApolloLink((operation, forward) => {
      let after = operation.variables['after'];
      operation.variables = { ...operation.variables, get after() { return after; } };
      return forward(operation).pipe(tap(({ data }) => (after = (Object.values(data ?? {})[0] as { cursor?: string })?.cursor ?? after)));
    });
    const apollo = new ApolloClient({ link: ApolloLink.from([resumeFromLastCursor, new GraphQLWsLink(client)]), cache: new InMemoryCache() });

    const received: PhaseChangeJson[] = [];
    let completed = false;
    const subscription = apollo
      .subscribe({
        query: gql`
          subscription Changes($relationshipId: ID, $after: String) {
            phaseChanged(relationshipId: $relationshipId, after: $after) { relationshipId from to at cursor cause { kind eventType rule } }
          }
        `,
        variables: { relationshipId: 'acme-2', after: opened },
      })
      .subscribe({
        next: ({ data }) => void (data && received.push((data as { phaseChanged: PhaseChangeJson }).phaseChanged)),
        complete: () => void (completed = true),
      });
    try {
      await vi.waitFor(() => expect(received.map((c) => c.to)).toEqual(['DATING']), { timeout: 10_000 });
      await child.kill('SIGTERM');
      child = await startChild(dataDir, 20_000, env);
      await perform(child.url, token, 'acme-2', [['grantExclusivity', { occurredAt: hoursAgo(2) }]]);
      allowReconnect();
      await vi.waitFor(() => expect(received.map((c) => c.to)).toEqual(['DATING', 'EXCLUSIVE']), { timeout: 15_000 });
      expect(completed).toBe(false);
    } finally {
      subscription.unsubscribe();
    }
  }, 60_000);
});
