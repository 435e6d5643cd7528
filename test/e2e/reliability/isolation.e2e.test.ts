/**
 * Tenancy: a token of tenant B gets nothing of tenant A's through any query,
 * mutation or subscription — not by id, list, count, the global feed, a
 * cursor taken from A, nor by writing to A's ids (which only ever touches B's
 * own relationship of that id). A read-only token cannot write. A revoked
 * token is refused at once, open subscriptions included.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { datingEvents, perform, wedding } from '../support/courtship.js';
import { APPEND, gql, gqlOk } from '../support/gql.js';
import { codes, typedMutation } from '../../support/graphql.js';
import { startServer, type E2EServer } from '../support/server.js';
import { PHASE_CHANGED, record, untilLive, wsClient, type PhaseChangeJson, type WsClient } from '../support/ws.js';

/** Every typed mutation, with the smallest input it accepts (relationshipId added per call). */
const TYPED_MUTATIONS: Record<string, Record<string, unknown>> = {
  openRelationship: { accountName: 'Intruder Inc' },
  signalInterest: { actor: 'VENDOR' },
  logInteraction: { actor: 'VENDOR', channel: 'CALL' },
  askQuestion: { questionId: 'q', topic: 'PRICING' },
  answerQuestion: { questionId: 'q' },
  passTest: { test: 'pilot' },
  failTest: { test: 'pilot' },
  engageCompetitor: { competitor: 'Rival' },
  grantExclusivity: {},
  introduceStakeholder: { stakeholderId: 's', name: 'Sam', role: 'BOSS' },
  changeStakeholderStance: { stakeholderId: 's', stance: 'OPPOSED' },
  submitProposal: { proposalId: 'p' },
  rejectProposal: { proposalId: 'p' },
  signContract: { contractId: 'c' },
  withdrawInterest: { actor: 'PROSPECT' },
  openSupportCase: { caseId: 'k', severity: 'LOW', scope: 'HOW_TO' },
  closeSupportCase: { caseId: 'k' },
  openUpsell: { opportunityId: 'o' },
  winUpsell: { opportunityId: 'o' },
  loseUpsell: { opportunityId: 'o' },
  detectCompetitorContact: { competitor: 'Rival' },
  renewContract: { contractId: 'c' },
  giveChurnNotice: { reason: 'PRICE' },
  reopenRelationship: {},
};
const QUERIES = ['cohortRetention', 'decaySummary', 'events', 'funnel', 'node', 'nodes', 'outcomes', 'relationship', 'relationships', 'timeToMarriageStats', 'timeToProposalStats', 'whoami'];
const SUBSCRIPTIONS = ['phaseChanged', 'relationshipEvents'];

let server: E2EServer;
let tokenA: string;
let tokenB: string;
/** Positions of A's 'shared' events, in order. */
let aPositions: string[];
const clients: WsClient[] = [];

const typed = (mutation: string, token: string, relationshipId: string) =>
  gql(server.url, token, typedMutation(mutation, 'position relationship { id version accountName }'), {
    input: { relationshipId, ...TYPED_MUTATIONS[mutation] },
  });

/** What A sees of its own relationships: must not change whatever B does. */
const aSnapshot = () =>
  gqlOk(server.url, tokenA, `{ relationships(first: 100, orderBy: [{ field: ID }]) { totalCount edges { node { id version accountName phase } } }
    events(first: 100) { edges { cursor } } }`);

