/**
 * Relay over the running server: relay-compiler compiles a fixture of
 * operations that use `@connection`, `@refetchable` and `node` against the
 * committed schema, and relay-runtime executes them against the server. The
 * Relay store keys records by `id` alone, so ids must be unique across types,
 * relationships and snapshots, and Relay must not warn about any of it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createOperationDescriptor,
  Environment,
  fetchQuery,
  getRequest,
  getSelector,
  Network,
  RecordSource,
  Store,
  type GraphQLTaggedNode,
  type ReaderFragment,
  type Variables,
} from 'relay-runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { perform, type Step } from './../support/courtship.js';
import { startServer, type E2EServer } from './../support/server.js';

const FIXTURE_DIR = path.resolve(fileURLToPath(import.meta.url), '../relay');
const GENERATED = path.join(FIXTURE_DIR, '__generated__');
const RELAY_COMPILER = path.resolve(FIXTURE_DIR, '../../../../node_modules/.bin/relay-compiler');

let server: E2EServer;
let token: string;
let artifacts: Record<string, any>;
const warnings: unknown[][] = [];

function courtship(accountName: string, person: string): Step[] {
  return [
    ['openRelationship', { accountName, occurredAt: '2025-02-01T09:00:00Z' }],
    ['introduceStakeholder', { stakeholderId: 's1', name: person, role: 'CHAMPION', occurredAt: '2025-02-02T09:00:00Z' }],
    ['signalInterest', { actor: 'VENDOR', occurredAt: '2025-02-03T09:00:00Z' }],
    ['signalInterest', { actor: 'PROSPECT', occurredAt: '2025-02-10T09:00:00Z' }],
  ];
}

function environment(): Environment {
  return new Environment({
    network: Network.create(async (operation, variables) => {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: operation.text, variables }),
      });
      return (await response.json()) as never;
    }),
    store: new Store(new RecordSource()),
  });
}

async function fetchData(env: Environment, query: GraphQLTaggedNode, variables: Variables): Promise<any> {
  return fetchQuery(env, query, variables, { fetchPolicy: 'network-only' }).toPromise();
}

/** What a component using the fragment would render, read from the store. */
function readFragment(env: Environment, fragment: ReaderFragment, ref: unknown): any {
  const selector = getSelector(fragment, ref as never);
  if (selector === null || selector.kind !== 'SingularReaderSelector') throw new Error('not a singular fragment reference');
  return env.lookup(selector).data;
}

beforeAll(async () => {
  // Compiling is part of the test: the fixture must compile against the committed schema.
  rmSync(GENERATED, { recursive: true, force: true });
  execFileSync(RELAY_COMPILER, [path.join(FIXTURE_DIR, 'relay.config.json')], { cwd: FIXTURE_DIR, stdio: 'pipe', timeout: 60_000 });
  artifacts = Object.fromEntries(
    await Promise.all(
      [
        'relayFixturePipelineQuery',
        'relayFixturePipelinePaginationQuery',
        'relayFixture_pipeline',
        'relayFixture_relationship',
        'relayFixtureRelationshipRefetchQuery',
        'relayFixtureSnapshotsQuery',
        'relayFixtureNodeQuery',
      ].map(async (name) => [name, (await import(path.join(GENERATED, `${name}.graphql.ts`))).default]),
    ),
  );
  server = await startServer({ now: '2025-03-01T00:00:00Z' });
  token = server.token('acme');
  for (const [id, name, person] of [
    ['r1', 'Initech', 'Peter'],
    ['r2', 'Globex', 'Hank'],
    ['r3', 'Hooli', 'Gavin'],
    ['r4', 'Umbrella', 'Albert'],
  ] as const) {
    await perform(server.url, token, id, courtship(name, person));
  }
  vi.spyOn(console, 'warn').mockImplementation((...args) => void warnings.push(args));
  vi.spyOn(console, 'error').mockImplementation((...args) => void warnings.push(args));
}, 120_000);
afterAll(() => server?.close());
afterEach(() => {
  expect(warnings).toEqual([]);
});

