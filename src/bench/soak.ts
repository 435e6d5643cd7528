/**
 * `npm run soak` (not in CI): N minutes (default 10) of mixed reads, writes
 * and subscriptions on loopback against a Courtship server, reporting error
 * counts, latency per minute and memory growth. It starts its own server (a
 * child process on a temp data dir seeded with generated relationships) and
 * stops by itself; every loop is bounded (one request in flight per loop, a
 * fixed number of loops and subscribers).
 *
 *   node dist/bench/soak.js [--minutes 10] [--relationships 2000] [--hostile]
 *
 * `--hostile` mixes in a hostile client on a read token of the same tenant
 * (hostile.ts): one refused attack a second. Its answers are reported apart;
 * the table's requests and errors are the other clients' only.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { APPEND_EVENTS, workloadTime } from './graphql-client.js';
import { loadLog } from './load-log.js';
import { mb, nowMs, quantile, rssOf } from './measure.js';
import { startServerProcess } from './server-process.js';
import { TokenStore } from '../auth/token-store.js';
import { hostileReport, runHostileClient, type HostileTally } from './hostile.js';
import { WORKLOAD_NOW, WORKLOAD_TENANT } from './workload.js';

const READERS = 6;
const WRITERS = 3;
const SUBSCRIBERS = 100;

interface Minute {
  latencies: number[];
  errors: Map<string, number>;
  deliveries: number;
}

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '10' }, relationships: { type: 'string', default: '2000' }, hostile: { type: 'boolean', default: false } },
  strict: true,
});
const minutes = Number(values.minutes);
const relationships = Number(values.relationships);
if (!(minutes > 0) || !Number.isInteger(relationships) || relationships < 1) {
  process.stderr.write('usage: node dist/bench/soak.js [--minutes N] [--relationships N] [--hostile]\n');
  process.exit(2);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-soak-'));
const log = await loadLog(path.join(dir, 'data'), { relationships });
const origin = Date.now();
const eventTime = workloadTime(WORKLOAD_NOW, origin);
const server = await startServerProcess(log.dataDir);
const { url, token } = server.ready;
process.stderr.write(`soak: ${minutes} min against ${url} (${log.relationships} relationships, ${log.events} events loaded)\n`);

const started = nowMs();
const endsAt = started + minutes * 60_000;
const perMinute: Minute[] = [];
const rss: number[] = [];
const minuteOf = (): Minute => {
  const index = Math.min(Math.floor((nowMs() - started) / 60_000), Math.ceil(minutes) - 1);
  return (perMinute[index] ??= { latencies: [], errors: new Map(), deliveries: 0 });
};
const fail = (kind: string): void => {
  const m = minuteOf();
  m.errors.set(kind, (m.errors.get(kind) ?? 0) + 1);
};

async function request(query: string, variables: Record<string, unknown>): Promise<void> {
  const begun = nowMs();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    if (!response.ok) fail(`HTTP ${response.status}`);
    else if (body.errors?.length) fail(body.errors[0]!.extensions?.code ?? 'GRAPHQL_ERROR');
    else minuteOf().latencies.push(nowMs() - begun);
  } catch (error) {
    fail(error instanceof Error ? error.name : 'FETCH_FAILED');
  }
}

const READS = [
  (id: string) => request('query($id: ID!) { relationship(id: $id) { id phase cycle flags version } }', { id }),
  (id: string) => request('query($id: ID!) { relationship(id: $id, asOf: "2022-07-01T00:00:00Z") { id phase } }', { id }),
  () => request('{ relationships(first: 50, filter: { phase: { in: [MARRIED, NEGLECTED] } }) { totalCount edges { node { id phase } } } }', {}),
];

async function reader(n: number): Promise<void> {
  for (let i = n; nowMs() < endsAt; i += READERS) await READS[i % READS.length]!(log.relationshipIds[i % log.relationshipIds.length]!);
}

/** One writer owns its relationships, so its events never go backwards in time. */
async function writer(n: number): Promise<void> {
  for (let i = 0; nowMs() < endsAt; i++) {
    const id = `soak-${n}-${Math.floor(i / 20)}`;
    const step = i % 20;
    const events =
      step === 0
        ? [{ type: 'RelationshipOpened', actor: 'VENDOR', occurredAt: eventTime(), data: { accountName: `Soak ${id}` } }]
        : step === 1
          ? [{ type: 'InterestSignaled', actor: 'VENDOR', occurredAt: eventTime(), data: {} }]
          : step === 2
            ? [{ type: 'InterestSignaled', actor: 'PROSPECT', occurredAt: eventTime(), data: {} }]
            : [{ type: 'InteractionLogged', actor: step % 2 ? 'VENDOR' : 'PROSPECT', occurredAt: eventTime(), data: { channel: 'EMAIL' } }];
    await request(APPEND_EVENTS, { id, events });
  }
}

