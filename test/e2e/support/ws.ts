/**
 * A graphql-ws client as integrators use it, and a subscription recorder:
 * everything received is kept in order, with how the subscription ended.
 */
import { createClient, type Client } from 'graphql-ws';
import { vi } from 'vitest';
import { WebSocket } from 'ws';

export interface WsClient {
  readonly client: Client;
  /** Close events of the socket, e.g. `{ code: 4401, reason: 'token revoked' }`. */
  readonly closes: { code: number; reason: string }[];
  dispose(): Promise<void>;
}

export function wsClient(wsUrl: string, token: string | null): WsClient {
  const closes: { code: number; reason: string }[] = [];
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: token === null ? {} : { authorization: `Bearer ${token}` },
    lazy: false,
    retryAttempts: 0,
    // Without a handler graphql-ws logs (and rethrows) a failed eager connection.
    onNonLazyError: () => undefined,
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        closes.push({ code, reason });
      },
    },
  });
  return { client, closes, dispose: () => Promise.resolve(client.dispose()) };
}

export interface Recording<T> {
  /** `data` of every `next`, in arrival order. */
  readonly items: T[];
  /** GraphQL errors delivered in a `next` (they do not end the subscription). */
  readonly nextErrors: unknown[];
  /** How it ended, once it has. */
  readonly end: { kind: 'complete' } | { kind: 'error'; error: unknown } | null;
  /** Waits (polling, bounded) until at least `count` items arrived. */
  waitForCount(count: number, timeoutMs?: number): Promise<T[]>;
  waitForEnd(timeoutMs?: number): Promise<NonNullable<Recording<T>['end']>>;
  /** Unsubscribes. */
  stop(): void;
}

export function record<T = any>(client: Client, query: string, variables?: Record<string, unknown>): Recording<T> {
  const items: T[] = [];
  const nextErrors: unknown[] = [];
  const state: { end: Recording<T>['end'] } = { end: null };
  const stop = client.subscribe<Record<string, T>>(
    { query, variables: variables ?? {} },
    {
      next: (value) => {
        if (value.errors) nextErrors.push(...value.errors);
        if (value.data) items.push(Object.values(value.data)[0] as T);
      },
      error: (error) => (state.end = { kind: 'error', error }),
      complete: () => (state.end ??= { kind: 'complete' }),
    },
  );
  return {
    items,
    nextErrors,
    get end() {
      return state.end;
    },
    waitForCount: (count, timeoutMs = 10_000) =>
      vi.waitFor(
        () => {
          if (items.length < count) {
            throw new Error(`received ${items.length} of ${count} (end: ${JSON.stringify(state.end)}, errors: ${JSON.stringify(nextErrors)})`);
          }
          return items;
        },
        { timeout: timeoutMs, interval: 10 },
      ),
    waitForEnd: (timeoutMs = 10_000) =>
      vi.waitFor(
        () => {
          if (state.end === null) throw new Error('the subscription has not ended');
          return state.end;
        },
        { timeout: timeoutMs, interval: 10 },
      ),
    stop,
  };
}

export const PHASE_CHANGED = `subscription($relationshipId: ID, $phases: [Phase!], $after: String) {
  phaseChanged(relationshipId: $relationshipId, phases: $phases, after: $after) {
    relationshipId from to at cycle cursor recordedAt retracted cause { kind eventType rule revision position } correctedBy { eventType revision }
  }
}`;

export interface PhaseChangeJson {
  relationshipId: string;
  from: string | null;
  to: string;
  at: string;
  cycle: number;
  cursor: string;
  recordedAt: string;
  retracted: boolean;
  correctedBy: { eventType: string; revision: number } | null;
  cause: { kind: string; eventType: string | null; rule: string | null; revision: number | null; position: string | null };
}

/**
 * A subscription without `after` is live only, and graphql-ws does not say
 * when the server has set it up. Writes probes (each must make `recording`
 * receive something) until one arrives: from then on the subscription is live.
 * Returns how many items the probes produced.
 */
export async function untilLive(recording: Recording<unknown>, probe: (attempt: number) => Promise<void>, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    const before = recording.items.length;
    await probe(attempt);
    try {
      await recording.waitForCount(before + 1, 300);
      return recording.items.length;
    } catch {
      // Not live yet when the probe's change was committed: probe again.
    }
  }
  throw new Error('the subscription never went live');
}
