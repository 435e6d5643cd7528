import { afterEach, describe, expect, it } from 'vitest';
import { startStandInServer, type StandInServer } from './support/stand-in-server.js';

let h: StandInServer | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const asBrowser = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

/** The page and every script and style it loads from this server. */
async function pageWithAssets(origin: string, path: string): Promise<{ html: string; assets: string[] }> {
  const html = await (await fetch(`${origin}${path}`, { headers: asBrowser })).text();
  const names = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  const assets = await Promise.all(names.map(async (name) => (await fetch(`${origin}${name}`)).text()));
  return { html, assets };
}

describe('the GraphQL IDE (GraphiQL)', () => {
  it('is served at /graphql to a browser, bundled: no CDN, no inline script', async () => {
    h = await startStandInServer();
    const response = await fetch(h.url, { headers: asBrowser });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const { html, assets } = await pageWithAssets(h.origin, '/graphql');
    expect(html).toContain('id="graphiql"');
    expect(html).toContain('id="token"');
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/i);
    const bundle = assets.join('\n');
    expect(bundle).toContain('graphql-transport-ws');
    expect(bundle).toMatch(/graphiql-explorer|Explorer/);
    // Offline: no stylesheet or font pulled from elsewhere.
    expect(bundle).not.toMatch(/@import\s+url\(\s*["']?https?:/i);
    expect(bundle).not.toMatch(/url\(\s*["']?https?:/i);
  });

  it('only runs this server\'s own files and talks only to it (Content-Security-Policy)', async () => {
    h = await startStandInServer();
    const csp = (await fetch(h.url, { headers: asBrowser })).headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
  });

  it('is off in production', async () => {
    h = await startStandInServer({ env: { NODE_ENV: 'production' } });
    const response = await fetch(h.url, { headers: asBrowser });
    expect(response.status).toBe(404);
    expect(await response.text()).toMatch(/COURTSHIP_IDE=on/);
  });

  it('can be turned on in production with COURTSHIP_IDE=on', async () => {
    h = await startStandInServer({ env: { NODE_ENV: 'production', COURTSHIP_IDE: 'on' } });
    expect((await fetch(h.url, { headers: asBrowser })).status).toBe(200);
  });
});

describe('the pipeline page', () => {
  it('is served at /, in production too, with the same strict policy', async () => {
    h = await startStandInServer({ env: { NODE_ENV: 'production' } });
    const response = await fetch(`${h.origin}/`, { headers: asBrowser });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const { html, assets } = await pageWithAssets(h.origin, '/');
    expect(html).toContain('id="funnel-chart"');
    expect(html).not.toMatch(/https?:\/\//i);
    expect(assets.length).toBeGreaterThan(1);
    expect(assets.join('\n')).not.toMatch(/url\(\s*["']?https?:/i);
  });

  it('serves only built files under /assets/', async () => {
    h = await startStandInServer();
    for (const path of ['/assets/../package.json', '/assets/%2e%2e%2fpackage.json', '/assets/nothing.js', '/assets/']) {
      expect((await fetch(`${h.origin}${path}`)).status, path).toBe(404);
    }
  });
});
