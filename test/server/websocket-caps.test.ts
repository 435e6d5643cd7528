/**
 * A subscribe past the socket's cap is refused before its document is
 * parsed or validated: a hostile client flooding a socket with subscribes
 * (1,000 every few seconds in the soak's hostile phase) cost the server a
 * validation each, about a tenth of its CPU.
 */
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { startStandInServer, type StandInServer } from './support/stand-in-server.js';

let h: StandInServer;
beforeAll(async () => {
  h = await startStandInServer({ env: { COURTSHIP_WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '2' } });
});
afterAll(() => h?.close());

describe('a socket at its subscription cap', () => {
  it('refuses the next subscribe with TOO_MANY_SUBSCRIPTIONS before looking at its document', async () => {
    const socket = new WebSocket(h.wsUrl, 'graphql-transport-ws');
    const messages: { id?: string; type: string; payload?: any }[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
    await once(socket, 'open');
    try {
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${h.tokenFor.read}` } }));
      await vi.waitFor(() => expect(messages.map((m) => m.type)).toContain('connection_ack'));
      for (const id of ['a', 'b']) socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query: 'subscription { ping }' } }));
      await new Promise((resolve) => setTimeout(resolve, 100));

      socket.send(JSON.stringify({ id: 'c', type: 'subscribe', payload: { query: 'subscription { noSuchField }' } }));

      await vi.waitFor(() => expect(messages.find((m) => m.id === 'c')).toBeDefined());
      const refusal = messages.find((m) => m.id === 'c')!;
      expect(refusal.type).toBe('error');
      expect(refusal.payload[0].extensions).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', scope: 'socket', limit: 2 });
    } finally {
      socket.close();
    }
  });
});
