/**
 * The pipeline page in a real Chromium against the real server (dist/, as
 * `npm start` runs it) over a demo pipeline: every chart is drawn with the
 * API's numbers, the slider replays a relationship as the API answers
 * `asOf`, a phase change appears live without a reload, and no request
 * leaves this machine. Skipped, saying so, when /usr/bin/chromium is absent.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { COMMANDS } from '../../src/cli/registry.js';
import { createToken, startChild, type ChildServer } from '../e2e/support/child-server.js';
import { gql } from '../e2e/support/gql.js';
import { chromiumAvailable, CHROMIUM, launchChromium, type Browser } from './chromium.js';

if (!chromiumAvailable) {
  console.warn(`Browser tests SKIPPED: ${CHROMIUM} not found. Install Debian's Chromium: apt-get install -y chromium`);
}

const PHASES = ['ATTRACTION', 'DATING', 'EXCLUSIVE', 'PROPOSED', 'MARRIED', 'NEGLECTED', 'CHEATING', 'DIVORCED', 'MOVED_ON', 'LEFT_AT_ALTAR'];
const API_FIGURES = `{
  funnel { stages { phase entered skipped } }
  timeToProposalStats { weeklyHistogram { count } }
  cohortRetention(by: MARRIAGE, months: 12) { cohorts { cohort months { retention } } }
  decaySummary { currentScoreBuckets { count } }
  ${PHASES.map((p) => `${p.toLowerCase()}: relationships(filter: { phase: { eq: ${p} } }, first: 1) { totalCount }`).join('\n')}
}`;

describe.skipIf(!chromiumAvailable)('the pipeline page in Chromium', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-browser-'));
  let server: ChildServer;
  let browser: Browser;
  let page: Page;
  let readToken: string;
  let writeToken: string;
  const requested: string[] = [];

  const api = async <T>(query: string, variables?: Record<string, unknown>, token = readToken): Promise<T> => {
    const reply = await gql<T>(`${server.origin}/graphql`, token, query, variables);
    expect(reply.errors).toBeUndefined();
    return reply.data!;
  };
  const drawn = (id: string) => page.locator(`#${id}`).getAttribute('data-values').then((text) => JSON.parse(text ?? 'null') as unknown);

  beforeAll(async () => {
    const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: { COURTSHIP_DATA_DIR: dataDir, COURTSHIP_STORE: 'sqlite' }, cwd: dataDir };
    expect(await runCli(['demo', '--relationships', '80', '--seed', '23'], COMMANDS, io)).toBe(0);
    readToken = createToken(dataDir, 'default', ['read']);
    writeToken = createToken(dataDir, 'default', ['write']);
    server = await startChild(dataDir);
    browser = await launchChromium();
    browser.context.on('request', (request) => requested.push(request.url()));
    page = await browser.context.newPage();
    page.on('websocket', (socket) => requested.push(socket.url()));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows nothing without a token', async () => {
    await page.goto(`${server.origin}/`);
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/token/i);
    expect(await page.locator('#board').isHidden()).toBe(true);
    expect(await page.locator('#funnel-chart').getAttribute('data-values')).toBeNull();
  });

  it('takes the token from the URL fragment, and draws every chart with the API\'s numbers', async () => {
    await page.goto(`${server.origin}/#token=${encodeURIComponent(readToken)}`);
    await page.locator('#board').waitFor({ state: 'visible' });
    await page.locator('#decay-chart[data-values]').waitFor({ state: 'attached' });
    expect(new URL(page.url()).hash).toBe('');

    const figures = await api<any>(API_FIGURES);
    expect(await drawn('funnel-chart')).toEqual(figures.funnel.stages);
    expect(await drawn('phases-chart')).toEqual(Object.fromEntries(PHASES.map((p) => [p, figures[p.toLowerCase()].totalCount])));
    expect(await drawn('proposal-chart')).toEqual(figures.timeToProposalStats.weeklyHistogram.map((b: { count: number }) => b.count));
    expect(await drawn('cohort-chart')).toEqual(
      figures.cohortRetention.cohorts.slice(-18).map((c: any) => ({ cohort: c.cohort, retention: c.months.map((m: any) => m.retention) })),
    );
    expect(await drawn('decay-chart')).toEqual(figures.decaySummary.currentScoreBuckets.map((b: { count: number }) => b.count));
    expect(figures.funnel.stages.some((s: { skipped: number }) => s.skipped > 0)).toBe(true);
    for (const id of ['funnel-chart', 'phases-chart', 'proposal-chart', 'cohort-chart', 'decay-chart', 'timeline-chart']) {
      const size = await page.locator(`#${id} canvas`).first().evaluate((canvas) => (canvas as unknown as { width: number; height: number }).width * (canvas as unknown as { height: number }).height);
      expect(size, id).toBeGreaterThan(0);
    }
    const rows = await page.locator('#funnel-table tbody tr').allTextContents();
    expect(rows).toHaveLength(5);
    if (process.env.COURTSHIP_SCREENSHOT) await page.screenshot({ path: process.env.COURTSHIP_SCREENSHOT, fullPage: true });
  });

  it('replays the chosen relationship as of the instant the slider points at', async () => {
    const id = await page.locator('#relationship').inputValue();
    for (const step of ['150', '600']) {
      const before = await page.locator('#timeline-phase').getAttribute('data-as-of');
      await page.locator('#as-of').fill(step);
      await expect.poll(() => page.locator('#timeline-phase').getAttribute('data-as-of')).not.toBe(before);
      const asOf = (await page.locator('#timeline-phase').getAttribute('data-as-of'))!;
      const answer = await api<{ relationship: { phase: string; phaseHistory: { at: string; to: string }[] } }>(
        'query ($id: ID!, $asOf: DateTime) { relationship(id: $id, asOf: $asOf) { phase phaseHistory { at to } } }',
        { id, asOf },
      );
      expect(await page.locator('#timeline-phase').getAttribute('data-phase')).toBe(answer.relationship.phase);
      expect(await drawn('timeline-chart')).toEqual(answer.relationship.phaseHistory);
    }
  });

  it('shows a phase change live, without a reload', async () => {
    const datingBefore = ((await drawn('phases-chart')) as Record<string, number>).DATING!;
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));
    const at = new Date(Date.now() - 60_000).toISOString();
    await api(
      `mutation ($events: [EventInput!]!) { appendEvents(relationshipId: "live-one", events: $events) { position } }`,
      {
        events: [
          { type: 'RelationshipOpened', occurredAt: at, actor: 'VENDOR', data: { accountName: 'Live One' } },
          { type: 'InterestSignaled', occurredAt: at, actor: 'VENDOR', data: {} },
          { type: 'InterestSignaled', occurredAt: at, actor: 'PROSPECT', data: {} },
        ],
      },
      writeToken,
    );
    await page.locator('#live li[data-relationship-id="live-one"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('#live li[data-relationship-id="live-one"]').first().textContent()).toMatch(/Attraction → Dating/);
    await expect.poll(async () => ((await drawn('phases-chart')) as Record<string, number>).DATING, { timeout: 10_000 }).toBe(datingBefore + 1);
    expect(navigations).toEqual([]);
  });

  it('prints the figures without the controls', async () => {
    await page.emulateMedia({ media: 'print' });
    try {
      expect(await page.locator('#live-section').isVisible()).toBe(false);
      expect(await page.locator('#login').isVisible()).toBe(false);
      expect(await page.locator('#funnel-table').isVisible()).toBe(true);
      expect(await page.locator('#cohort-chart canvas').first().isVisible()).toBe(true);
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  });

  it('made no request beyond this server', () => {
    expect(requested.length).toBeGreaterThan(5);
    const foreign = requested.filter((url) => !url.startsWith(server.origin) && !url.startsWith(server.origin.replace(/^http/, 'ws')));
    expect(foreign).toEqual([]);
  });
});
