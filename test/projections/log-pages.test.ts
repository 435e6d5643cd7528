/**
 * The event feed read from the log itself: never past the projector's
 * checkpoint, and a page whose filters match little of what it scans stops
 * after its scan budget with a cursor that resumes the scan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogPages } from '../../src/projections/log-pages.js';
import { decodePosition } from '../../src/store/port.js';
import { days, opened, prospectInterest, T0, vendorInterest } from '../support/events.js';
import { record } from '../support/record.js';
import { Workspace } from '../support/workspace.js';

let ws: Workspace;
let checkpoint: bigint;

beforeAll(async () => {
  ws = new Workspace();
  for (let i = 0; i < 12; i++) await record(ws.store, 'acme', `r-${i}`, [opened(T0 + i), vendorInterest(T0 + days(1))]);
  await record(ws.store, 'acme', 'prospect', [opened(T0), prospectInterest(T0 + days(1))]);
  checkpoint = (await ws.store.headPosition())!;
  // Appended after the checkpoint the pages are given: not visible yet.
  await record(ws.store, 'acme', 'late', [opened(T0), prospectInterest(T0 + days(1))]);
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

  it('lets other work run between the chunks of a long scan', async () => {
    // Given a scan that reads the log in chunks of 4 and finds nothing (a rare filter)
    const pages = new LogPages(ws.store, async () => checkpoint, { budget: 100, chunk: 4 });
    const order: string[] = [];
    // When other work (a request's I/O) is waiting as the scan starts
    setImmediate(() => order.push('other work'));
    await pages.events('acme', { first: 10, filter: { actors: ['SYSTEM'] } });
    order.push('scan answered');
    // Then it ran while the scan was under way, not after it
    expect(order).toEqual(['other work', 'scan answered']);
  });

  it('pages backwards from the checkpoint with last/before, each page in log order', async () => {
    // Given the 26 visible events read forwards
    const pages = new LogPages(ws.store, async () => checkpoint);
    const all = (await pages.events('acme', { first: 100 })).items.map(({ node }) => node.position);
    // When they are read backwards five at a time
    const seen: bigint[] = [];
    let before: bigint | undefined;
    for (;;) {
      const page = await pages.events('acme', { last: 5, ...(before === undefined ? {} : { before }) });
      seen.unshift(...page.items.map(({ node }) => node.position));
      expect(page.startCursor).toBe(page.items[0]?.cursor ?? null);
      if (!page.hasPreviousPage) break;
      before = decodePosition(page.startCursor!)!;
    }
    // Then they are the same events, none past the checkpoint
    expect(seen).toEqual(all);
    const latest = await pages.events('acme', { last: 2 });
    expect(latest.items.map(({ node }) => node.position)).toEqual(all.slice(-2));
    const window = await pages.events('acme', { last: 10, after: all[3]!, before: all[7]! });
    expect(window.items.map(({ node }) => node.position)).toEqual(all.slice(4, 7));
    expect(window.hasPreviousPage).toBe(false);
  });

  it('stops a sparse backwards scan at its budget and resumes it from its start cursor', async () => {
    const pages = new LogPages(ws.store, async () => checkpoint, { budget: 6, chunk: 4 });
    const filter = { actors: ['PROSPECT' as const] };
    const seen: string[] = [];
    let before: bigint | undefined;
    let calls = 0;
    for (;;) {
      const page = await pages.events('acme', { last: 10, filter, ...(before === undefined ? {} : { before }) });
      calls++;
      seen.unshift(...page.items.map(({ node }) => `${node.relationshipId}:${node.type}`));
      if (!page.hasPreviousPage) break;
      before = decodePosition(page.startCursor!)!;
    }
    expect(calls).toBeGreaterThanOrEqual(4);
    expect(seen).toEqual(['prospect:InterestSignaled']);
  });

  it('pages some relationships backwards too', async () => {
    const pages = new LogPages(ws.store, async () => checkpoint);
    const filter = { relationshipIds: ['r-1', 'r-2'] };
    const all = (await pages.events('acme', { first: 100, filter })).items.map(({ node }) => node.position);
    const latest = await pages.events('acme', { last: 3, filter });
    expect(latest.items.map(({ node }) => node.position)).toEqual(all.slice(1));
    expect(latest.hasPreviousPage).toBe(true);
    const rest = await pages.events('acme', { last: 3, filter, before: all[1]! });
    expect(rest.items.map(({ node }) => node.position)).toEqual(all.slice(0, 1));
    expect(rest.hasPreviousPage).toBe(false);
  });

  it('reads the latest page from the end of the log, not from its start', async () => {
    // Given a store that counts the events each read returns
    const reads: { direction: string | undefined; returned: number }[] = [];
    const counting = Object.create(ws.store) as typeof ws.store;
    counting.readAll = async (options) => {
      const events = await ws.store.readAll(options);
      reads.push({ direction: options?.direction, returned: events.length });
      return events;
    };
    const pages = new LogPages(counting, async () => checkpoint, { budget: 100, chunk: 3 });
    // When the last two events are asked for
    const latest = await pages.events('acme', { last: 2 });
    // Then one backwards read of a chunk answers it
    expect(latest.items).toHaveLength(2);
    expect(reads).toEqual([{ direction: 'backwards', returned: 3 }]);
  });
});
