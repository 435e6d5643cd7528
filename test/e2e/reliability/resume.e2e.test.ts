/**
 * A subscriber that drops off in the middle of a burst of writes, across a
 * server restart, and comes back with its last cursor while writes are still
 * arriving, ends up with every phase change exactly once, in log order: its
 * two sessions' cursors, concatenated, are the full phase-change list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datingEvents, perform, wedding } from '../support/courtship.js';
import { APPEND, gqlOk } from '../support/gql.js';
import { startServer, type E2EServer } from '../support/server.js';
import { PHASE_CHANGED, record, wsClient, type PhaseChangeJson } from '../support/ws.js';

const RELATIONSHIPS = 6;
const ids = Array.from({ length: RELATIONSHIPS }, (_, i) => `burst-${i}`);

let server: E2EServer;
let token: string;

beforeAll(async () => {
  server = await startServer({ now: '2025-03-01T00:00:00Z' });
  token = server.token('acme');
});
afterAll(() => server?.close());

/** The first steps of every wedding, or the rest, all relationships at once; plus one whole courtship in one batch. */
function burst(steps: 'first' | 'rest', batchId: string): Promise<unknown> {
  const slice = (id: string) => (steps === 'first' ? wedding(id, 'SMB').slice(0, 6) : wedding(id, 'SMB').slice(6));
  const batch = [
    ...datingEvents(batchId, 'SMB', '2025-02-20'),
    { type: 'ExclusivityGranted', occurredAt: '2025-02-21T00:00:00Z', actor: 'PROSPECT' },
    { type: 'ProposalSubmitted', occurredAt: '2025-02-22T00:00:00Z', actor: 'VENDOR', data: { proposalId: 'p' } },
    { type: 'ContractSigned', occurredAt: '2025-02-23T00:00:00Z', actor: 'PROSPECT', data: { contractId: 'c' } },
  ];
  return Promise.all([...ids.map((id) => perform(server.url, token, id, slice(id))), gqlOk(server.url, token, APPEND, { id: batchId, events: batch })]);
}

describe('resuming across a disconnect and a restart', () => {
  it('misses nothing and repeats nothing', { timeout: 60_000 }, async () => {
    const [start] = await perform(server.url, token, 'first', [['openRelationship', { accountName: 'First', occurredAt: '2025-02-01T00:00:00Z' }]]);

    const firstClient = wsClient(server.wsUrl, token);
    const firstSession = record<PhaseChangeJson>(firstClient.client, PHASE_CHANGED, { after: start });
    const writing = burst('first', 'batch-1');
    await firstSession.waitForCount(2);
    await firstClient.dispose();
    await writing;

    await server.restart();
    const rest = burst('rest', 'batch-2');
    const lastCursor = firstSession.items.at(-1)!.cursor;
    const secondClient = wsClient(server.wsUrl, token);
    const secondSession = record<PhaseChangeJson>(secondClient.client, PHASE_CHANGED, { after: lastCursor });
    await rest;

    // The full list, independently: every relationship's phase history, each change named by its causing event's position.
    const { relationships } = await gqlOk(server.url, token, `{ relationships(first: 100) { edges { node { phaseHistory { cause { position } } } } } }`);
    const expected: string[] = relationships.edges.flatMap((e: any) => e.node.phaseHistory.map((t: any) => t.cause.position));
    expect(expected).toHaveLength(RELATIONSHIPS * 4 + 2 * 4);

    try {
      await secondSession.waitForCount(expected.length - firstSession.items.length);
      const reference = record<PhaseChangeJson>(secondClient.client, PHASE_CHANGED, { after: start });
      await reference.waitForCount(expected.length);

      const received = [...firstSession.items, ...secondSession.items].map((c) => c.cursor);
      expect(new Set(received).size).toBe(received.length);
      expect(received).toEqual(reference.items.map((c) => c.cursor));
      expect(new Set([...firstSession.items, ...secondSession.items].map((c) => c.cause.position))).toEqual(new Set(expected));
      expect(secondSession.items.length).toBeGreaterThan(0);
      // A probe written after everything arrives right after the expected changes: nothing came twice.
      const missed = expected.length - firstSession.items.length;
      await gqlOk(server.url, token, APPEND, { id: 'probe-after', events: datingEvents('probe-after', 'SMB') });
      const withProbe = await secondSession.waitForCount(missed + 1);
      expect(withProbe.slice(missed).map((c) => c.relationshipId)).toEqual(['probe-after']);
    } finally {
      await secondClient.dispose();
    }
  });
});
