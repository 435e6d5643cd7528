/**
 * Relay's Cursor Connections, both ways: `first`/`after` forwards,
 * `last`/`before` backwards, a complete PageInfo, page sizes from 1 to 100.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startHarness, type Harness } from '../support/graphql.js';

let h: Harness;
const IDS = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6'];

beforeAll(async () => {
  h = await startHarness('2025-06-01T00:00:00Z');
  for (const [i, id] of IDS.entries()) {
    await h.ok(`mutation($events: [EventInput!]!) { appendEvents(relationshipId: "${id}", events: $events) { position } }`, {
      events: [
        { type: 'RelationshipOpened', occurredAt: `2025-01-0${i + 1}T00:00:00Z`, actor: 'VENDOR', data: { accountName: `Account ${i}` } },
        { type: 'InteractionLogged', occurredAt: `2025-02-0${i + 1}T00:00:00Z`, actor: 'VENDOR', data: { channel: 'CALL' } },
      ],
    });
  }
  for (let i = 0; i < 5; i++) {
    await h.ok(`mutation { logInteraction(input: { relationshipId: "r0", actor: VENDOR, channel: EMAIL, occurredAt: "2025-03-0${i + 1}T00:00:00Z" }) { position } }`);
  }
});
afterAll(async () => {
  await h?.close();
});

interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}
interface Page {
  ids: string[];
  pageInfo: PageInfo;
}

const LIST = `query($first: Int, $after: String, $last: Int, $before: String) {
  relationships(first: $first, after: $after, last: $last, before: $before, orderBy: [{ field: OPENED_AT, direction: DESC }]) {
    totalCount edges { cursor node { relationshipId } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

async function listPage(args: Record<string, unknown>): Promise<Page> {
  const { relationships } = await h.ok(LIST, args);
  return { ids: relationships.edges.map((e: any) => e.node.relationshipId), pageInfo: relationships.pageInfo };
}

const DESC = [...IDS].reverse();

describe('a list of relationships', () => {
  it('pages forwards with first/after, telling on both sides whether more lie there', async () => {
    const one = await listPage({ first: 3 });
    expect(one.ids).toEqual(DESC.slice(0, 3));
    expect(one.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const two = await listPage({ first: 3, after: one.pageInfo.endCursor });
    expect(two.ids).toEqual(DESC.slice(3, 6));
    expect(two.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const three = await listPage({ first: 3, after: two.pageInfo.endCursor });
    expect(three.ids).toEqual(DESC.slice(6));
    expect(three.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('pages backwards with last/before, each page in list order', async () => {
    const end = await listPage({ last: 3 });
    expect(end.ids).toEqual(DESC.slice(4));
    expect(end.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const middle = await listPage({ last: 3, before: end.pageInfo.startCursor });
    expect(middle.ids).toEqual(DESC.slice(1, 4));
    const start = await listPage({ last: 3, before: middle.pageInfo.startCursor });
    expect(start.ids).toEqual(DESC.slice(0, 1));
    expect(start.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it('gives the first and last edge cursors as startCursor and endCursor', async () => {
    const { relationships } = await h.ok(LIST, { first: 2 });
    expect(relationships.pageInfo.startCursor).toBe(relationships.edges[0].cursor);
    expect(relationships.pageInfo.endCursor).toBe(relationships.edges[1].cursor);
  });

  it('takes a window between two cursors', async () => {
    const all = await h.ok(LIST, { first: 7 });
    const cursors = all.relationships.edges.map((e: any) => e.cursor);
    const between = await listPage({ first: 10, after: cursors[1], before: cursors[5] });
    expect(between.ids).toEqual(DESC.slice(2, 5));
    expect(between.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });
});

describe("a relationship's events", () => {
  const EVENTS = `query($first: Int, $after: String, $last: Int, $before: String) { relationship(id: "r0") {
    events(first: $first, after: $after, last: $last, before: $before) {
      totalCount edges { node { revision } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    } } }`;
  const revisions = async (args: Record<string, unknown>) => {
    const { relationship } = await h.ok(EVENTS, args);
    return { revisions: relationship.events.edges.map((e: any) => e.node.revision), pageInfo: relationship.events.pageInfo as PageInfo };
  };

  it('gives the latest events with last, and the ones before with before', async () => {
    const latest = await revisions({ last: 3 });
    expect(latest.revisions).toEqual([4, 5, 6]);
    expect(latest.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const earlier = await revisions({ last: 3, before: latest.pageInfo.startCursor });
    expect(earlier.revisions).toEqual([1, 2, 3]);
    const first = await revisions({ last: 3, before: earlier.pageInfo.startCursor });
    expect(first.revisions).toEqual([0]);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it('pages forwards as before, now with hasPreviousPage', async () => {
    const one = await revisions({ first: 4 });
    expect(one.revisions).toEqual([0, 1, 2, 3]);
    expect(one.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const two = await revisions({ first: 4, after: one.pageInfo.endCursor });
    expect(two.revisions).toEqual([4, 5, 6]);
    expect(two.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it("stops a snapshot's events at its version, backwards too", async () => {
    const { relationship } = await h.ok(`{ relationship(id: "r0", asOf: "2025-03-02T12:00:00Z") { version events(last: 2) { totalCount edges { node { revision } } pageInfo { hasNextPage } } } }`);
    expect(relationship.version).toBe(3);
    expect(relationship.events.edges.map((e: any) => e.node.revision)).toEqual([2, 3]);
    expect(relationship.events.pageInfo.hasNextPage).toBe(false);
  });
});

describe('page arguments', () => {
  it.each([
    ['first: 0', { first: 0 }],
    ['first: 101', { first: 101 }],
    ['last: 0', { last: 0 }],
    ['last: 101', { last: 101 }],
    ['first and last together', { first: 2, last: 2 }],
    ['a before that is not a cursor', { last: 2, before: 'nope' }],
  ])('refuses %s with BAD_USER_INPUT', async (_, args) => {
    expect(codes(await h.run(LIST, args))).toEqual(['BAD_USER_INPUT']);
  });

  it('accepts 1 and 100 both ways', async () => {
    expect((await listPage({ first: 1 })).ids).toHaveLength(1);
    expect((await listPage({ last: 100 })).ids).toHaveLength(7);
  });

  it('refuses the same bad arguments on the global log', async () => {
    for (const args of [{ last: 0 }, { last: 101 }, { first: 2, last: 2 }, { last: 2, before: 'nope' }]) {
      expect(codes(await h.run(LOG, args))).toEqual(['BAD_USER_INPUT']);
    }
  });
});

const LOG = `query($first: Int, $after: String, $last: Int, $before: String, $filter: EventFilter) {
  events(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
    edges { cursor node { position } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

async function logPage(args: Record<string, unknown>): Promise<Page & { cursors: string[] }> {
  const { events } = await h.ok(LOG, args);
  return { ids: events.edges.map((e: any) => e.node.position), cursors: events.edges.map((e: any) => e.cursor), pageInfo: events.pageInfo };
}

describe('the global event log', () => {
  it('pages backwards with last/before, each page in log order, telling on both sides whether more lie there', async () => {
    // Given the whole log, read forwards
    const all = await logPage({ first: 100 });
    expect(all.ids).toHaveLength(19);
    // When it is read backwards eight at a time
    const end = await logPage({ last: 8 });
    expect(end.ids).toEqual(all.ids.slice(11));
    expect(end.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: end.cursors[0], endCursor: end.cursors[7] });
    const middle = await logPage({ last: 8, before: end.pageInfo.startCursor });
    expect(middle.ids).toEqual(all.ids.slice(3, 11));
    expect(middle.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const start = await logPage({ last: 8, before: middle.pageInfo.startCursor });
    // Then the pages join up, and the first one says nothing lies before it
    expect(start.ids).toEqual(all.ids.slice(0, 3));
    expect(start.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it('pages forwards as before, now with a true hasPreviousPage', async () => {
    const one = await logPage({ first: 10 });
    expect(one.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, startCursor: one.cursors[0] });
    const two = await logPage({ first: 10, after: one.pageInfo.endCursor });
    expect(two.ids).toHaveLength(9);
    expect(two.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('takes a window between two cursors both ways', async () => {
    const all = await logPage({ first: 100 });
    const window = { after: all.cursors[2], before: all.cursors[9] };
    const forwards = await logPage({ first: 4, ...window });
    expect(forwards.ids).toEqual(all.ids.slice(3, 7));
    expect(forwards.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const backwards = await logPage({ last: 4, ...window });
    expect(backwards.ids).toEqual(all.ids.slice(5, 9));
    expect(backwards.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const whole = await logPage({ last: 100, ...window });
    expect(whole.ids).toEqual(all.ids.slice(3, 9));
  });

  it('keeps its filters backwards', async () => {
    const filter = { types: ['InteractionLogged'], actors: ['VENDOR'] };
    const all = await logPage({ first: 100, filter });
    expect(all.ids).toHaveLength(12);
    const latest = await logPage({ last: 5, filter });
    expect(latest.ids).toEqual(all.ids.slice(7));
    expect(latest.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const earlier = await logPage({ last: 10, filter, before: latest.pageInfo.startCursor });
    expect(earlier.ids).toEqual(all.ids.slice(0, 7));
    expect(earlier.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
  });
});
