/**
 * HTTP section: autocannon (50 connections, loopback, fixed duration, in this
 * process) against a Courtship server in a child process, next to a bare
 * Apollo server in another child: `{ hello }` for one relationship and the
 * writes, the same page of 50 relationships held in memory for the lists.
 */
import path from 'node:path';
import autocannon from 'autocannon';
import type { BenchRow } from './report.js';
import { APPEND_EVENTS } from './graphql-client.js';
import { rawSingleInserts, type RawSingleInserts } from './raw-log.js';

const CONNECTIONS = 50;
export const WARMUP_SECONDS = 1;

export interface HttpBenchOptions {
  readonly courtship: { readonly url: string; readonly token: string };
  readonly bareUrl: string;
  readonly relationshipIds: readonly string[];
  readonly seconds: number;
  /** Instant of an event sent now, in the server's time (see graphql-client.ts). */
  readonly eventTime: () => string;
  /** Directory for the raw better-sqlite3 files of the append baseline; removed by the caller. */
  readonly rawDir: string;
}

export interface Target {
  readonly url: string;
  readonly headers: Record<string, string>;
  /** A fresh request body per request (autocannon's setupRequest). */
  readonly body: () => string;
}

export interface Run {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** Transport errors, timeouts, non-2xx answers and GraphQL errors. */
  readonly failures: number;
  readonly total: number;
  /** The first GraphQL error message seen, to say why requests failed. */
  readonly firstError: string | null;
}

const RELATIONSHIP = `query R($id: ID!) { relationship(id: $id) { id accountName phase phaseSince cycle version flags } }`;
const RELATIONSHIP_AS_OF = `query R($id: ID!, $asOf: DateTime) { relationship(id: $id, asOf: $asOf) { id phase phaseSince cycle version flags } }`;
const RELATIONSHIPS = `query L($filter: RelationshipFilter, $orderBy: [RelationshipOrder!]) {
  relationships(first: 50, filter: $filter, orderBy: $orderBy) { totalCount edges { cursor node { id accountName phase phaseSince } } pageInfo { hasNextPage endCursor } }
}`;
/** Issue 14's list goals: a phase + segment filter, ordered three ways. */
const LIST_ORDERS = [
  { field: 'UPDATED_AT', goal: { p99: 50, ratio: 0.5 } },
  { field: 'DECAY_SCORE', goal: { p99: 100, ratio: 0 } },
  { field: 'TIME_TO_PROPOSAL', goal: { p99: 100, ratio: 0 } },
] as const;

export async function runHttpBench(options: HttpBenchOptions): Promise<BenchRow[]> {
  const json = { 'content-type': 'application/json' };
  const auth = { ...json, authorization: `Bearer ${options.courtship.token}` };
  const ids = cycle(options.relationshipIds);
  const asOf = new Date(Date.UTC(2022, 6, 1)).toISOString();
  const courtship = options.courtship.url;
  // The goal's pair is measured in alternating rounds: the machines are shared, and a
  // neighbour's burst during one long run would otherwise decide the ratio.
  const { bare, courtship: byId, rounds, failures: byIdFailures } = await alternate(
    { url: options.bareUrl, headers: json, body: () => JSON.stringify({ query: '{ hello }' }) },
    { url: courtship, headers: auth, body: () => JSON.stringify({ query: RELATIONSHIP, variables: { id: ids() } }) },
    options.seconds,
  );
  const byIdAsOf = await measure(
    { url: courtship, headers: auth, body: () => JSON.stringify({ query: RELATIONSHIP_AS_OF, variables: { id: ids(), asOf } }) },
    options.seconds,
  );
  const filter = { phase: { in: ['MARRIED', 'NEGLECTED', 'CHEATING'] }, segment: { eq: 'ENTERPRISE' } };
  // Each list round is paired with the bare server's page of the same shape, asked with the same variables.
  const listPair = (orderBy?: { field: string; direction: string }[]) => {
    const body = () => JSON.stringify({ query: RELATIONSHIPS, variables: { filter, ...(orderBy ? { orderBy } : {}) } });
    return alternate({ url: options.bareUrl, headers: json, body }, { url: courtship, headers: auth, body }, options.seconds);
  };
  const list = await listPair();
  const ordered: { field: string; pair: Alternation; goal: { p99: number; ratio: number } }[] = [];
  for (const { field, goal } of LIST_ORDERS) ordered.push({ field, goal, pair: await listPair([{ field, direction: 'DESC' }]) });

  // Each request opens a relationship of its own: requests in flight at once can never
  // reach one stream out of time order (autocannon keeps no per-connection state).
  let written = 0;
  const appendTarget: Target = {
      url: courtship,
      headers: auth,
      body: () =>
        JSON.stringify({
          query: APPEND_EVENTS,
          variables: {
            id: `load-${written++}`,
            events: [{ type: 'RelationshipOpened', actor: 'VENDOR', occurredAt: options.eventTime(), data: { accountName: 'Load test' } }],
          },
        }),
  };
  const appends = await alternateWithRaw(appendTarget, options.rawDir, options.seconds);

  const row = (name: string, run: Run, goal?: BenchRow['goal'], baseline: { name: string; run: Run } = { name: 'bare Apollo `{ hello }`', run: bare }): BenchRow => ({
    section: 'http',
    name,
    courtship: { value: run.rps, unit: 'req/s', detail: latency(run) },
    baseline: { name: baseline.name, value: baseline.run.rps, unit: 'req/s', detail: latency(baseline.run) },
    ...(goal ? { goal } : {}),
    note:
      `${run.total.toLocaleString('en-US')} requests, ${run.failures} failed (errors, timeouts, non-2xx or GraphQL errors)` +
      (run.firstError ? `; first error: ${run.firstError}` : ''),
  });
  const listRow = (name: string, pair: Alternation, goal?: BenchRow['goal']): BenchRow => {
    const listed = row(name, pair.courtship, goal, { name: 'bare Apollo, the same 50 rows from memory', run: pair.bare });
    return { ...listed, note: `the round with the median ratio of ${ROUNDS} alternating rounds (ratios ${pair.rounds.map((r) => r.toFixed(2)).join(', ')}); ${listed.note}` };
  };
  const byIdRatio = byId.rps / bare.rps;
  const byIdRow = row('`relationship(id)`', byId, { text: '≥ 70 % of bare, p99 < 20 ms', met: byIdRatio >= 0.7 && byId.p99 < 20 && byIdFailures === 0 });
  const append = appends.courtship;
  const appendRow: BenchRow = {
    ...row('`appendEvents` (1 event, a new relationship)', append, {
      text: '≥ 1.0× raw single-event inserts (synchronous=FULL), p99 < 50 ms',
      met: append.rps / appends.raw.rate >= 1 && append.p99 < 50 && appends.failures === 0,
    }),
    baseline: {
      name: 'raw better-sqlite3, one event per transaction, synchronous=FULL',
      value: appends.raw.rate,
      unit: 'events/s',
      detail: `p50 ${appends.raw.p50.toFixed(2)} ms · p99 ${appends.raw.p99.toFixed(2)} ms`,
    },
  };
  return [
    { ...byIdRow, note: `the round with the median ratio of ${ROUNDS} alternating rounds (ratios ${rounds.map((r) => r.toFixed(2)).join(', ')}); ${byIdRow.note}` },
    row('`relationship(id, asOf)`', byIdAsOf),
    listRow('`relationships(first: 50, filter)`', list),
    ...ordered.map(({ field, pair, goal }) =>
      listRow(`\`relationships(first: 50, filter)\` by ${field} DESC`, pair, {
        text: `${goal.ratio > 0 ? `≥ ${goal.ratio}× bare, ` : ''}p99 < ${goal.p99} ms (at 100k relationships)`,
        met: pair.courtship.total > 0 && pair.courtship.rps / pair.bare.rps >= goal.ratio && pair.courtship.p99 < goal.p99 && pair.failures === 0,
      }),
    ),
    {
      ...appendRow,
      note: `the round with the median ratio of ${ROUNDS} alternating rounds (ratios ${appends.rounds.map((r) => r.toFixed(2)).join(', ')}); ${appendRow.note}`,
    },
  ];
}

