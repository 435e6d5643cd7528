/**
 * A cursor past the end of the log is a client's mistake: a subscription's
 * `after` is refused the way `consistentWith` is (POSITION_NOT_IN_LOG), not
 * accepted to wait silently until the log grows past it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePosition } from '../../../src/store/port.js';
import { datingEvents } from '../support/courtship.js';
import { APPEND, gqlOk } from '../support/gql.js';
import { startServer, type E2EServer } from '../support/server.js';
import { PHASE_CHANGED, record, wsClient, type WsClient } from '../support/ws.js';

let server: E2EServer;
let reader: string;
let head: bigint;
const clients: WsClient[] = [];

beforeAll(async () => {
  server = await startServer();
  const writer = server.token('acme');
  reader = server.token('acme', ['read']);
  await gqlOk(server.url, writer, APPEND, { id: 'r1', events: datingEvents('Acme', 'SMB') });
  head = (await server.app.store.headPosition())!;
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await server?.close();
});

const EVENTS = 'subscription($id: ID!, $after: String) { relationshipEvents(relationshipId: $id, after: $after) { type position } }';

describe('a subscription cursor past the end of the log', () => {
  it.each([
    ['relationshipEvents', EVENTS, { id: 'r1' }, ''],
    ['phaseChanged', PHASE_CHANGED, {}, ''],
    // A phase change's own cursor is its event's position and a rank: the position decides.
    ['phaseChanged (a ranked cursor)', PHASE_CHANGED, {}, '.1'],
  ])('is refused on %s with POSITION_NOT_IN_LOG', async (_name, query, variables, rank) => {
    const client = wsClient(server.wsUrl, reader);
    clients.push(client);
    const recording = record(client.client, query, { ...variables, after: `${encodePosition(head + 1000n)}${rank}` });
    // graphql-js answers a refused subscription with one result carrying the error, then graphql-ws completes it.
    expect(await recording.waitForEnd()).toEqual({ kind: 'complete' });
    expect(recording.items).toEqual([]);
    expect((recording.nextErrors[0] as { extensions: Record<string, unknown> }).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'after',
      reason: 'POSITION_NOT_IN_LOG',
    });
  });

  it('is accepted at the head with a ranked phase-change cursor', async () => {
    const client = wsClient(server.wsUrl, reader);
    clients.push(client);
    const changes = record(client.client, PHASE_CHANGED, { after: `${encodePosition(head)}.0` });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(changes.end).toBeNull();
    changes.stop();
  });

  it('is accepted at the head: the backlog is empty and the feed goes live', async () => {
    const client = wsClient(server.wsUrl, reader);
    clients.push(client);
    const events = record(client.client, EVENTS, { id: 'r1', after: encodePosition(head) });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events.end).toBeNull();
    events.stop();
  });
});
