import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const asBrowser = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('the GraphQL IDE', () => {
  it('is served at /graphql to a browser, as one self-contained page', async () => {
    h = await startHarness();
    const response = await fetch(h.url, { headers: asBrowser });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('<textarea id="query"');
    expect(html).toContain('graphql-transport-ws');
    // Offline: nothing is fetched from elsewhere.
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<(link|img|iframe)\b/i);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/@import|url\(/i);
  });

  it('only runs its own inline code (Content-Security-Policy)', async () => {
    h = await startHarness();
    const csp = (await fetch(h.url, { headers: asBrowser })).headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
  });

  it('is off in production', async () => {
    h = await startHarness({ env: { NODE_ENV: 'production' } });
    const response = await fetch(h.url, { headers: asBrowser });
    expect(response.status).toBe(404);
    expect(await response.text()).toMatch(/COURTSHIP_IDE=on/);
  });

  it('can be turned on in production with COURTSHIP_IDE=on', async () => {
    h = await startHarness({ env: { NODE_ENV: 'production', COURTSHIP_IDE: 'on' } });
    expect((await fetch(h.url, { headers: asBrowser })).status).toBe(200);
  });
});
