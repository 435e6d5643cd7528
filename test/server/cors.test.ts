import { afterEach, describe, expect, it } from 'vitest';
import { startStandInServer, type StandInServer } from './support/stand-in-server.js';

let h: StandInServer | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const preflight = (h: StandInServer, origin: string) =>
  fetch(h.url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });

describe('browser frontends on another origin', () => {
  it('get no CORS headers unless their origin is allowed', async () => {
    h = await startStandInServer();
    const response = await preflight(h, 'https://board.example.com');
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('pass the preflight and read answers when COURTSHIP_CORS_ORIGINS names their origin', async () => {
    h = await startStandInServer({ env: { COURTSHIP_CORS_ORIGINS: 'https://board.example.com, https://other.example.com' } });
    const ok = await preflight(h, 'https://board.example.com');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://board.example.com');
    expect(ok.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(ok.headers.get('access-control-allow-credentials')).toBeNull();

    const answer = await fetch(h.url, {
      method: 'POST',
      headers: { origin: 'https://board.example.com', 'content-type': 'application/json', authorization: `Bearer ${h.tokenFor.read}` },
      body: JSON.stringify({ query: '{ whoami { tenant } }' }),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://board.example.com');

    const stranger = await preflight(h, 'https://evil.example.com');
    expect(stranger.status).toBe(403);
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });
});
