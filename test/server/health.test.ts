import { afterEach, describe, expect, it } from 'vitest';
import { checkReadiness } from '../../src/server/health.js';
import { startStandInServer, type StandInServer } from './support/stand-in-server.js';

let h: StandInServer | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('health endpoints', () => {
  it('/healthz answers 200 while the process is up, without a token', async () => {
    h = await startStandInServer();
    const response = await fetch(`${h.origin}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('/readyz answers 200 with the details when the readiness check passes', async () => {
    h = await startStandInServer({ readiness: async () => ({ ready: true, details: { store: 'sqlite', lag: 0 } }) });
    const response = await fetch(`${h.origin}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ready: true, details: { store: 'sqlite', lag: 0 } });
  });

  it('/readyz answers 503 when the check says not ready', async () => {
    h = await startStandInServer({ readiness: async () => ({ ready: false, details: { lag: 1200 } }) });
    const response = await fetch(`${h.origin}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ ready: false, details: { lag: 1200 } });
  });

  it('/readyz answers 503 with the reason when the check throws', async () => {
    h = await startStandInServer({
      readiness: async () => {
        throw new Error('store unreachable');
      },
    });
    const response = await fetch(`${h.origin}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ ready: false, details: { error: 'store unreachable' } });
  });
});

describe('readiness while shutting down', () => {
  it('is not ready once draining has begun, whatever the check says', async () => {
    expect(await checkReadiness(async () => ({ ready: true, details: {} }), true)).toEqual({
      ready: false,
      details: { shuttingDown: true },
    });
  });
});