function connect(token: string): WsClient {
  const client = wsClient(server.wsUrl, token);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  server = await startServer({ now: '2025-03-01T00:00:00Z' });
  tokenA = server.token('acme');
  tokenB = server.token('globex');
  aPositions = await perform(server.url, tokenA, 'shared', wedding('Acme Secret', 'ENTERPRISE'));
  await gqlOk(server.url, tokenA, APPEND, { id: 'a-only', events: datingEvents('Acme Only', 'SMB') });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(() => server?.close());

describe('the schema', () => {
  it('has no operation this suite does not check', async () => {
    const { __schema } = await gqlOk(server.url, tokenA, `{ __schema {
      queryType { fields { name } } mutationType { fields { name } } subscriptionType { fields { name } } } }`);
    const names = (type: { fields: { name: string }[] }) => type.fields.map((f) => f.name).sort();
    expect(names(__schema.queryType)).toEqual(QUERIES);
    expect(names(__schema.mutationType)).toEqual(['appendEvents', 'rebuildReadModels', ...Object.keys(TYPED_MUTATIONS)].sort());
    expect(names(__schema.subscriptionType)).toEqual(SUBSCRIPTIONS);
  });
});

describe("tenant B's queries", () => {
  it('find nothing of A by id, list, count, filter or the global feed', async () => {
    const data = await gqlOk(server.url, tokenB, `{
      byId: relationship(id: "shared") { id }
      asOf: relationship(id: "shared", asOf: "2025-02-20T00:00:00Z") { id }
      list: relationships(first: 100) { totalCount edges { node { id } } }
      filtered: relationships(filter: { or: [{ id: { eq: "shared" } }, { accountName: { contains: "acme" } }, { segment: { eq: "ENTERPRISE" } }] }) { totalCount }
      feed: events(first: 100) { edges { node { id } } pageInfo { hasNextPage endCursor } }
      feedOfA: events(filter: { relationshipIds: ["shared", "a-only"] }) { edges { node { id } } }
      whoami { tenant }
    }`);
    // A's objects by their global ids (Relay's node), as A sees them: B gets null for each.
    const ofA = await gqlOk(server.url, tokenA, `{
      live: relationship(id: "shared") { id stakeholders { id } events(first: 1) { edges { node { id } } } }
      snapshot: relationship(id: "shared", asOf: "2025-02-20T00:00:00Z") { id }
    }`);
    const idsOfA = [ofA.live.id, ofA.live.stakeholders[0].id, ofA.live.events.edges[0].node.id, ofA.snapshot.id];
    const byNode = await gqlOk(server.url, tokenB, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: idsOfA });
    expect(byNode.nodes).toEqual([null, null, null, null]);
    expect(data).toEqual({
      byId: null,
      asOf: null,
      list: { totalCount: 0, edges: [] },
      filtered: { totalCount: 0 },
      feed: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } },
      feedOfA: { edges: [] },
      whoami: { tenant: 'globex' },
    });
  });

  it("count nothing of A's in the analytics, now or as of a past instant (A's own count as the control)", async () => {
    const ANALYTICS = `{
      funnel { total } pastFunnel: funnel(asOf: "2025-02-20T00:00:00Z") { total }
      timeToProposalStats { overall { count } } timeToMarriageStats(groupBy: SEGMENT) { overall { count } groups { key } }
      decaySummary { currentlyMarried } outcomes { count }
      cohortRetention(by: OPENING) { cohorts { size } }
    }`;
    const ofA = await gqlOk(server.url, tokenA, ANALYTICS);
    expect(ofA).toMatchObject({ funnel: { total: 2 }, pastFunnel: { total: 2 }, timeToProposalStats: { overall: { count: 1 } }, decaySummary: { currentlyMarried: 1 } });
    expect(ofA.cohortRetention.cohorts.map((c: { size: number }) => c.size).reduce((a: number, b: number) => a + b, 0)).toBe(2);
    expect(ofA.timeToMarriageStats.groups).toEqual([{ key: 'ENTERPRISE' }]);
    const ofB = await gqlOk(server.url, tokenB, ANALYTICS);
    expect(ofB).toMatchObject({
      funnel: { total: 0 },
      pastFunnel: { total: 0 },
      timeToProposalStats: { overall: { count: 0 } },
      timeToMarriageStats: { overall: { count: 0 }, groups: [] },
      decaySummary: { currentlyMarried: 0 },
      cohortRetention: { cohorts: [] },
    });
    expect(ofB.outcomes.every((o: { count: number }) => o.count === 0)).toBe(true);
  });
});

describe("tenant B's writes to A's ids", () => {
  it("never reach A's relationship: opening creates B's own, every other mutation finds nothing", async () => {
    const before = await aSnapshot();
    const refusal = await gql(server.url, tokenB, APPEND, {
      id: 'shared',
      events: [{ type: 'InteractionLogged', occurredAt: '2025-02-28T00:00:00Z', actor: 'VENDOR', data: { channel: 'CALL' } }],
    });
    expect(codes(refusal)).toEqual(['NOT_FOUND']);
    for (const mutation of Object.keys(TYPED_MUTATIONS).filter((m) => m !== 'openRelationship')) {
      expect(codes(await typed(mutation, tokenB, 'a-only')), mutation).toEqual(['NOT_FOUND']);
    }
    expect(await aSnapshot()).toEqual(before);

    const opened = await typed('openRelationship', tokenB, 'shared');
    expect(opened.errors).toBeUndefined();
    expect(opened.data.openRelationship.relationship).toEqual({ id: 'shared', version: 0, accountName: 'Intruder Inc' });
    expect(await aSnapshot()).toEqual(before);
    const { relationship } = await gqlOk(server.url, tokenB, `{ relationship(id: "shared") { accountName version phase } }`);
    expect(relationship).toEqual({ accountName: 'Intruder Inc', version: 0, phase: 'ATTRACTION' });
  });

  it("answers B's feed from A's cursor with B's events only", async () => {
    await gqlOk(server.url, tokenB, APPEND, { id: 'b-own', events: datingEvents('Globex Own', 'SMB', '2025-02-27') });
    const { events } = await gqlOk(server.url, tokenB, `query($after: String) { events(after: $after, first: 100) { edges { node { relationshipId accountData: data } } } }`, {
      after: aPositions[0],
    });
    const ids = events.edges.map((e: any) => e.node.relationshipId);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids)).toEqual(new Set(['shared', 'b-own']));
    expect(JSON.stringify(events)).not.toContain('Acme');
  });
});

