/**
 * The soak's workload: readers and writers (one request in flight each) and
 * subscribers on one token, recording every answer in the minute it ended.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { APPEND_EVENTS } from './graphql-client.js';
import { nowMs } from './measure.js';

const READERS = 6;
const WRITERS = 3;
const SUBSCRIBERS = 100;

export interface MinuteTally {
  readonly latencies: number[];
  /** The same latencies by operation: which one slows down as the run goes on. */
  readonly byOperation: Map<Operation, number[]>;
  readonly errors: Map<string, number>;
  deliveries: number;
  /** Relationships the writers opened. */
  opened: number;
}

export type Operation = 'relationship' | 'asOf' | 'list' | 'append';

/** Minute by minute from `started` (nowMs()); answers of every phase. */
export class Recorder {
  readonly minutes: MinuteTally[] = [];

  constructor(
    private readonly started: number,
    private readonly lastMinute: number,
  ) {}

  current(): MinuteTally {
    const index = Math.min(Math.floor((nowMs() - this.started) / 60_000), this.lastMinute - 1);
    return (this.minutes[index] ??= { latencies: [], byOperation: new Map(), errors: new Map(), deliveries: 0, opened: 0 });
  }

  fail(kind: string): void {
    const errors = this.current().errors;
    errors.set(kind, (errors.get(kind) ?? 0) + 1);
  }
}

export interface Workload {
  readonly url: string;
  /** The readers' token, in the tenant of the loaded relationships. */
  readonly token: string;
  /** The writers' and subscribers' token: the readers' own, or one of another tenant (--steady-data). */
  readonly writeToken: string;
  readonly relationshipIds: readonly string[];
  /** occurredAt for a new event: the server's clock, which starts at WORKLOAD_NOW. */
  readonly eventTime: () => string;
  readonly recorder: Recorder;
}

/** Runs the readers and writers until `endsAt` (nowMs()). */
export async function runRequests(workload: Workload, endsAt: number): Promise<void> {
  const request = requester(workload, workload.token);
  const write = requester(workload, workload.writeToken);
  const reads = [
    (id: string) => request('relationship', 'query($id: ID!) { relationship(id: $id) { id phase cycle flags version } }', { id }),
    (id: string) => request('asOf', 'query($id: ID!) { relationship(id: $id, asOf: "2022-07-01T00:00:00Z") { id phase } }', { id }),
    () => request('list', '{ relationships(first: 50, filter: { phase: { in: [MARRIED, NEGLECTED] } }) { totalCount edges { node { id phase } } } }', {}),
  ];
  const ids = workload.relationshipIds;
  const reader = async (n: number) => {
    for (let i = n; nowMs() < endsAt; i += READERS) await reads[i % reads.length]!(ids[i % ids.length]!);
  };
  // One writer owns its relationships, so its events never go backwards in time.
  const writer = async (n: number) => {
    for (let i = 0; nowMs() < endsAt; i++) {
      const id = `soak-${n}-${Math.floor(i / 20)}-${Math.round(endsAt)}`;
      if (i % 20 === 0) workload.recorder.current().opened++;
      await write('append', APPEND_EVENTS, { id, events: [nextEvent(i % 20, id, workload.eventTime())] });
    }
  };
  await Promise.all([...Array.from({ length: READERS }, (_, n) => reader(n)), ...Array.from({ length: WRITERS }, (_, n) => writer(n))]);
}

/** Step `step` of a relationship's life: opened, interest both ways, then interactions. */
function nextEvent(step: number, id: string, occurredAt: string): Record<string, unknown> {
  if (step === 0) return { type: 'RelationshipOpened', actor: 'VENDOR', occurredAt, data: { accountName: `Soak ${id}` } };
  if (step === 1) return { type: 'InterestSignaled', actor: 'VENDOR', occurredAt, data: {} };
  if (step === 2) return { type: 'InterestSignaled', actor: 'PROSPECT', occurredAt, data: {} };
  return { type: 'InteractionLogged', actor: step % 2 ? 'VENDOR' : 'PROSPECT', occurredAt, data: { channel: 'EMAIL' } };
}

function requester({ url, recorder }: Workload, token: string) {
  return async (operation: Operation, query: string, variables: Record<string, unknown>): Promise<void> => {
    const begun = nowMs();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
      if (!response.ok) recorder.fail(`HTTP ${response.status}`);
      else if (body.errors?.length) recorder.fail(body.errors[0]!.extensions?.code ?? 'GRAPHQL_ERROR');
      else {
        const minute = recorder.current();
        const ms = nowMs() - begun;
        minute.latencies.push(ms);
        const same = minute.byOperation.get(operation);
        if (same) same.push(ms);
        else minute.byOperation.set(operation, [ms]);
      }
    } catch (error) {
      // fetch's TypeError says little by itself; its cause tells a reset from a refusal.
      const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined)?.code : undefined;
      recorder.fail(error instanceof Error ? `${error.name}${typeof cause === 'string' ? ` (${cause})` : ''}` : 'FETCH_FAILED');
    }
  };
}

/** The subscribers, for the whole run: half follow every phase change, half only those into DATING (the writers cause both). */
export function subscribe({ url, writeToken: token, recorder }: Workload): Client[] {
  return Array.from({ length: SUBSCRIBERS }, (_, i) => {
    const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    const query = i % 2 ? 'subscription { phaseChanged { relationshipId to cursor } }' : 'subscription { phaseChanged(phases: [DATING]) { relationshipId cursor } }';
    client.subscribe({ query }, { next: () => void recorder.current().deliveries++, error: () => recorder.fail('SUBSCRIPTION_ERROR'), complete: () => undefined });
    return client;
  });
}
