/**
 * Phase-change fan-out: 1,000 graphql-ws subscribers (in this process) on
 * `phaseChanged`, one append over HTTP that moves a relationship from
 * ATTRACTION to DATING, and the time from sending that append to each
 * subscriber receiving the change. Next to the same 1,000 subscribers on the
 * bare graphql-ws server, timed from the POST that publishes a constant.
 * A warm-up round proves every subscription is live before timing starts.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { APPEND_EVENTS, post } from './graphql-client.js';
import { nowMs, quantile } from './measure.js';
import type { BenchRow } from './report.js';

const ROUNDS = 5;
const ROUND_TIMEOUT_MS = 30_000;

export interface FanoutOptions {
  readonly courtship: { readonly url: string; readonly token: string };
  readonly bareUrl: string;
  readonly subscribers: number;
  readonly eventTime: () => string;
}

export async function runFanoutBench(options: FanoutOptions): Promise<BenchRow[]> {
  const bare = await fanOut({
    url: options.bareUrl,
    connectionParams: {},
    query: 'subscription { ping }',
    subscribers: options.subscribers,
    trigger: async () => {
      await fetch(options.bareUrl.replace(/\/graphql$/, '/publish'), { method: 'POST', body: 'pong' });
    },
  });

  const { url, token } = options.courtship;
  // Each round moves its own relationship from ATTRACTION to DATING: the vendor showed interest beforehand.
  for (let round = 0; round <= ROUNDS; round++) {
    await post(url, token, APPEND_EVENTS, {
      id: `fanout-${round}`,
      events: [
        { type: 'RelationshipOpened', actor: 'VENDOR', occurredAt: options.eventTime(), data: { accountName: `Fan-out ${round}` } },
        { type: 'InterestSignaled', actor: 'VENDOR', occurredAt: options.eventTime(), data: {} },
      ],
    });
  }
  let round = 0;
  const courtship = await fanOut({
    url: url.replace(/^http/, 'ws'),
    connectionParams: { authorization: `Bearer ${token}` },
    query: 'subscription { phaseChanged(phases: [DATING]) { relationshipId from to at cursor } }',
    subscribers: options.subscribers,
    trigger: async () => {
      await post(url, token, APPEND_EVENTS, {
        id: `fanout-${round++}`,
        events: [{ type: 'InterestSignaled', actor: 'PROSPECT', occurredAt: options.eventTime(), data: {} }],
      });
    },
  });

  return [
    {
      section: 'fan-out',
      name: `phase change to ${options.subscribers.toLocaleString('en-US')} subscribers`,
      courtship: { value: courtship.p99, unit: 'ms p99', detail: `p50 ${courtship.p50.toFixed(1)} ms` },
      baseline: { name: 'bare graphql-ws publish', value: bare.p99, unit: 'ms p99', detail: `p50 ${bare.p50.toFixed(1)} ms` },
      goal: { text: 'p99 < 250 ms', met: courtship.p99 < 250 },
      note: `${ROUNDS} rounds; timed from sending the append (HTTP, write, projector, feed) to each delivery; subscribers run in the bench process`,
    },
  ];
}

interface FanOutRun {
  readonly url: string;
  readonly connectionParams: Record<string, unknown>;
  readonly query: string;
  readonly subscribers: number;
  readonly trigger: () => Promise<void>;
}

async function fanOut(run: FanOutRun): Promise<{ p50: number; p99: number }> {
  const wsUrl = run.url.replace(/^http/, 'ws');
  let sentAt = 0;
  let expected: (() => void) | null = null;
  let received = 0;
  let samples: number[] = [];
  const clients: Client[] = [];
  const unsubscribes: (() => void)[] = [];
  try {
    await Promise.all(
      Array.from({ length: run.subscribers }, async () => {
        const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: run.connectionParams, lazy: false, retryAttempts: 0 });
        clients.push(client);
        await new Promise<void>((resolve, reject) => {
          client.on('connected', () => resolve());
          client.on('closed', (event) => reject(new Error(`subscriber closed: ${JSON.stringify(event)}`)));
        });
        unsubscribes.push(
          client.subscribe(
            { query: run.query },
            {
              next: () => {
                samples.push(nowMs() - sentAt);
                if (++received === run.subscribers) expected?.();
              },
              error: (error) => process.stderr.write(`subscriber error: ${JSON.stringify(error)}\n`),
              complete: () => undefined,
            },
          ),
        );
      }),
    );
    const all: number[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      received = 0;
      samples = [];
      const done = new Promise<void>((resolve, reject) => {
        expected = resolve;
        setTimeout(() => reject(new Error(`fan-out round ${round}: ${received} of ${run.subscribers} deliveries`)), ROUND_TIMEOUT_MS).unref();
      });
      sentAt = nowMs();
      await run.trigger();
      await done;
      // Round 0 is the warm-up that proves every subscription is live.
      if (round > 0) all.push(...samples);
    }
    return { p50: quantile(all, 0.5), p99: quantile(all, 0.99) };
  } finally {
    for (const unsubscribe of unsubscribes) unsubscribe();
    await Promise.all(clients.map((client) => client.dispose()));
  }
}
