/**
 * Apollo Client 4's InMemoryCache over the running server: objects that share
 * a client id (a stakeholder `s1` in two relationships), a snapshot beside the
 * live relationship, and a mutation that updates a watched list. The cache
 * keys objects by `__typename` + `id`, so each of these must come back intact,
 * and Apollo must not warn about merging.
 */
import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { perform, type Step } from '../support/courtship.js';
import { startServer, type E2EServer } from '../support/server.js';

let server: E2EServer;
let token: string;

/** The same client ids (stakeholder s1, question q1) in every relationship, with different people behind them. */
function courtship(accountName: string, person: string): Step[] {
  return [
    ['openRelationship', { accountName, occurredAt: '2025-02-01T09:00:00Z' }],
    ['introduceStakeholder', { stakeholderId: 's1', name: person, role: 'CHAMPION', occurredAt: '2025-02-02T09:00:00Z' }],
    ['askQuestion', { questionId: 'q1', topic: 'PRICING', text: `${accountName} asks`, occurredAt: '2025-02-03T09:00:00Z' }],
    ['changeStakeholderStance', { stakeholderId: 's1', stance: 'SUPPORTIVE', occurredAt: '2025-02-10T09:00:00Z' }],
  ];
}

function apollo(): ApolloClient {
  return new ApolloClient({
    link: new HttpLink({ uri: server.url, headers: { authorization: `Bearer ${token}` } }),
    cache: new InMemoryCache({
      typePolicies: { Query: { fields: { relationships: relayStylePagination(['filter', 'orderBy', 'asOf']) } } },
    }),
  });
}

const RELATIONSHIP = gql`
  query Relationship($id: ID!, $asOf: DateTime) {
    relationship(id: $id, asOf: $asOf) {
      id
      relationshipId
      accountName
      version
      stakeholders { id stakeholderId name stance }
      openQuestions { id questionId text }
    }
  }
`;

const warnings: unknown[][] = [];

beforeAll(async () => {
  server = await startServer({ now: '2025-03-01T00:00:00Z' });
  token = server.token('acme');
  await perform(server.url, token, 'initech', courtship('Initech', 'Peter'));
  await perform(server.url, token, 'globex', courtship('Globex', 'Hank'));
});
afterAll(() => server?.close());

beforeAll(() => {
  // Apollo reports cache merging problems (and everything else it dislikes) through console.warn/error.
  vi.spyOn(console, 'warn').mockImplementation((...args) => void warnings.push(args));
  vi.spyOn(console, 'error').mockImplementation((...args) => void warnings.push(args));
});
afterEach(() => {
  expect(warnings).toEqual([]);
});

describe('Apollo InMemoryCache', () => {
  it('keeps two relationships whose stakeholders share a client id apart', async () => {
    const client = apollo();
    const a = await client.query({ query: RELATIONSHIP, variables: { id: 'initech' } });
    const b = await client.query({ query: RELATIONSHIP, variables: { id: 'globex' } });
    expect((a.data as any).relationship.stakeholders[0]).toMatchObject({ stakeholderId: 's1', name: 'Peter' });
    expect((b.data as any).relationship.stakeholders[0]).toMatchObject({ stakeholderId: 's1', name: 'Hank' });
    // Read back from the cache alone: the first relationship still has its own stakeholder and question.
    const again = client.readQuery({ query: RELATIONSHIP, variables: { id: 'initech' } }) as any;
    expect(again.relationship.stakeholders[0].name).toBe('Peter');
    expect(again.relationship.openQuestions[0].text).toBe('Initech asks');
  });

  it('keeps a snapshot beside the live relationship without overwriting it', async () => {
    const client = apollo();
    const live = await client.query({ query: RELATIONSHIP, variables: { id: 'initech' } });
    const past = await client.query({ query: RELATIONSHIP, variables: { id: 'initech', asOf: '2025-02-05T00:00:00Z' } });
    expect((past.data as any).relationship).toMatchObject({ relationshipId: 'initech', version: 2 });
    expect((past.data as any).relationship.stakeholders[0].stance).toBe('NEUTRAL');
    const cached = client.readQuery({ query: RELATIONSHIP, variables: { id: 'initech' } }) as any;
    expect(cached.relationship).toEqual((live.data as any).relationship);
    expect(cached.relationship.stakeholders[0].stance).toBe('SUPPORTIVE');
  });

  it('updates a watched list from a mutation result, touching only that relationship', async () => {
    const client = apollo();
    const LIST = gql`
      query Pipeline {
        relationships(first: 10, orderBy: [{ field: ID }]) {
          edges { cursor node { id accountName version phase } }
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        }
      }
    `;
    const seen: any[] = [];
    const watched = client.watchQuery({ query: LIST }).subscribe((result) => {
      if (result.data) seen.push(result.data);
    });
    try {
      await vi.waitFor(() => expect(seen.length).toBeGreaterThan(0));
      const before = seen.at(-1).relationships.edges.map((e: any) => [e.node.id, e.node.version]);
      expect(before).toEqual([['globex', 3], ['initech', 3]]);
      await client.mutate({
        mutation: gql`
          mutation Log($input: LogInteractionInput!) {
            logInteraction(input: $input) { relationship { id version phase } }
          }
        `,
        variables: { input: { relationshipId: 'globex', actor: 'VENDOR', channel: 'CALL', occurredAt: '2025-02-20T09:00:00Z' } },
      });
      await vi.waitFor(() => expect(seen.at(-1).relationships.edges[0].node.version).toBe(4));
      expect(seen.at(-1).relationships.edges.map((e: any) => [e.node.id, e.node.accountName, e.node.version])).toEqual([
        ['globex', 'Globex', 4],
        ['initech', 'Initech', 3],
      ]);
    } finally {
      watched.unsubscribe();
    }
  });
});