describe("tenant B's subscriptions", () => {
  it("deliver nothing of A's, even from A's cursor and for A's relationship id (after a positive control)", async () => {
    const client = connect(tokenB).client;
    const changes = record<PhaseChangeJson>(client, PHASE_CHANGED, { relationshipId: 'shared', after: aPositions[0] });
    const everything = record<PhaseChangeJson>(client, PHASE_CHANGED, { after: aPositions[0] });
    const events = record<{ relationshipId: string; type: string; revision: number }>(
      client,
      `subscription($after: String) { relationshipEvents(relationshipId: "shared", after: $after) { relationshipId type revision } }`,
      { after: aPositions[0] },
    );
    // A moves on meanwhile; then B's own 'shared' (opened in the write test above) starts dating: the control.
    await perform(server.url, tokenA, 'shared', [['logInteraction', { actor: 'VENDOR', channel: 'CALL' }]]);
    await perform(server.url, tokenB, 'shared', [
      ['signalInterest', { actor: 'VENDOR' }],
      ['signalInterest', { actor: 'PROSPECT' }],
    ]);
    await changes.waitForCount(1);
    await events.waitForCount(3);
    await everything.waitForCount(2);
    expect(changes.items.map((c) => `${c.relationshipId}:${c.to}`)).toEqual(['shared:DATING']);
    expect(everything.items.map((c) => `${c.relationshipId}:${c.to}`)).toEqual(['b-own:DATING', 'shared:DATING']);
    expect(events.items.map((e) => `${e.relationshipId}@${e.revision}:${e.type}`)).toEqual([
      'shared@0:RelationshipOpened',
      'shared@1:InterestSignaled',
      'shared@2:InterestSignaled',
    ]);
  });
});

describe('scopes and revocation', () => {
  it('refuses every write from a read-only token, and appends nothing', async () => {
    const reader = server.token('acme', ['read']);
    const head = await server.app.store.headPosition();
    for (const mutation of Object.keys(TYPED_MUTATIONS)) {
      expect(codes(await typed(mutation, reader, 'a-only')), mutation).toEqual(['FORBIDDEN']);
    }
    const append = await gql(server.url, reader, APPEND, { id: 'a-only', events: datingEvents('x', 'y', '2025-02-28').slice(1) });
    expect(codes(append)).toEqual(['FORBIDDEN']);
    expect(await server.app.store.headPosition()).toBe(head);
  });

  it('lets only an admin token rebuild the read models, which come out identical', async () => {
    const rebuild = 'mutation { rebuildReadModels { checkpoint relationships } }';
    const board = '{ relationships(first: 100) { totalCount edges { cursor node { id phase version phaseHistory { to at } flags } } } }';
    const before = await gqlOk(server.url, tokenA, board);
    expect(codes(await gql(server.url, tokenA, rebuild))).toEqual(['FORBIDDEN']);
    const admin = server.token('acme', ['admin']);
    const [first, second] = await Promise.all([gqlOk(server.url, admin, rebuild), gqlOk(server.url, admin, rebuild)]);
    expect(second).toEqual(first);
    expect(first.rebuildReadModels.relationships).toBe(before.relationships.totalCount);
    expect(await gqlOk(server.url, tokenA, board)).toEqual(before);
  });

  it('refuses a revoked token on its very next request', async () => {
    const created = server.app.tokens.create({ tenant: 'acme', scopes: ['read', 'write'] });
    expect((await gqlOk(server.url, created.token, '{ whoami { tenant } }')).whoami.tenant).toBe('acme');
    server.app.tokens.revoke(created.info.id);
    const reply = await gql(server.url, created.token, '{ whoami { tenant } }');
    expect(reply.status).toBe(401);
    expect(codes(reply)).toEqual(['UNAUTHENTICATED']);
  });

  it('closes an open subscription of a revoked token at once', async () => {
    const created = server.app.tokens.create({ tenant: 'acme', scopes: ['read'] });
    const subscriber = connect(created.token);
    const changes = record<PhaseChangeJson>(subscriber.client, PHASE_CHANGED, {});
    let n = 0;
    await untilLive(changes, () => gqlOk(server.url, tokenA, APPEND, { id: `revoke-probe-${n++}`, events: datingEvents('Probe', 'X') }).then(() => undefined));
    server.app.tokens.revoke(created.info.id);
    const end = await changes.waitForEnd(5_000);
    expect(end.kind).toBe('error');
    expect(subscriber.closes).toContainEqual(expect.objectContaining({ code: 4401 }));
  });
});
