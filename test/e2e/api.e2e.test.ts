/**
 * The API as a frontend meets it: the real server over SQLite in a temp dir,
 * spoken to over HTTP with fetch. A courtship is recorded through the typed
 * mutations and through appendEvents, then read back, listed, paged, replayed
 * as of a past instant, and refused in every way the contract names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEvent } from '../../src/domain/codec.js';
import { stateAt } from '../../src/domain/fold.js';
import { decayTrend } from '../../src/domain/metrics/decay.js';
import { defaultRules } from '../../src/domain/rules.js';
import { datingEvents, perform, wedding } from './support/courtship.js';
import { APPEND, gql, gqlOk, type GraphQLReply } from './support/gql.js';
import { codes } from '../support/graphql.js';
import { startServer, type E2EServer } from './support/server.js';

let server: E2EServer;
let writer: string;
let reader: string;

const ok = <T = any>(query: string, variables?: Record<string, unknown>) => gqlOk<T>(server.url, writer, query, variables);

beforeAll(async () => {
  server = await startServer({ now: '2025-03-01T00:00:00Z' });
  writer = server.token('acme', ['read', 'write']);
  reader = server.token('acme', ['read']);
  await perform(server.url, writer, 'initech', wedding('Initech', 'SMB'));
  await ok(APPEND, { id: 'globex', events: datingEvents('Globex', 'ENTERPRISE') });
  await perform(server.url, writer, 'hooli', [['openRelationship', { accountName: 'Hooli', segment: 'SMB', occurredAt: '2025-02-20T00:00:00Z' }]]);
  for (const n of [1, 2, 3, 4]) {
    await ok(APPEND, { id: `smb-${n}`, events: datingEvents(`Small ${n}`, 'SMB', `2025-02-1${n}`) });
  }
});

afterAll(() => server?.close());

describe('a courtship recorded through the typed mutations', () => {
  it('reads back the marriage: phase, history with causes, times, flags and decay', async () => {
    const { relationship } = await ok(`{ relationship(id: "initech") {
      id accountName segment owner phase phaseSince cycle version
      phaseHistory { from to at cycle cause { kind eventType rule revision } }
      timeToProposal { seconds days iso } timeToMarriage { days iso }
      readiness { ready reasons } flags
      decay { status slope score drivers { signal impact } }
      stakeholders { stakeholderId stance hasVeto }
    } }`);
    expect(relationship).toMatchObject({
      id: 'initech',
      accountName: 'Initech',
      segment: 'SMB',
      owner: 'ana',
      phase: 'MARRIED',
      phaseSince: '2025-02-15T09:00:00.000Z',
      cycle: 1,
      version: 9,
      timeToProposal: { seconds: 9 * 86_400, days: 9, iso: 'P9D' },
      timeToMarriage: { days: 14, iso: 'P14D' },
      readiness: null,
      flags: [],
      stakeholders: [{ stakeholderId: 'cfo', stance: 'SUPPORTIVE', hasVeto: true }],
    });
    expect(relationship.phaseHistory.map((t: any) => [t.from, t.to, t.at, t.cause.kind, t.cause.eventType, t.cause.revision])).toEqual([
      ['ATTRACTION', 'DATING', '2025-02-03T09:00:00.000Z', 'EVENT', 'InterestSignaled', 2],
      ['DATING', 'EXCLUSIVE', '2025-02-07T09:00:00.000Z', 'EVENT', 'ExclusivityGranted', 7],
      ['EXCLUSIVE', 'PROPOSED', '2025-02-10T09:00:00.000Z', 'EVENT', 'ProposalSubmitted', 8],
      ['PROPOSED', 'MARRIED', '2025-02-15T09:00:00.000Z', 'EVENT', 'ContractSigned', 9],
    ]);
    // The decay the server shows is the domain's, on the events it stored, at its clock's instant.
    const { relationship: stored } = await ok(`{ relationship(id: "initech") { events(first: 100) { edges { node { type occurredAt actor data revision } } } } }`);
    const events = stored.events.edges.map((e: any) => ({
      event: decodeEvent(e.node.type, { occurredAt: e.node.occurredAt, actor: e.node.actor, data: e.node.data ?? {} }, 1),
      revision: e.node.revision,
    }));
    const now = Date.parse('2025-03-01T00:00:00Z');
    const expected = decayTrend(stateAt(events, now, defaultRules), now, defaultRules)!;
    expect(relationship.decay).toEqual({ status: expected.status, slope: expected.slope, score: expected.score, drivers: expected.drivers.map(({ signal, impact }) => ({ signal, impact })) });
  });

  it("reads the relationship's own events back in revision order", async () => {
    const { relationship } = await ok(`{ relationship(id: "initech") { events(first: 100) { totalCount edges { node { type revision actor } } } } }`);
    expect(relationship.events.totalCount).toBe(10);
    expect(relationship.events.edges.map((e: any) => e.node.type)).toEqual([
      'RelationshipOpened', 'InterestSignaled', 'InterestSignaled', 'QuestionAsked', 'QuestionAnswered',
      'StakeholderIntroduced', 'StakeholderStanceChanged', 'ExclusivityGranted', 'ProposalSubmitted', 'ContractSigned',
    ]);
    expect(relationship.events.edges.map((e: any) => e.node.revision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('shows readiness before the proposal with its reasons (a prospect never heard from)', async () => {
    const { hooli } = await ok(`{ hooli: relationship(id: "hooli") { phase readiness { ready reasons } timeToProposal { days } decay { status } } }`);
    expect(hooli).toEqual({ phase: 'ATTRACTION', readiness: { ready: false, reasons: ['INTEREST_NOT_MUTUAL', 'PROSPECT_SILENT'] }, timeToProposal: null, decay: null });
  });

  it('replays a relationship as of a past instant', async () => {
    const { before, dating, never } = await ok(`{
      before: relationship(id: "initech", asOf: "2025-02-08T00:00:00Z") { phase version timeToProposal { days } asOf }
      dating: relationship(id: "initech", asOf: "2025-02-03T09:00:00Z") { phase version }
      never: relationship(id: "initech", asOf: "2025-01-01T00:00:00Z") { id }
    }`);
    expect(before).toEqual({ phase: 'EXCLUSIVE', version: 7, timeToProposal: null, asOf: '2025-02-08T00:00:00.000Z' });
    expect(dating).toEqual({ phase: 'DATING', version: 2 });
    expect(never).toBeNull();
  });
});

describe('a courtship recorded through appendEvents', () => {
  it('applies the whole batch and returns the relationship with it', async () => {
    const reply = await ok(APPEND, { id: 'umbrella', events: datingEvents('Umbrella', 'MID') });
    expect(reply.appendEvents.relationship).toEqual({ version: 2, phase: 'DATING' });
    const { relationship } = await ok(`{ relationship(id: "umbrella") { phaseHistory { to cause { kind eventType revision } } } }`);
    expect(relationship.phaseHistory).toEqual([{ to: 'DATING', cause: { kind: 'EVENT', eventType: 'InteractionLogged', revision: 2 } }]);
  });
});

describe('listing the pipeline', () => {
  const PAGE = `query($filter: RelationshipFilter, $orderBy: [RelationshipOrder!], $first: Int, $after: String) {
    relationships(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
      totalCount edges { cursor node { id phase segment accountName } } pageInfo { hasNextPage endCursor }
    }
  }`;

  async function allPages(variables: Record<string, unknown>, first: number) {
    const ids: string[] = [];
    const totals = new Set<number>();
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const data: any = await ok(PAGE, { ...variables, first, after });
      const { relationships } = data;
      totals.add(relationships.totalCount);
      ids.push(...relationships.edges.map((e: any) => e.node.id));
      expect(relationships.pageInfo.endCursor).toBe(relationships.edges.at(-1)?.cursor ?? null);
      if (!relationships.pageInfo.hasNextPage) return { ids, totals: [...totals] };
      after = relationships.pageInfo.endCursor;
    }
    throw new Error('more than 20 pages');
  }

  it('filters by phase in and segment eq, ordered by account name descending, page by page', async () => {
    const filter = { phase: { in: ['DATING', 'EXCLUSIVE'] }, segment: { eq: 'SMB' } };
    const orderBy = [{ field: 'ACCOUNT_NAME', direction: 'DESC' }];
    const { ids, totals } = await allPages({ filter, orderBy }, 3);
    expect(ids).toEqual(['smb-4', 'smb-3', 'smb-2', 'smb-1']);
    expect(totals).toEqual([4]);
  });

  it('combines operators with and / or', async () => {
    const filter = {
      or: [{ phase: { eq: 'MARRIED' } }, { and: [{ segment: { eq: 'ENTERPRISE' } }, { phase: { eq: 'DATING' } }] }],
    };
    const { ids, totals } = await allPages({ filter, orderBy: [{ field: 'ID' }] }, 1);
    expect(ids).toEqual(['globex', 'initech']);
    expect(totals).toEqual([2]);
  });

  it('pages through every relationship exactly once, whatever the page size', async () => {
    const orderBy = [{ field: 'PHASE' }, { field: 'ID', direction: 'DESC' }];
    const whole = await allPages({ orderBy }, 100);
    for (const first of [1, 2, 5]) {
      const paged = await allPages({ orderBy }, first);
      expect(paged.ids).toEqual(whole.ids);
      expect(paged.totals).toEqual([whole.ids.length]);
    }
    expect(new Set(whole.ids).size).toBe(whole.ids.length);
  });
});

describe('the global events feed', () => {
  const FEED = `query($after: String, $first: Int) { events(after: $after, first: $first) {
    edges { cursor node { relationshipId revision position type } } pageInfo { hasNextPage endCursor } } }`;

  it('delivers the log in order page by page, and a cursor resumes after it', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let last: string | null = null;
    for (let page = 0; page < 50; page++) {
      const data: any = await ok(FEED, { after, first: 7 });
      for (const edge of data.events.edges) {
        expect(edge.cursor).toBe(edge.node.position);
        seen.push(`${edge.node.relationshipId}@${edge.node.revision}`);
        last = edge.cursor;
      }
      if (!data.events.pageInfo.hasNextPage) break;
      after = data.events.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, r) => `initech@${r}`));
    // Per stream, revisions come in order.
    const byStream = new Map<string, number[]>();
    for (const key of seen) {
      const [id, revision] = key.split('@') as [string, string];
      byStream.set(id, [...(byStream.get(id) ?? []), Number(revision)]);
    }
    for (const revisions of byStream.values()) expect(revisions).toEqual(revisions.map((_, i) => i));

    // The last cursor stays valid: what is written next comes after it, and only that.
    await perform(server.url, writer, 'hooli', [['signalInterest', { actor: 'VENDOR', occurredAt: '2025-02-21T00:00:00Z' }]]);
    const next: any = await ok(FEED, { after: last, first: 10 });
    expect(next.events.edges.map((e: any) => `${e.node.relationshipId}@${e.node.revision}:${e.node.type}`)).toEqual(['hooli@1:InterestSignaled']);
  });
});

describe('errors over HTTP', () => {
  const head = () => server.app.store.headPosition();
  const versionOf = async (id: string) =>
    (await ok(`query($id: ID!) { relationship(id: $id) { version events { totalCount } } }`, { id })).relationship;

  function expectClean(reply: GraphQLReply): void {
    for (const error of reply.errors ?? []) {
      expect(error.extensions).not.toHaveProperty('stacktrace');
      expect(error.extensions).not.toHaveProperty('exception');
      expect(error.message).not.toMatch(/\n\s+at /);
    }
  }

  /** Runs a refused write, then checks the relationship and the log did not move. */
  async function refusedWrite(token: string, query: string, variables: Record<string, unknown>, id = 'globex') {
    const [before, headBefore] = [await versionOf(id), await head()];
    const reply = await gql(server.url, token, query, variables);
    expectClean(reply);
    expect(reply.data?.appendEvents ?? null).toBeNull();
    expect(await versionOf(id)).toEqual(before);
    expect(await head()).toBe(headBefore);
    return reply;
  }

  it('BAD_USER_INPUT names the page size', async () => {
    const reply = await gql(server.url, reader, '{ relationships(first: 0) { totalCount } }');
    expect(codes(reply)).toEqual(['BAD_USER_INPUT']);
    expect(reply.errors![0]!.extensions).toMatchObject({ field: 'first' });
    expectClean(reply);
  });

  it('BAD_USER_INPUT for an occurredAt that is no instant, and nothing appended', async () => {
    const reply = await refusedWrite(writer, APPEND, {
      id: 'globex',
      events: [{ type: 'InteractionLogged', occurredAt: 'last tuesday', actor: 'VENDOR', data: { channel: 'CALL' } }],
    });
    expect(codes(reply)).toEqual(['BAD_USER_INPUT']);
    expect(reply.errors![0]!.message).toContain('occurredAt');
  });

  it('BAD_USER_INPUT for an occurredAt too far in the future, naming the field', async () => {
    const reply = await refusedWrite(writer, APPEND, {
      id: 'globex',
      events: [{ type: 'InteractionLogged', occurredAt: '2025-03-01T00:06:00Z', actor: 'VENDOR', data: { channel: 'CALL' } }],
    });
    expect(codes(reply)).toEqual(['BAD_USER_INPUT']);
    expect(reply.errors![0]!.extensions).toMatchObject({ field: 'events[0].occurredAt', index: 0 });
  });

  it('BAD_USER_INPUT for an unknown event type, naming the field', async () => {
    const reply = await refusedWrite(writer, APPEND, {
      id: 'globex',
      events: [{ type: 'Eloped', occurredAt: '2025-02-20T00:00:00Z', actor: 'PROSPECT' }],
    });
    expect(codes(reply)).toEqual(['BAD_USER_INPUT']);
    expect(reply.errors![0]!.extensions).toMatchObject({ field: 'events[0].type' });
  });

  it('BAD_USER_INPUT for answering a question never asked, and the valid events before it are not appended either', async () => {
    const reply = await refusedWrite(writer, APPEND, {
      id: 'globex',
      events: [
        { type: 'InteractionLogged', occurredAt: '2025-02-20T00:00:00Z', actor: 'VENDOR', data: { channel: 'CALL' } },
        { type: 'QuestionAnswered', occurredAt: '2025-02-20T01:00:00Z', actor: 'VENDOR', data: { questionId: 'never-asked' } },
      ],
    });
    expect(codes(reply)).toEqual(['BAD_USER_INPUT']);
    expect(reply.errors![0]!.extensions).toMatchObject({ reason: 'QUESTION_NOT_ASKED', field: 'events[1].data.questionId', index: 1 });
  });

  it('BAD_USER_INPUT for a history going backwards in time', async () => {
    const reply = await refusedWrite(writer, APPEND, {
      id: 'globex',
      events: [{ type: 'InteractionLogged', occurredAt: '2025-02-01T00:00:00Z', actor: 'VENDOR', data: { channel: 'CALL' } }],
    });
    expect(codes(reply)).toEqual(['BAD_USER_INPUT']);
    expect(reply.errors![0]!.extensions).toMatchObject({ field: 'events[0].occurredAt' });
  });

  it('NOT_FOUND for writing to a relationship never opened, and nothing appended', async () => {
    const headBefore = await head();
    const reply = await gql(server.url, writer, `mutation { grantExclusivity(input: { relationshipId: "nobody", occurredAt: "2025-02-20T00:00:00Z" }) { position } }`);
    expect(codes(reply)).toEqual(['NOT_FOUND']);
    expectClean(reply);
    expect(await head()).toBe(headBefore);
    expect((await ok(`{ relationship(id: "nobody") { id } }`)).relationship).toBeNull();
  });

  it('CONFLICT with the current version for a stale expectedVersion, and nothing appended', async () => {
    const { version } = await versionOf('globex');
    const reply = await refusedWrite(writer, APPEND, {
      id: 'globex',
      expectedVersion: version - 1,
      events: [{ type: 'InteractionLogged', occurredAt: '2025-02-25T00:00:00Z', actor: 'VENDOR', data: { channel: 'CALL' } }],
    });
    expect(codes(reply)).toEqual(['CONFLICT']);
    expect(reply.errors![0]!.extensions).toMatchObject({ currentVersion: version });
  });

  it('UNAUTHENTICATED with HTTP 401 without a token or with an unknown one', async () => {
    for (const token of [null, 'not-a-real-token']) {
      const reply = await gql(server.url, token, '{ relationships { totalCount } }');
      expect(reply.status).toBe(401);
      expect(codes(reply)).toEqual(['UNAUTHENTICATED']);
      expect(reply.data ?? null).toBeNull();
      expectClean(reply);
    }
  });

  it('FORBIDDEN for a read-only token writing, through appendEvents and a typed mutation, and nothing appended', async () => {
    const append = await refusedWrite(reader, APPEND, {
      id: 'globex',
      events: [{ type: 'InteractionLogged', occurredAt: '2025-02-25T00:00:00Z', actor: 'VENDOR', data: { channel: 'CALL' } }],
    });
    expect(codes(append)).toEqual(['FORBIDDEN']);
    const typed = await refusedWrite(reader, `mutation { grantExclusivity(input: { relationshipId: "globex", occurredAt: "2025-02-25T00:00:00Z" }) { position } }`, {});
    expect(codes(typed)).toEqual(['FORBIDDEN']);
  });
});
