/**
 * Relay's Global Object Identification: every object with an identity has an
 * id no other object of the tenant shares, and `node(id)` gives it back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNodeId } from '../../src/graphql/identity/global-id.js';
import { codes, startHarness, typedMutation, type Harness } from '../support/graphql.js';

let h: Harness;

const EVENT_ID = '6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b';

/** Two relationships that use the same client ids for their stakeholder, question and event. */
async function openWithSameNestedIds(relationshipId: string, accountName: string, stance: string): Promise<void> {
  const steps: [string, Record<string, unknown>][] = [
    ['openRelationship', { accountName, occurredAt: '2025-01-01T10:00:00Z', eventId: EVENT_ID }],
    ['introduceStakeholder', { stakeholderId: 's1', name: `${accountName} CFO`, role: 'DECISION_MAKER', hasVeto: true, occurredAt: '2025-01-02T10:00:00Z' }],
    ['askQuestion', { questionId: 'q1', topic: 'SECURITY', text: `${accountName}'s question`, occurredAt: '2025-01-03T10:00:00Z' }],
    ['changeStakeholderStance', { stakeholderId: 's1', stance, occurredAt: '2025-01-10T10:00:00Z' }],
  ];
  for (const [mutation, fields] of steps) {
    await h.ok(typedMutation(mutation), { input: { relationshipId, ...fields } });
  }
}

const NESTED = `
  id relationshipId accountName version
  stakeholders { id stakeholderId name stance }
  openQuestions { id questionId text }
  events(first: 1) { edges { node { id eventId relationshipId } } }
`;

beforeAll(async () => {
  h = await startHarness('2025-02-01T00:00:00Z');
  await openWithSameNestedIds('initech', 'Initech', 'SUPPORTIVE');
  await openWithSameNestedIds('globex', 'Globex', 'OPPOSED');
});

afterAll(async () => {
  await h?.close();
});

