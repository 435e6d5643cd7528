/**
 * A hostile client for `npm run soak --hostile`: one attack at a time, at a
 * bounded rate, round robin — a fragment bomb, 150 aliases of an analytics
 * field with `asOf`, 300 aliases of a rarely matching event scan, an
 * oversized WebSocket frame before authentication, and a flood of 1,000
 * subscriptions on one socket. Every attack should be refused; the tally
 * says how each was answered, so the soak can show that the other clients'
 * latency and errors did not move.
 */
import WebSocket from 'ws';
import { nowMs } from './measure.js';

export interface HostileTally {
  /** attack → outcome (an error code, a close code, 'accepted') → count. */
  readonly outcomes: Map<string, Map<string, number>>;
  /** Slowest answer per attack, in ms. */
  readonly slowestMs: Map<string, number>;
}

const bomb = (levels: number): string =>
  `query Bomb { ...F0 } ${Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(' ')} fragment F${levels} on Query { __typename }`;
const aliases = (count: number, field: string): string => `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ')} }`;

const HTTP_ATTACKS: Record<string, string> = {
  'fragment bomb': bomb(23),
  'funnel(asOf:) x150': aliases(150, 'funnel(asOf: "2022-07-01T00:00:00Z") { total stages { phase reached } }'),
  'rare event scan x300': aliases(300, 'events(first: 3, filter: { actors: [SYSTEM], occurredTo: "2000-01-01T00:00:00Z" }) { edges { cursor } }'),
};

export async function runHostileClient(options: {
  readonly url: string;
  readonly token: string;
  readonly endsAt: number;
  /** Pause between attacks. */
  readonly intervalMs: number;
  /** Size of the oversized frame (kept modest: the soak process builds it). */
  readonly frameBytes: number;
}): Promise<HostileTally> {
  const tally: HostileTally = { outcomes: new Map(), slowestMs: new Map() };
  const note = (attack: string, outcome: string, ms: number) => {
    const outcomes = tally.outcomes.get(attack) ?? new Map<string, number>();
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    tally.outcomes.set(attack, outcomes);
    tally.slowestMs.set(attack, Math.max(tally.slowestMs.get(attack) ?? 0, ms));
  };
  const wsUrl = options.url.replace(/^http/, 'ws');
  const frame = Buffer.alloc(options.frameBytes, 'x');
  frame.write('{"type":"connection_init","payload":{"authorization":"Bearer nope","pad":"');
  const attacks: Array<[string, () => Promise<string>]> = [
    ...Object.entries(HTTP_ATTACKS).map(([name, query]): [string, () => Promise<string>] => [name, () => httpAttack(options.url, options.token, query)]),
    ['oversized frame', () => frameAttack(wsUrl, frame)],
    ['1,000 subscriptions on a socket', () => floodAttack(wsUrl, options.token, 1_000)],
  ];
  for (let i = 0; nowMs() < options.endsAt; i++) {
    const [name, attack] = attacks[i % attacks.length]!;
    const begun = nowMs();
    const outcome = await attack().catch((error: unknown) => `failed: ${error instanceof Error ? error.message : String(error)}`);
    note(name, outcome, nowMs() - begun);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
  return tally;
}

async function httpAttack(url: string, token: string, query: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  return body.errors?.[0]?.extensions?.code ?? 'accepted';
}

function frameAttack(wsUrl: string, frame: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    socket.on('open', () => socket.send(frame));
    socket.on('error', () => undefined);
    socket.on('close', (code) => resolve(`close ${code}`));
  });
}

/** Opens a socket, sends `count` subscribes, counts the refusals, closes. */
function floodAttack(wsUrl: string, token: string, count: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    let refused = 0;
    let code = 'none';
    const finish = () => {
      socket.close();
      resolve(`${refused} of ${count} refused (${code})`);
    };
    const timer = setTimeout(finish, 5_000);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(`${refused} of ${count} refused (${code})`);
    });
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; payload?: { extensions?: { code?: string } }[] };
      if (message.type === 'connection_ack') {
        for (let i = 0; i < count; i++) {
          socket.send(JSON.stringify({ id: `f${i}`, type: 'subscribe', payload: { query: 'subscription { phaseChanged { relationshipId } }' } }));
        }
      } else if (message.type === 'error') {
        refused++;
        code = message.payload?.[0]?.extensions?.code ?? 'unknown';
        if (refused === count - 100) setTimeout(finish, 100);
      }
    });
  });
}

export function hostileReport(tally: HostileTally): string[] {
  const lines = ['', '| hostile attack | answers | slowest ms |', '| --- | --- | ---: |'];
  for (const [attack, outcomes] of tally.outcomes) {
    const answers = [...outcomes].map(([outcome, count]) => `${outcome}: ${count}`).join(', ');
    lines.push(`| ${attack} | ${answers} | ${Math.round(tally.slowestMs.get(attack) ?? 0)} |`);
  }
  return lines;
}