/**
 * `ROUNDS` rounds of raw single-event inserts (in this process, while the
 * server idles) then `appendEvents` over HTTP, back to back; returns the
 * round with the median ratio.
 */
async function alternateWithRaw(
  target: Target,
  rawDir: string,
  seconds: number,
): Promise<{ raw: RawSingleInserts; courtship: Run; rounds: number[]; failures: number }> {
  await run(target, WARMUP_SECONDS);
  const pairs: { raw: RawSingleInserts; courtship: Run; ratio: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const raw = rawSingleInserts(path.join(rawDir, `raw-${round}.db`), 'FULL', seconds);
    const courtship = await run(target, seconds);
    pairs.push({ raw, courtship, ratio: courtship.rps / raw.rate });
  }
  const median = [...pairs].sort((a, b) => a.ratio - b.ratio)[Math.floor(ROUNDS / 2)]!;
  const failures = pairs.reduce((sum, pair) => sum + pair.courtship.failures, 0);
  return { raw: median.raw, courtship: median.courtship, rounds: pairs.map((pair) => pair.ratio), failures };
}

const ROUNDS = 3;

/**
 * `ROUNDS` rounds of the bare server then Courtship, back to back; returns
 * the round whose ratio is the median one, and every round's ratio.
 */
interface Alternation {
  readonly bare: Run;
  readonly courtship: Run;
  readonly rounds: number[];
  readonly failures: number;
}

async function alternate(bareTarget: Target, courtshipTarget: Target, seconds: number): Promise<Alternation> {
  await run(bareTarget, WARMUP_SECONDS);
  await run(courtshipTarget, WARMUP_SECONDS);
  const pairs: { bare: Run; courtship: Run; ratio: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const bare = await run(bareTarget, seconds);
    const courtship = await run(courtshipTarget, seconds);
    pairs.push({ bare, courtship, ratio: courtship.rps / bare.rps });
  }
  const median = [...pairs].sort((a, b) => a.ratio - b.ratio)[Math.floor(ROUNDS / 2)]!;
  const failures = pairs.reduce((sum, pair) => sum + pair.courtship.failures, 0);
  return { bare: median.bare, courtship: median.courtship, rounds: pairs.map((pair) => pair.ratio), failures };
}

async function measure(target: Target, seconds: number): Promise<Run> {
  await run(target, WARMUP_SECONDS);
  return run(target, seconds);
}

/** Autocannon on `target` for `seconds`, with `connections` connections (50 unless said). */
export async function run(target: Target, seconds: number, connections = CONNECTIONS): Promise<Run> {
  let graphqlErrors = 0;
  let firstError: string | null = null;
  const result = await autocannon({
    url: target.url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: target.headers,
        setupRequest: (request) => ({ ...request, body: target.body() }),
        onResponse: (_status, body) => {
          if (!body.includes('"errors"')) return;
          graphqlErrors++;
          firstError ??= body.slice(0, 300);
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.errors + result.timeouts + result.non2xx + graphqlErrors,
    total: result.requests.total,
    firstError,
  };
}

function cycle<T>(items: readonly T[]): () => T {
  let next = 0;
  return () => items[next++ % items.length]!;
}

function latency(run: Run): string {
  return `p50 ${run.p50} ms · p99 ${run.p99} ms`;
}