function subscribe(): Client[] {
  return Array.from({ length: SUBSCRIBERS }, (_, i) => {
      const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
      // Half follow every phase change, half only the ones into DATING (the writers cause both kinds).
      const query = i % 2 ? 'subscription { phaseChanged { relationshipId to cursor } }' : 'subscription { phaseChanged(phases: [DATING]) { relationshipId cursor } }';
      client.subscribe({ query }, { next: () => void minuteOf().deliveries++, error: () => fail('SUBSCRIPTION_ERROR'), complete: () => undefined });
      return client;
    });
}

const clients = subscribe();
const sampler = setInterval(() => rss.push(rssOf(server.pid) ?? 0), 60_000);
rss.push(rssOf(server.pid) ?? 0);
let hostileTally: HostileTally | undefined;
const hostile = async (): Promise<void> => {
  if (!values.hostile) return;
  const tokens = TokenStore.open(log.dataDir);
  const { token: hostileToken } = tokens.create({ tenant: WORKLOAD_TENANT, scopes: ['read'], label: 'hostile' });
  tokens.close();
  hostileTally = await runHostileClient({ url, token: hostileToken, endsAt, intervalMs: 1_000, frameBytes: 16 * 1024 * 1024 });
};
await Promise.all([...Array.from({ length: READERS }, (_, n) => reader(n)), ...Array.from({ length: WRITERS }, (_, n) => writer(n)), hostile()]);
clearInterval(sampler);
rss.push(rssOf(server.pid) ?? 0);
await Promise.all(clients.map((c) => c.dispose()));
await server.close();
fs.rmSync(dir, { recursive: true, force: true });

const lines = ['| minute | requests | errors | p50 ms | p99 ms | subscription deliveries | server RSS MB |', '| ---: | ---: | --- | ---: | ---: | ---: | ---: |'];
perMinute.forEach((m, i) => {
  const errors = [...m.errors].map(([kind, count]) => `${kind} ${count}`).join(', ') || '0';
  lines.push(`| ${i + 1} | ${m.latencies.length} | ${errors} | ${quantile(m.latencies, 0.5).toFixed(1)} | ${quantile(m.latencies, 0.99).toFixed(1)} | ${m.deliveries} | ${Math.round(mb(rss[Math.min(i + 1, rss.length - 1)]!))} |`);
});
const totalErrors = perMinute.reduce((n, m) => n + [...m.errors.values()].reduce((a, b) => a + b, 0), 0);
lines.push('', `Errors: ${totalErrors}. Server RSS: ${Math.round(mb(rss[0]!))} MB at start, ${Math.round(mb(rss[rss.length - 1]!))} MB at the end (${Math.round(mb(rss[rss.length - 1]! - rss[0]!))} MB growth).`);
if (hostileTally) lines.push(...hostileReport(hostileTally));
process.stdout.write(`${lines.join('\n')}\n`);
process.exitCode = totalErrors === 0 ? 0 : 1;