describe('relay-compiler', () => {
  it('compiles @connection, @refetchable and node operations against the schema', () => {
    for (const name of Object.keys(artifacts)) expect(existsSync(path.join(GENERATED, `${name}.graphql.ts`)), name).toBe(true);
    expect(artifacts['relayFixture_pipeline'].metadata.connection).toHaveLength(1);
    expect(artifacts['relayFixture_relationship'].metadata.refetch.fragmentPathInResult).toEqual(['node']);
  });
});

describe('relay-runtime against the server', () => {
  it('pages a @connection forwards, merging pages, with each stakeholder s1 kept apart', async () => {
    const env = environment();
    const variables = { count: 2, cursor: null };
    await fetchData(env, artifacts['relayFixturePipelineQuery'], variables);
    const operation = createOperationDescriptor(getRequest(artifacts['relayFixturePipelineQuery']), variables);
    const root = env.lookup(operation.fragment).data;
    const first = readFragment(env, artifacts['relayFixture_pipeline'], root);
    expect(first.relationships.edges.map((e: any) => e.node.accountName)).toEqual(['Initech', 'Globex']);

    // What usePaginationFragment's loadNext does: the generated pagination query, from the end cursor.
    expect(first.relationships.pageInfo).toMatchObject({ hasNextPage: true, endCursor: expect.any(String) });
    await fetchData(env, artifacts['relayFixturePipelinePaginationQuery'], { count: 2, cursor: first.relationships.pageInfo.endCursor });
    const both = readFragment(env, artifacts['relayFixture_pipeline'], root);
    expect(both.relationships.edges.map((e: any) => e.node.accountName)).toEqual(['Initech', 'Globex', 'Hooli', 'Umbrella']);
    expect(both.relationships.edges.map((e: any) => [e.node.stakeholders[0].stakeholderId, e.node.stakeholders[0].name])).toEqual([
      ['s1', 'Peter'],
      ['s1', 'Hank'],
      ['s1', 'Gavin'],
      ['s1', 'Albert'],
    ]);
  });

  it('keeps a snapshot and the live relationship as two records, and refetches the snapshot by node', async () => {
    const env = environment();
    const variables = { id: 'r1', asOf: '2025-02-05T00:00:00Z' };
    const data = await fetchData(env, artifacts['relayFixtureSnapshotsQuery'], variables);
    const live = readFragment(env, artifacts['relayFixture_relationship'], data.live);
    const past = readFragment(env, artifacts['relayFixture_relationship'], data.past);
    expect(live).toMatchObject({ id: 'r1', version: 3, phase: 'DATING' });
    expect(past).toMatchObject({ version: 2, phase: 'ATTRACTION' });
    expect(past.id).not.toBe(live.id);

    // What useRefetchableFragment's refetch does: the generated query, by node(id).
    const refetched = await fetchData(env, artifacts['relayFixtureRelationshipRefetchQuery'], { id: past.id });
    expect(readFragment(env, artifacts['relayFixture_relationship'], refetched.node)).toEqual(past);
    expect(readFragment(env, artifacts['relayFixture_relationship'], data.live)).toEqual(live);
  });

  it('fetches a stakeholder by its node id', async () => {
    const env = environment();
    await fetchData(env, artifacts['relayFixturePipelineQuery'], { count: 4, cursor: null });
    const ids = Object.values(env.getStore().getSource().toJSON())
      .filter((record: any) => record.__typename === 'Stakeholder')
      .map((record: any) => [record.id, record.name]);
    expect(ids).toHaveLength(4);
    const [hankId] = ids.find(([, name]) => name === 'Hank')!;
    const { node } = await fetchData(env, artifacts['relayFixtureNodeQuery'], { id: hankId });
    expect(node).toEqual({ __typename: 'Stakeholder', id: hankId, stakeholderId: 's1', name: 'Hank' });
  });
});

