/**
 * Reaching an EventStoreDB cluster: which connection strings survive the loss
 * of a node, what a failed discovery means, which client options are refused,
 * and the compose file that runs the cluster. The cluster is the fake of
 * eventstoredb-fake.ts, which reads connection strings with the real client's
 * parser and, like client 6.2.1, gossips through the first host only of an
 * `esdb+discover://` string.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StoreError, StoreUnavailableError } from '../../src/store/port.js';
import { openEventStoreDb, toStoreError } from '../../src/store/eventstoredb.js';
import {
  DESCRIPTION,
  FakeClient,
  FakeCluster,
  FakeSubscription,
  discoveryFailed,
  newEvent,
  recorded,
  storeWith,
  take,
} from './eventstoredb-fake.js';

const compose = readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8');
const guide = readFileSync(new URL('../../docs/EVENTSTOREDB.md', import.meta.url), 'utf8');

/** The lines of one service of docker-compose.yml (two-space indented under `services:`). */
function service(name: string): string {
  const lines = compose.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`  ${name}:`));
  expect(start, `service ${name} in docker-compose.yml`).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((line, n) => n > start && /^ {0,2}\S/.test(line));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

function connectionStringOf(name: string): string {
  const match = /EVENTSTORE_CONNECTION_STRING:\s*(\S+)/.exec(service(name));
  expect(match, `${name}'s EVENTSTORE_CONNECTION_STRING`).not.toBeNull();
  return match![1]!;
}

describe("the cluster's connection string", () => {
  it('reaches the cluster with any one node down', async () => {
    const connectionString = connectionStringOf('api-cluster');
    for (const down of ['eventstore-node1:2113', 'eventstore-node2:2113', 'eventstore-node3:2113']) {
      const cluster = new FakeCluster([down]);
      const store = await openEventStoreDb(connectionString, { connect: cluster.connect, connectTimeoutMs: 50 });
      await store.close();
    }
  });

  it('is refused when it names several hosts for DNS discovery, of which the client would use only the first', async () => {
    const cluster = new FakeCluster([]);
    const error = await openEventStoreDb(
      'esdb+discover://admin:changeit@node1:2113,node2:2113,node3:2113?tlsCAFile=/certs/ca/ca.crt',
      { connect: cluster.connect },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'INVALID_CONNECTION_STRING' });
    expect((error as Error).message).toContain('esdb://admin:***@node1:2113,node2:2113,node3:2113');
    expect((error as Error).message).not.toContain('changeit');
    expect(cluster.clients).toHaveLength(0);
  });

  it('keeps working as esdb+discover:// with a single DNS name', async () => {
    const cluster = new FakeCluster([]);
    const store = await openEventStoreDb('esdb+discover://cluster.example:2113', { connect: cluster.connect });
    await store.close();
  });

  it('is written in the guide the way that survives a node down', () => {
    expect(guide).not.toMatch(/esdb\+discover:\/\/[^\s`]*,/);
    expect(guide).toContain(connectionStringOf('api-cluster'));
  });
});

describe('a discovery that finds no node', () => {
  it('is the store being unavailable, not an unknown failure', () => {
    const error = toStoreError(discoveryFailed(), { description: DESCRIPTION });
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error.message).toContain('Failed to discover after 10 attempts.');
  });

  it('makes an append wait and retry, as during an election', async () => {
    const client = new FakeClient();
    const { store, delays } = storeWith(client);
    client.appendOutcomes.push(discoveryFailed(), discoveryFailed(), 'write');
    expect(await store.append('rel-t-1', [newEvent()], 'no_stream')).toMatchObject({ nextRevision: 0 });
    expect(delays).toEqual([100, 200]);
  });

  it('makes a subscription resubscribe instead of ending', async () => {
    const client = new FakeClient();
    client.subscriptions.push(
      new FakeSubscription([recorded('rel-t-1', 0, 1), discoveryFailed()]),
      new FakeSubscription([recorded('rel-t-1', 1, 2)]),
    );
    const { store } = storeWith(client);
    const subscription = store.subscribeToAll();
    expect((await take(subscription, 2)).map((e) => e.position)).toEqual([1n, 2n]);
    await subscription.stop();
  });

  it('fails opening with an unavailable error when every seed is down', async () => {
    const cluster = new FakeCluster(['node1:2113', 'node2:2113']);
    const error = await openEventStoreDb('esdb://node1:2113,node2:2113', { connect: cluster.connect }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toContain('Failed to discover');
  });
});

describe('client options that would hide a failure', () => {
  it('refuses throwOnAppendFailure=false at startup, in any spelling', async () => {
    for (const option of ['throwOnAppendFailure=false', 'ThrowOnAppendFailure=false', 'throw_on_append_failure=false']) {
      const cluster = new FakeCluster([]);
      const error = await openEventStoreDb(`esdb://admin:secret@db:2113?tls=false&${option}`, {
        connect: cluster.connect,
      }).catch((e: unknown) => e);
      expect(error, option).toMatchObject({ code: 'INVALID_CONNECTION_STRING' });
      expect((error as Error).message).toContain('throwOnAppendFailure');
      expect((error as Error).message).not.toContain('secret');
    }
  });

  it('refuses a client made with throwOnAppendFailure off, however it was made', async () => {
    const client = new FakeClient();
    client.throwOnAppendFailure = false;
    const error = await openEventStoreDb('esdb://db:2113?tls=false', { client }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_CONNECTION_STRING' });
    expect(client.disposed).toBe(true);
  });

  it('accepts throwOnAppendFailure=true, the default', async () => {
    const cluster = new FakeCluster([]);
    const store = await openEventStoreDb('esdb://db:2113?tls=false&throwOnAppendFailure=true', { connect: cluster.connect });
    await store.close();
  });
});

describe('the compose file', () => {
  it('restarts the API after a failed start', () => {
    for (const name of ['api', 'api-cluster']) expect(service(name), name).toMatch(/^ {4}restart: (always|unless-stopped|on-failure)/m);
  });

  it('puts the cluster on one network, so each node advertises one address', () => {
    for (const name of ['eventstore-node1', 'eventstore-node2', 'eventstore-node3', 'api-cluster']) {
      const networks = /^ {4}networks:\n((?: {6}.*\n?)+)/m.exec(service(name));
      expect(networks, `${name}'s networks`).not.toBeNull();
      const names = networks![1]!.split('\n').filter((line) => /^ {6}\S/.test(line) || /^ {6}- /.test(line));
      expect(names, name).toHaveLength(1);
      expect(names[0], name).toMatch(/cluster/);
    }
  });

  it('starts each API only once its nodes report healthy', () => {
    const nodes = ['eventstore-node1', 'eventstore-node2', 'eventstore-node3'];
    // Nodes 2 and 3 take node 1's settings, its health check included, through the `cluster-node` anchor.
    expect(service('eventstore-node1')).toMatch(/^ {4}healthcheck:/m);
    expect(service('eventstore-node1')).toMatch(/&cluster-node/);
    for (const node of nodes.slice(1)) expect(service(node), node).toMatch(/^ {4}(healthcheck:|<<: \*cluster-node)/m);
    expect(service('eventstore')).toMatch(/healthcheck:/);
    expect(service('api')).toMatch(/eventstore:\n\s+condition: service_healthy/);
    for (const node of nodes) expect(service('api-cluster')).toMatch(new RegExp(`${node}:\\n\\s+condition: service_healthy`));
  });
});
