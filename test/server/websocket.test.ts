import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startHarness, type Harness } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ keepAliveMs: 20 });
});
afterAll(() => h?.close());

describe('the WebSocket endpoint', () => {
  it('shares the HTTP port and path, and pings idle clients to keep the link alive', async () => {
    const socket = new WebSocket(h.wsUrl, 'graphql-transport-ws');
    try {
      await once(socket, 'open');
      expect(socket.protocol).toBe('graphql-transport-ws');
      await once(socket, 'ping');
    } finally {
      socket.close();
    }
  });

});
