import { describe, expect, it } from 'vitest';
import { startHarness, subscribe } from './support/harness.js';
import { nextListener, pings, slowGate } from './support/schema.js';

describe('graceful shutdown', () => {
  it('completes open subscriptions, lets an in-flight request finish, then runs the close hooks', async () => {
    const order: string[] = [];
    const h = await startHarness({ onClose: [() => void order.push('store closed')] });
    try {
      const reached = nextListener(pings, 'ping');
      const sub = subscribe(h.wsClient(h.tokenFor.read), 'subscription { ping }');
      await reached;
      pings.emit('ping', 1);
      await sub.first;

      slowGate.reset();
      const inFlight = h.post({ query: '{ slow }' });
      await slowGate.started.promise;

      const closing = h.server.close().then(() => order.push('closed'));
      // The subscription ends with `complete`, not with an error or a dropped socket.
      expect(await sub.ended).toEqual({ completed: true });
      order.push('subscription completed');

      slowGate.release.resolve();
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { slow: 'done' } });

      await closing;
      expect(order).toEqual(['subscription completed', 'store closed', 'closed']);
      await expect(fetch(`${h.origin}/healthz`)).rejects.toThrow();
    } finally {
      slowGate.release.resolve();
      await h.close();
    }
  });
});
