import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startHarness, typedMutation, type Harness } from '../support/graphql.js';

const RELATIONSHIP = `
  id accountName segment phase phaseSince cycle version
  phaseHistory { from to at cycle cause { kind eventType rule revision } }
  timeToProposal { seconds days iso }
  readiness { ready reasons }
  responsiveness { openQuestions }
  flags
  events(first: 100) { totalCount edges { cursor node { type revision actor } } }
`;

let h: Harness;

/** Initech: a courtship recorded through the typed mutations, up to the proposal. */
async function courtInitech(): Promise<void> {
  const steps: [string, Record<string, unknown>][] = [
    ['openRelationship', { accountName: 'Initech', segment: 'SMB', occurredAt: '2025-01-01T10:00:00Z' }],
    ['signalInterest', { actor: 'VENDOR', occurredAt: '2025-01-02T10:00:00Z' }],
    ['signalInterest', { actor: 'PROSPECT', channel: 'EMAIL', occurredAt: '2025-01-03T10:00:00Z' }],
    ['askQuestion', { questionId: 'q1', topic: 'SECURITY', occurredAt: '2025-01-04T10:00:00Z' }],
    ['answerQuestion', { questionId: 'q1', occurredAt: '2025-01-05T10:00:00Z' }],
    ['grantExclusivity', { occurredAt: '2025-01-06T10:00:00Z' }],
    ['submitProposal', { proposalId: 'p1', amount: 50000, currency: 'EUR', occurredAt: '2025-01-10T10:00:00Z' }],
  ];
  for (const [mutation, fields] of steps) {
    await h.ok(typedMutation(mutation), {
      input: { relationshipId: 'initech', ...fields },
    });
  }
}

/** Globex: opened and dating, recorded in one appendEvents batch. */
const GLOBEX_EVENTS = [
  { type: 'RelationshipOpened', occurredAt: '2025-01-02T09:00:00Z', actor: 'PROSPECT', data: { accountName: 'Globex', segment: 'ENTERPRISE' } },
  { type: 'InteractionLogged', occurredAt: '2025-01-02T10:00:00Z', actor: 'PROSPECT', data: { channel: 'CALL' } },
  { type: 'InteractionLogged', occurredAt: '2025-01-03T10:00:00Z', actor: 'VENDOR', data: { channel: 'DEMO' } },
];

beforeAll(async () => {
  h = await startHarness('2025-01-20T00:00:00Z');
  await courtInitech();
  await h.ok(
    `mutation($events: [EventInput!]!) { appendEvents(relationshipId: "globex", events: $events) { position relationship { version } } }`,
    { events: GLOBEX_EVENTS },
  );
  await h.ok(`mutation { openRelationship(input: { relationshipId: "hooli", accountName: "Hooli", occurredAt: "2025-01-04T00:00:00Z" }) { position } }`);
});

afterAll(async () => {
  await h?.close();
});

