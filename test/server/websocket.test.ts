import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { startStandInServer, subscribe, type StandInServer } from './support/stand-in-server.js';

let h: StandInServer;
beforeAll(async () => {
  h = await startStandInServer({ keepAliveMs: 20 });
});
afterAll(() => h?.close());

describe('the WebSocket endpoint', () => {
  it('shares the HTTP port and path, and pings idle clients to keep the link alive', async () => {
    const socket = new WebSocket(h.wsUrl, 'graphql-transport-ws');
    try {
      await once(socket, 'open');
      expect(socket.protocol).toBe('graphql-transport-ws');
      // A peer that answers (ws pongs by itself) stays connected ping after ping.
      for (let i = 0; i < 3; i++) await once(socket, 'ping');
      expect(socket.readyState).toBe(WebSocket.OPEN);
    } finally {
      socket.close();
    }
  });

  it('drops a peer that stops answering the pings', async () => {
    const socket = new WebSocket(h.wsUrl, 'graphql-transport-ws', { autoPong: false });
    await once(socket, 'open');
    await once(socket, 'ping');
    // Terminated (no close frame): the close code is 1006, abnormal closure.
    const [code] = (await once(socket, 'close')) as [number];
    expect(code).toBe(1006);
  });

  it('disconnects a subscriber that fell behind with a clear close reason, after telling it where to resume', async () => {
    const closes: { code: number; reason: string }[] = [];
    const client = h.wsClient(h.tokenFor.read, ({ code, reason }) => closes.push({ code, reason }));
    const other = subscribe(client, 'subscription { ping }');
    const overflowing = subscribe(client, 'subscription { overflowing }');
    const ended = await overflowing.ended;
    expect(overflowing.received).toEqual([{ data: { overflowing: 1 } }]);
    expect(ended).toEqual({
      error: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'SUBSCRIBER_OVERFLOW', lastCursor: expect.any(String) }) })],
    });
    // The socket is what is not keeping up: it is closed, with the reason, and the other subscription on it ends too.
    await vi.waitFor(() => expect(closes).toEqual([{ code: 4413, reason: 'subscriber overflow: resubscribe with after = your last cursor' }]));
    expect(await other.ended).toEqual({ error: expect.objectContaining({ code: 4413 }) });
  });

});