describe('ids of nested objects', () => {
  it('gives the same client ids in two relationships two different ids, and keeps the client ids in their own fields', async () => {
    const { a, b } = await h.ok(`{ a: relationship(id: "initech") { ${NESTED} } b: relationship(id: "globex") { ${NESTED} } }`);
    expect(a.stakeholders[0].stakeholderId).toBe('s1');
    expect(b.stakeholders[0].stakeholderId).toBe('s1');
    expect(a.stakeholders[0].id).not.toBe(b.stakeholders[0].id);
    expect(a.openQuestions[0].questionId).toBe('q1');
    expect(a.openQuestions[0].id).not.toBe(b.openQuestions[0].id);
    expect(a.events.edges[0].node.eventId).toBe(EVENT_ID);
    expect(b.events.edges[0].node.eventId).toBe(EVENT_ID);
    expect(a.events.edges[0].node.id).not.toBe(b.events.edges[0].node.id);
  });

  it('never gives two objects of any type the same id', async () => {
    const { a, b, past } = await h.ok(
      `{ a: relationship(id: "initech") { ${NESTED} } b: relationship(id: "globex") { ${NESTED} } past: relationship(id: "initech", asOf: "2025-01-05T00:00:00Z") { ${NESTED} } }`,
    );
    const ids = [a, b, past].flatMap((r) => [
      r.id,
      ...r.stakeholders.map((s: { id: string }) => s.id),
      ...r.openQuestions.map((q: { id: string }) => q.id),
    ]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('the live relationship', () => {
  it('keeps the relationship id, the one mutations take', async () => {
    const { relationship } = await h.ok(`{ relationship(id: "initech") { id relationshipId } }`);
    expect(relationship).toEqual({ id: 'initech', relationshipId: 'initech' });
  });

  it('comes back from node(id)', async () => {
    const { node } = await h.ok(`{ node(id: "initech") { __typename id ... on Relationship { accountName version } } }`);
    expect(node).toEqual({ __typename: 'Relationship', id: 'initech', accountName: 'Initech', version: 3 });
  });
});

describe('a snapshot read asOf', () => {
  const AS_OF = '2025-01-05T00:00:00Z';

  it('has an id of its own, distinct from the live one and from another instant', async () => {
    const { live, past, older } = await h.ok(
      `{ live: relationship(id: "initech") { id } past: relationship(id: "initech", asOf: "${AS_OF}") { id relationshipId }
         older: relationship(id: "initech", asOf: "2025-01-02T12:00:00Z") { id } }`,
    );
    expect(past.relationshipId).toBe('initech');
    expect(new Set([live.id, past.id, older.id]).size).toBe(3);
  });

  it('is the same snapshot when fetched again by node(id), nested objects included', async () => {
    const { past } = await h.ok(`{ past: relationship(id: "initech", asOf: "${AS_OF}") { ${NESTED} asOf } }`);
    const { node } = await h.ok(`query($id: ID!) { node(id: $id) { ... on Relationship { ${NESTED} asOf } } }`, { id: past.id });
    expect(node).toEqual(past);
    expect(past.version).toBe(2);
    expect(past.stakeholders[0].stance).toBe('NEUTRAL');
  });

  it('names nothing at an instant before the relationship was opened', async () => {
    const beforeOpening = encodeNodeId({
      type: 'Relationship',
      scope: { relationshipId: 'initech', asOf: Date.parse('2024-12-01T00:00:00Z'), knownAt: null },
    });
    const { node } = await h.ok(`query($id: ID!) { node(id: $id) { id } }`, { id: beforeOpening });
    expect(node).toBeNull();
  });

  it('is what relationships(asOf) lists under the same id', async () => {
    const { relationships } = await h.ok(`{ relationships(asOf: "${AS_OF}", filter: { id: { eq: "initech" } }) { edges { node { id } } } }`);
    const { past } = await h.ok(`{ past: relationship(id: "initech", asOf: "${AS_OF}") { id } }`);
    expect(relationships.edges[0].node.id).toBe(past.id);
  });
});

describe('node(id) for nested objects', () => {
  it('returns a stakeholder, a question and an event of the right relationship', async () => {
    const { b } = await h.ok(`{ b: relationship(id: "globex") { ${NESTED} } }`);
    const { s, q, e } = await h.ok(
      `query($s: ID!, $q: ID!, $e: ID!) {
        s: node(id: $s) { __typename ... on Stakeholder { name stance } }
        q: node(id: $q) { __typename ... on OpenQuestion { text } }
        e: node(id: $e) { __typename ... on Event { relationshipId eventId type } }
      }`,
      { s: b.stakeholders[0].id, q: b.openQuestions[0].id, e: b.events.edges[0].node.id },
    );
    expect(s).toEqual({ __typename: 'Stakeholder', name: 'Globex CFO', stance: 'OPPOSED' });
    expect(q).toEqual({ __typename: 'OpenQuestion', text: "Globex's question" });
    expect(e).toEqual({ __typename: 'Event', relationshipId: 'globex', eventId: EVENT_ID, type: 'RelationshipOpened' });
  });

  it('answers nodes(ids) in the order asked, null for what does not exist', async () => {
    const { nodes } = await h.ok(`{ nodes(ids: ["globex", "nobody", "initech"]) { id } }`);
    expect(nodes).toEqual([{ id: 'globex' }, null, { id: 'initech' }]);
  });
});

describe('ids that name nothing here', () => {
  it('refuses an id this API never produced with BAD_USER_INPUT', async () => {
    const result = await h.run(`{ node(id: "Stakeholder!not-json") { id } }`);
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
  });

  it('gives null for another tenant\'s object, never the object', async () => {
    const { a } = await h.ok(`{ a: relationship(id: "initech") { ${NESTED} } }`);
    const { node, stakeholder } = await h.ok(
      `query($s: ID!) { node(id: "initech") { id } stakeholder: node(id: $s) { id } }`,
      { s: a.stakeholders[0].id },
      { tenant: 'umbrella' },
    );
    expect(node).toBeNull();
    expect(stakeholder).toBeNull();
  });

  it('refuses more than 100 ids in one nodes call', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `r${i}`);
    const result = await h.run(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
  });
});
