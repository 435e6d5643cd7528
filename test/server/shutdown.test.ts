import { describe, expect, it } from 'vitest';
import { startStandInServer, subscribe } from './support/stand-in-server.js';
import { nextListener, pings, slowGate } from './support/schema.js';

describe('graceful shutdown', () => {
  it('closes subscribers with 1012 and no `complete`, lets an in-flight request finish, then runs the close hooks', async () => {
    const order: string[] = [];
    const closes: { code: number; reason: string }[] = [];
    const h = await startStandInServer({ onClose: [() => void order.push('store closed')] });
    try {
      const reached = nextListener(pings, 'ping');
      const sub = subscribe(
        h.wsClient(h.tokenFor.read, (event) => closes.push(event)),
        'subscription { ping }',
      );
      await reached;
      pings.emit('ping', 1);
      await sub.first;

      slowGate.reset();
      const inFlight = h.post({ query: '{ slow }' });
      await slowGate.started.promise;

      const closing = h.server.close().then(() => order.push('closed'));
      // A restart, not the end of the subscription: the socket closes with 1012 and `complete` never comes
      // (a client without retries sees the close as an error; one with retries reconnects).
      const ended = await sub.ended;
      expect(ended).not.toEqual({ completed: true });
      expect(ended).toEqual({ error: expect.objectContaining({ code: 1012 }) });
      expect(closes).toEqual([expect.objectContaining({ code: 1012, reason: expect.stringMatching(/restart/) })]);
      order.push('subscriber disconnected');

      slowGate.release.resolve();
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { slow: 'done' } });

      await closing;
      expect(order).toEqual(['subscriber disconnected', 'store closed', 'closed']);
      await expect(fetch(`${h.origin}/healthz`)).rejects.toThrow();
    } finally {
      slowGate.release.resolve();
      await h.close();
    }
  });
});
