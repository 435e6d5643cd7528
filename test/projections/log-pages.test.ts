/**
 * The event feed read from the log itself: never past the projector's
 * checkpoint, and a page whose filters match little of what it scans stops
 * after its scan budget with a cursor that resumes the scan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogPages } from '../../src/projections/log-pages.js';
import { decodePosition } from '../../src/store/port.js';
import { days, interest, opened, record, T0, Workspace } from './helpers.js';

let ws: Workspace;
let checkpoint: bigint;

beforeAll(async () => {
  ws = new Workspace();
  for (let i = 0; i < 12; i++) await record(ws.store, 'acme', `r-${i}`, [opened(T0 + i), interest(T0 + days(1), 'VENDOR')]);
  await record(ws.store, 'acme', 'prospect', [opened(T0), interest(T0 + days(1), 'PROSPECT')]);
  checkpoint = (await ws.store.headPosition())!;
  // Appended after the checkpoint the pages are given: not visible yet.
  await record(ws.store, 'acme', 'late', [opened(T0), interest(T0 + days(1), 'PROSPECT')]);
});
afterAll(async () => {
  await ws.cleanup();
});

describe('pages of the log', () => {
  it('shows nothing past the checkpoint, and nothing at all before there is one', async () => {
    const pages = new LogPages(ws.store, async () => checkpoint);
    const all = await pages.events('acme', { first: 100 });
    expect(all.items).toHaveLength(26);
    expect(all.items.every(({ node }) => node.position <= checkpoint)).toBe(true);
    expect(all.hasNextPage).toBe(false);
    expect((await pages.relationshipEvents('acme', 'late', { first: 10 })).items).toEqual([]);
    expect((await pages.events('acme', { first: 100, filter: { relationshipIds: ['late', 'prospect'] } })).items).toHaveLength(2);
    const none = new LogPages(ws.store, async () => null);
    expect((await none.events('acme', { first: 10 })).items).toEqual([]);
  });

  it('stops a sparse scan at its budget and resumes it from the cursor it gives', async () => {
    const pages = new LogPages(ws.store, async () => checkpoint, { budget: 6, chunk: 4 });
    const filter = { actors: ['PROSPECT' as const] };
    const seen: string[] = [];
    let after: bigint | undefined;
    let calls = 0;
    for (;;) {
      const page = await pages.events('acme', { first: 10, filter, ...(after === undefined ? {} : { after }) });
      calls++;
      seen.push(...page.items.map(({ node }) => `${node.relationshipId}:${node.type}`));
      if (!page.hasNextPage) break;
      after = decodePosition(page.endCursor!)!;
    }
    // 26 visible events at up to 8 a page (the budget is checked per chunk of 4).
    expect(calls).toBeGreaterThanOrEqual(4);
    expect(seen).toEqual(['prospect:InterestSignaled']);
  });
});
