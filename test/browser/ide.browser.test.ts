/**
 * The GraphQL IDE (GraphiQL) in a real Chromium against the real server:
 * the token field authenticates queries, completion and the explorer know
 * the schema, a subscription streams over graphql-ws, and nothing is
 * fetched from elsewhere. Skipped, saying so, when /usr/bin/chromium is absent.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, startChild, type ChildServer } from '../e2e/support/child-server.js';
import { gql } from '../e2e/support/gql.js';
import { chromiumAvailable, CHROMIUM, launchChromium, type Browser } from './chromium.js';

if (!chromiumAvailable) {
  console.warn(`Browser tests SKIPPED: ${CHROMIUM} not found. Install Debian's Chromium: apt-get install -y chromium`);
}

describe.skipIf(!chromiumAvailable)('the GraphQL IDE in Chromium', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-ide-'));
  let server: ChildServer;
  let browser: Browser;
  let page: Page;
  let token: string;
  const requested: string[] = [];

  const editor = () => page.locator('.graphiql-query-editor .CodeMirror').first();
  const setQuery = async (text: string) => {
    await editor().evaluate((element, value) => (element as unknown as { CodeMirror: { setValue(v: string): void } }).CodeMirror.setValue(value), text);
  };
  const result = () => page.locator('.result-window').textContent();

  beforeAll(async () => {
    token = createToken(dataDir, 'default', ['read', 'write']);
    server = await startChild(dataDir);
    browser = await launchChromium();
    browser.context.on('request', (request) => requested.push(request.url()));
    page = await browser.context.newPage();
    page.on('websocket', (socket) => requested.push(socket.url()));
    await page.goto(`${server.origin}/graphql`);
    await page.locator('.graphiql-container').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs a query with the token typed in the token field', async () => {
    await page.fill('#token', token);
    await page.dispatchEvent('#token', 'change');
    await setQuery('query Me { whoami { tenant scopes } }');
    // GraphiQL reads the operation name from the editor after a debounce: on a loaded machine the
    // first click can still send the default document's name ("Pipeline"), so click until it answers.
    await expect
      .poll(
        async () => {
          await page.locator('.graphiql-execute-button').click();
          return result();
        },
        { timeout: 10_000, interval: 500 },
      )
      .toContain('"tenant": "default"');
  });

  it('completes field names from the schema', async () => {
    await setQuery('{ }');
    await editor().click();
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.type('cohortRe');
    await page.locator('.CodeMirror-hints').waitFor({ timeout: 10_000 });
    expect(await page.locator('.CodeMirror-hints').textContent()).toContain('cohortRetention');
  });

  it('has the query explorer, listing the schema\'s fields', async () => {
    await page.locator('[aria-label="Show GraphiQL Explorer"]').click();
    await expect.poll(() => page.locator('.graphiql-explorer-root').textContent(), { timeout: 10_000 }).toContain('funnel');
    await page.locator('[aria-label="Hide GraphiQL Explorer"]').click();
  });

  it('streams a subscription over graphql-ws', async () => {
    await setQuery('subscription Live { phaseChanged { relationshipId to } }');
    await page.waitForTimeout(300);
    await page.locator('.graphiql-execute-button').click();
    const at = new Date(Date.now() - 60_000).toISOString();
    // The subscription may take a moment to start: append until a change shows (each to a new relationship).
    await expect
      .poll(
        async () => {
          const id = `ide-${Math.random().toString(36).slice(2, 8)}`;
          const reply = await gql(`${server.origin}/graphql`, token, `mutation ($e: [EventInput!]!) { appendEvents(relationshipId: "${id}", events: $e) { position } }`, {
            e: [
              { type: 'RelationshipOpened', occurredAt: at, actor: 'VENDOR', data: { accountName: 'IDE' } },
              { type: 'InterestSignaled', occurredAt: at, actor: 'VENDOR', data: {} },
              { type: 'InterestSignaled', occurredAt: at, actor: 'PROSPECT', data: {} },
            ],
          });
          expect(reply.errors).toBeUndefined();
          return result();
        },
        { timeout: 15_000, interval: 1000 },
      )
      .toContain('"to": "DATING"');
  });

  it('made no request beyond this server', () => {
    expect(requested.length).toBeGreaterThan(3);
    const foreign = requested.filter((url) => !url.startsWith(server.origin) && !url.startsWith(server.origin.replace(/^http/, 'ws')));
    expect(foreign).toEqual([]);
  });
});