describe('recording a courtship', () => {
  it('reads the phase, its history with causes, and the time to proposal back', async () => {
    const { relationship } = await h.ok(`{ relationship(id: "initech") { ${RELATIONSHIP} } }`);
    expect(relationship).toMatchObject({
      id: 'initech',
      accountName: 'Initech',
      segment: 'SMB',
      phase: 'PROPOSED',
      phaseSince: '2025-01-10T10:00:00.000Z',
      cycle: 1,
      version: 6,
      timeToProposal: { seconds: 9 * 86_400, days: 9, iso: 'P9D' },
      readiness: { ready: true, reasons: [] },
      responsiveness: { openQuestions: 0 },
    });
    expect(relationship.phaseHistory.map((c: any) => [c.from, c.to, c.cause.kind, c.cause.eventType, c.cause.revision])).toEqual([
      ['ATTRACTION', 'DATING', 'EVENT', 'InterestSignaled', 2],
      ['DATING', 'EXCLUSIVE', 'EVENT', 'ExclusivityGranted', 5],
      ['EXCLUSIVE', 'PROPOSED', 'EVENT', 'ProposalSubmitted', 6],
    ]);
    expect(relationship.events.totalCount).toBe(7);
    expect(relationship.events.edges.map((e: any) => e.node.actor)).toEqual([
      'VENDOR', 'VENDOR', 'PROSPECT', 'PROSPECT', 'VENDOR', 'PROSPECT', 'VENDOR',
    ]);
  });

  it('returns the relationship with the write applied and a position usable as an events cursor', async () => {
    const { askQuestion } = await h.ok(
      `mutation { askQuestion(input: { relationshipId: "hooli", questionId: "h1", topic: PRICING, occurredAt: "2025-01-05T00:00:00Z" }) {
          position relationship { version responsiveness { openQuestions } } } }`,
    );
    expect(askQuestion.relationship).toEqual({ version: 1, responsiveness: { openQuestions: 1 } });
    const after = await h.ok(`query($after: String) { events(after: $after) { edges { node { type } } } }`, {
      after: askQuestion.position,
    });
    expect(after.events.edges).toEqual([]);
  });

  it('applies a silence deadline at read time once the clock passes it (left at the altar)', async () => {
    const later = await startHarness('2025-01-20T00:00:00Z');
    try {
      await later.ok(
        `mutation($events: [EventInput!]!) { appendEvents(relationshipId: "r", events: $events) { position } }`,
        {
          events: [
            { type: 'RelationshipOpened', occurredAt: '2025-01-01T00:00:00Z', actor: 'VENDOR', data: { accountName: 'Umbrella' } },
            { type: 'ProposalSubmitted', occurredAt: '2025-01-02T00:00:00Z', actor: 'VENDOR', data: { proposalId: 'p' } },
          ],
        },
      );
      later.clock.set('2025-03-01T00:00:00Z');
      const { relationship } = await later.ok(`{ relationship(id: "r") { phase version phaseHistory { to at cause { kind rule } } } }`);
      expect(relationship.phase).toBe('LEFT_AT_ALTAR');
      expect(relationship.version).toBe(1);
      expect(relationship.phaseHistory.at(-1)).toEqual({
        to: 'LEFT_AT_ALTAR',
        at: '2025-02-16T00:00:00.000Z',
        cause: { kind: 'DEADLINE', rule: 'ALTAR_SILENCE' },
      });
    } finally {
      await later.close();
    }
  });
});

describe('time travel', () => {
  it('replays a relationship as of a past instant, events included', async () => {
    const { relationship } = await h.ok(
      `{ relationship(id: "initech", asOf: "2025-01-05T12:00:00Z") { phase version asOf events { totalCount edges { node { revision } } pageInfo { hasNextPage } } } }`,
    );
    expect(relationship).toEqual({
      phase: 'DATING',
      version: 4,
      asOf: '2025-01-05T12:00:00.000Z',
      events: { totalCount: 5, edges: [0, 1, 2, 3, 4].map((revision) => ({ node: { revision } })), pageInfo: { hasNextPage: false } },
    });
  });

  it('answers null before the relationship was opened', async () => {
    const { relationship } = await h.ok(`{ relationship(id: "initech", asOf: "2024-12-31T00:00:00Z") { id } }`);
    expect(relationship).toBeNull();
  });

  it('refuses to look into the future', async () => {
    const result = await h.run(`{ relationship(id: "initech", asOf: "2030-01-01T00:00:00Z") { id } }`);
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.extensions).toMatchObject({ field: 'asOf' });
  });

  it('lists only relationships opened by then, each as of then', async () => {
    const { relationships } = await h.ok(
      `{ relationships(asOf: "2025-01-03T00:00:00Z", orderBy: [{ field: ID }]) { totalCount edges { node { relationshipId phase version } } } }`,
    );
    expect(relationships.edges.map((e: any) => e.node)).toEqual([
      { relationshipId: 'globex', phase: 'ATTRACTION', version: 1 },
      { relationshipId: 'initech', phase: 'ATTRACTION', version: 1 },
    ]);
    expect(relationships.totalCount).toBe(2);
  });
});

describe('filters and pagination', () => {
  it('filters with one operator object per field', async () => {
    const { relationships } = await h.ok(`{ relationships(filter: { phase: { in: [DATING, PROPOSED] }, segment: { eq: "SMB" } }) { totalCount edges { node { id } } } }`);
    expect(relationships).toEqual({ totalCount: 1, edges: [{ node: { id: 'initech' } }] });
  });

  it('combines filters with or', async () => {
    const { relationships } = await h.ok(
      `{ relationships(filter: { or: [{ phase: { eq: DATING } }, { accountName: { eq: "Hooli" } }] }, orderBy: [{ field: ACCOUNT_NAME }]) { edges { node { id } } } }`,
    );
    expect(relationships.edges.map((e: any) => e.node.id)).toEqual(['globex', 'hooli']);
  });

  it('pages through relationships with first and after', async () => {
    const query = `query($after: String) { relationships(first: 2, after: $after, orderBy: [{ field: ID, direction: DESC }]) {
      totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`;
    const one = (await h.ok(query)).relationships;
    expect(one.edges.map((e: any) => e.node.id)).toEqual(['initech', 'hooli']);
    expect(one.pageInfo).toEqual({ hasNextPage: true, endCursor: one.edges[1].cursor });
    expect(one.totalCount).toBe(3);
    const two = (await h.ok(query, { after: one.pageInfo.endCursor })).relationships;
    expect(two.edges.map((e: any) => e.node.id)).toEqual(['globex']);
    expect(two.pageInfo.hasNextPage).toBe(false);
  });

  it('pages through the global log in order with cursors that can be reused', async () => {
    const query = `query($after: String) { events(first: 4, after: $after) { edges { cursor node { relationshipId revision position } } pageInfo { hasNextPage endCursor } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const result: { events: any } = await h.ok(query, { after });
      const { events } = result;
      for (const edge of events.edges) {
        expect(edge.cursor).toBe(edge.node.position);
        seen.push(`${edge.node.relationshipId}@${edge.node.revision}`);
      }
      if (!events.pageInfo.hasNextPage) break;
      after = events.pageInfo.endCursor;
    }
    expect(seen.slice(0, 8)).toEqual([0, 1, 2, 3, 4, 5, 6].map((r) => `initech@${r}`).concat('globex@0'));
    expect(seen).toHaveLength(7 + 3 + 2);
  });

  it("filters the global log by type and actor", async () => {
    const { events } = await h.ok(`{ events(filter: { types: ["InteractionLogged"], actors: [VENDOR] }) { edges { node { relationshipId type actor } } } }`);
    expect(events.edges).toEqual([{ node: { relationshipId: 'globex', type: 'InteractionLogged', actor: 'VENDOR' } }]);
  });
});

describe('errors', () => {
  it('names the page size when first is out of range', async () => {
    for (const query of ['{ relationships(first: 0) { totalCount } }', '{ events(first: 101) { pageInfo { hasNextPage } } }']) {
      const result = await h.run(query);
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors![0]!.extensions).toMatchObject({ field: 'first' });
    }
  });

  it('bounds the relationships a filter of the log may name', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `r${i}`);
    const result = await h.run('query($ids: [ID!]) { events(filter: { relationshipIds: $ids }) { pageInfo { hasNextPage } } }', { ids });
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.extensions).toMatchObject({ field: 'filter.relationshipIds', reason: 'TOO_MANY_VALUES' });
    const hundred = await h.run('query($ids: [ID!]) { events(filter: { relationshipIds: $ids }) { pageInfo { hasNextPage } } }', {
      ids: ids.slice(0, 100),
    });
    expect(hundred.errors).toBeUndefined();
  });

  it('names the cursor when after is not one of ours', async () => {
    const result = await h.run('{ events(after: "not-a-cursor") { pageInfo { hasNextPage } } }');
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.extensions).toMatchObject({ field: 'after', reason: 'INVALID_CURSOR' });
  });

  it('refuses answering a question never asked, naming the field of the typed input', async () => {
    const result = await h.run(`mutation { answerQuestion(input: { relationshipId: "globex", questionId: "nope", occurredAt: "2025-01-15T00:00:00Z" }) { position } }`);
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.extensions).toMatchObject({ reason: 'QUESTION_NOT_ASKED', field: 'input.questionId' });
    expect(result.errors![0]!.message).toMatch(/^input refused: /);
  });

  it('names the relationship, a field the typed input has, when its state refuses the mutation', async () => {
    const result = await h.run(`mutation { openRelationship(input: { relationshipId: "globex", accountName: "Globex again", occurredAt: "2025-01-15T00:00:00Z" }) { position } }`);
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.extensions).toMatchObject({ field: 'input.relationshipId' });
    expect(result.errors![0]!.message).not.toMatch(/events\[/);
  });

  it('refuses a whole batch, naming the event and field, and appends nothing', async () => {
    const result = await h.run(
      `mutation($events: [EventInput!]!) { appendEvents(relationshipId: "globex", events: $events) { position } }`,
      {
        events: [
          { type: 'QuestionAsked', occurredAt: '2025-01-15T00:00:00Z', actor: 'PROSPECT', data: { questionId: 'g1', topic: 'PRICING' } },
          { type: 'QuestionAnswered', occurredAt: '2025-01-15T01:00:00Z', actor: 'VENDOR', data: { questionId: 'g2' } },
        ],
      },
    );
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0]!.extensions).toMatchObject({ reason: 'QUESTION_NOT_ASKED', field: 'events[1].data.questionId', index: 1 });
    const { relationship } = await h.ok('{ relationship(id: "globex") { version } }');
    expect(relationship.version).toBe(2);
  });

  it('fails a stale expectedVersion with CONFLICT and the current version', async () => {
    const result = await h.run(`mutation { logInteraction(input: { relationshipId: "globex", actor: VENDOR, channel: EMAIL, expectedVersion: 0, occurredAt: "2025-01-15T00:00:00Z" }) { position } }`);
    expect(codes(result)).toEqual(['CONFLICT']);
    expect(result.errors![0]!.extensions).toMatchObject({ currentVersion: 2 });
  });

  it('answers NOT_FOUND when writing to a relationship that was never opened', async () => {
    const result = await h.run(`mutation { grantExclusivity(input: { relationshipId: "nobody" }) { position } }`);
    expect(codes(result)).toEqual(['NOT_FOUND']);
    // Which field, and why.
    expect(result.errors![0]!.extensions).toMatchObject({ field: 'input.relationshipId', reason: 'NOT_OPENED' });
    expect(result.errors![0]!.message).toBe('relationship nobody does not exist: a relationship starts with RelationshipOpened, not ExclusivityGranted');
    const batch = await h.run(`mutation { appendEvents(relationshipId: "nobody", events: [{ type: "InterestSignaled", occurredAt: "2025-01-15T00:00:00Z", actor: PROSPECT }]) { position } }`);
    expect(batch.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'relationshipId', reason: 'NOT_OPENED' });
  });

  it('answers null for an unknown relationship', async () => {
    expect(await h.ok('{ relationship(id: "nobody") { id } }')).toEqual({ relationship: null });
  });

  it('needs the write scope to write and the read scope to read', async () => {
    const write = await h.run(`mutation { grantExclusivity(input: { relationshipId: "globex" }) { position } }`, {}, { scopes: ['read'] });
    expect(codes(write)).toEqual(['FORBIDDEN']);
    const read = await h.run('{ relationships { totalCount } }', {}, { scopes: [] });
    expect(codes(read)).toEqual(['FORBIDDEN']);
  });

  it("never shows one tenant another's relationships", async () => {
    const other = { tenant: 'umbrella' };
    expect(await h.ok('{ relationship(id: "initech") { id } }', {}, other)).toEqual({ relationship: null });
    expect(await h.ok('{ relationships { totalCount } events { edges { cursor } } }', {}, other)).toEqual({
      relationships: { totalCount: 0 },
      events: { edges: [] },
    });
  });
});

describe('batching', () => {
  it('answers each relationship(id) with one lookup of its row', async () => {
    h.resetCalls();
    const data = await h.ok('{ a: relationship(id: "initech") { id } b: relationship(id: "globex") { id } c: relationship(id: "initech") { phase } d: relationship(id: "nobody") { id } }');
    expect(data).toEqual({ a: { id: 'initech' }, b: { id: 'globex' }, c: { phase: 'PROPOSED' }, d: null });
    expect(h.calls.get('findRelationship')).toBe(4);
  });

  it('reads a page of relationships once, and each relationship\'s events once however often they are asked for', async () => {
    h.resetCalls();
    await h.ok('{ relationships { edges { node { id events(first: 2) { totalCount } again: events(first: 2) { totalCount } } } } }');
    expect(h.calls.get('pageRelationships')).toBe(1);
    expect(h.calls.get('getRelationship')).toBeUndefined();
    expect(h.calls.get('listRelationshipEventsMany')).toBe(1);
    expect(h.calls.get('listRelationshipEvents')).toBeUndefined();
  });
});
