/**
 * A fake `@eventstore/db-client` for the adapter's tests, modelled on the
 * client's source (6.2.1, dist/):
 * - reads are `ReadStream`s (streams/utils/ReadStream.js): destroying one ends
 *   the local iteration, only `cancel()` ends the gRPC call behind it;
 * - `$all` reads are inclusive forwards and exclusive backwards of a
 *   (commit, prepare) position, ordered by commit then prepare;
 * - a connection string is parsed by the client's own parser, and an
 *   `esdb+discover://` string keeps only its first host as gossip seed
 *   (Client/index.js); discovery that finds no node fails with an uncoded
 *   `Error("Failed to discover after N attempts.")` (Client/discovery.js);
 * - with `throwOnAppendFailure=false`, a conflict resolves as
 *   `{ success: false, nextExpectedRevision: 1n }`
 *   (streams/appendToStream/batchAppend.js reads `BigInt(hasCurrentStreamRevision())`).
 */
import { randomUUID } from 'node:crypto';
import { StreamNotFoundError, WrongExpectedVersionError } from '@eventstore/db-client';
import { parseConnectionString } from '@eventstore/db-client/dist/Client/parseConnectionString.js';
import type { RecordedEvent, Subscription } from '../../src/store/port.js';
import {
  EventStoreDbStore,
  type EsdbClient,
  type EsdbRead,
  type EsdbResolvedEvent,
  type EsdbSubscription,
  type EventStoreDbOptions,
} from '../../src/store/eventstoredb.js';

export const SECRET = 'hunter2';
export const CONNECTION = `esdb://admin:${SECRET}@db.example:2113?tls=false`;
export const DESCRIPTION = 'esdb://admin:***@db.example:2113?tls=false';

type AppendCall = Parameters<EsdbClient['appendToStream']>;
type AppendAnswer = Awaited<ReturnType<EsdbClient['appendToStream']>>;
/**
 * What the fake does with the next append: answer as scripted, throw, `'write'`
 * (apply it as a server would), or `{ writeThen }` (apply it, then lose the
 * answer on the way back).
 */
export type AppendOutcome = AppendAnswer | Error | 'write' | { readonly writeThen: Error };

export function recorded(
  streamId: string,
  revision: bigint | number,
  position: bigint | number,
  type = 'Happened',
  data: unknown = {},
  prepare: bigint | number = position,
  id: string = randomUUID(),
): EsdbResolvedEvent {
  return {
    event: {
      streamId,
      id,
      revision,
      type,
      created: new Date(0),
      data,
      metadata: { tenant: 't' },
      position: { commit: position, prepare },
    },
    commitPosition: typeof position === 'bigint' ? position : BigInt(position),
  };
}

export function link(target: string, revision: number): EsdbResolvedEvent {
  return recorded('$streams', revision, 1_000_000 + revision, '$>', new TextEncoder().encode(`0@${target}`));
}

export function readOf(events: readonly EsdbResolvedEvent[], failure?: Error): EsdbRead {
  return {
    async *[Symbol.asyncIterator]() {
      yield* events;
      if (failure) throw failure;
    },
  };
}

/**
 * A read that never answers, like the client's first call on a socket that
 * accepts and stays silent. As the client's ReadStream: `destroy()` ends the
 * iteration here but leaves the gRPC call open on the server; `cancel()` ends
 * the call (and, the cancellation error being swallowed, not the iteration).
 */
export function silentRead(): EsdbRead & { destroyed: boolean; serverCallOpen: boolean } {
  let release: () => void = () => undefined;
  const read = {
    destroyed: false,
    serverCallOpen: true,
    destroy() {
      read.destroyed = true;
      release();
    },
    async cancel() {
      await new Promise((resolve) => setImmediate(resolve));
      read.serverCallOpen = false;
    },
    async *[Symbol.asyncIterator](): AsyncGenerator<EsdbResolvedEvent> {
      await new Promise<void>((resolve) => (release = resolve));
    },
  };
  return read;
}

/** One server subscription: yields its steps (an Error step fails the stream), then ends or waits. */
export class FakeSubscription implements EsdbSubscription {
  pulled = 0;
  unsubscribed = false;
  destroyed = false;
  private release: () => void = () => undefined;
  private readonly released = new Promise<void>((resolve) => (this.release = resolve));

  constructor(
    private readonly steps: Iterable<EsdbResolvedEvent | Error>,
    private readonly atEnd: 'end' | 'wait' = 'wait',
    /** A stream stuck on a dead socket: closing it never ends a pending read. */
    private readonly deaf = false,
  ) {}

  async unsubscribe() {
    this.unsubscribed = true;
    if (!this.deaf) this.release();
  }

  destroy() {
    this.destroyed = true;
    if (!this.deaf) this.release();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<EsdbResolvedEvent> {
    for (const step of this.steps) {
      this.pulled += 1;
      if (step instanceof Error) throw step;
      yield step;
    }
    if (this.atEnd === 'wait') await this.released;
  }
}

const compare = (a: { commit: bigint; prepare: bigint }, b: { commit: bigint; prepare: bigint }) =>
  a.commit === b.commit ? (a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1) : a.commit < b.commit ? -1 : 1;

function logPosition(resolved: EsdbResolvedEvent): { commit: bigint; prepare: bigint } {
  const { commit, prepare } = resolved.event!.position!;
  return { commit: BigInt(commit), prepare: BigInt(prepare) };
}

export class FakeClient implements EsdbClient {
  readonly appendCalls: AppendCall[] = [];
  readonly appendOutcomes: AppendOutcome[] = [];
  readonly streams = new Map<string, EsdbResolvedEvent[]>();
  /** $all, in log order (commit, then prepare position), system events included. */
  log: EsdbResolvedEvent[] = [];
  readonly readAllCalls: Parameters<EsdbClient['readAll']>[0][] = [];
  readonly readStreamCalls: Parameters<EsdbClient['readStream']>[] = [];
  readAllOverride?: () => EsdbRead;
  readonly subscriptions: FakeSubscription[] = [];
  readonly subscribeCalls: Parameters<EsdbClient['subscribeToAll']>[0][] = [];
  projectionStatus = 'Running';
  disposed = false;
  /** The client's option: false turns a conflict into a `success: false` answer. */
  throwOnAppendFailure = true;
  private nextPosition = 10_000n;

  async appendToStream(...call: AppendCall): Promise<AppendAnswer> {
    this.appendCalls.push(call);
    const outcome = this.appendOutcomes.shift();
    if (outcome === undefined) throw new Error('the fake has no scripted append outcome');
    if (outcome instanceof Error) throw outcome;
    if (outcome === 'write') return this.write(...call);
    if ('writeThen' in outcome) {
      this.write(...call);
      throw outcome.writeThen;
    }
    return outcome;
  }

  /**
   * An append as the server applies it after a restart or a leader change: an
   * exact revision or no_stream recognises a retry by the ids at the expected
   * place; `any` and `stream_exists` have lost the cache that would, and append again.
   */
  private write(...[streamName, events, { expectedRevision }]: AppendCall): AppendAnswer {
    const stream = this.streams.get(streamName) ?? [];
    const current = BigInt(stream.length - 1);
    const at = expectedRevision === 'no_stream' ? -1n : typeof expectedRevision === 'bigint' ? expectedRevision : null;
    if (at !== null && at !== current) {
      const ids = stream.slice(Number(at) + 1, Number(at) + 1 + events.length).map((e) => e.event!.id);
      if (ids.length === events.length && ids.every((id, n) => id === events[n]!.id)) {
        return { success: true, nextExpectedRevision: at + BigInt(events.length) };
      }
      return this.conflict(streamName, expectedRevision, current);
    }
    if (expectedRevision === 'stream_exists' && current < 0n) return this.conflict(streamName, expectedRevision, current);
    for (const event of events) {
      this.nextPosition += 100n;
      const resolved = recorded(streamName, BigInt(stream.length), this.nextPosition, event.type, event.data, this.nextPosition, event.id!);
      stream.push(resolved);
      this.log.push(resolved);
    }
    this.streams.set(streamName, stream);
    return {
      success: true,
      nextExpectedRevision: BigInt(stream.length - 1),
      position: { commit: this.nextPosition, prepare: this.nextPosition },
    };
  }

  private conflict(streamName: string, expected: AppendCall[2]['expectedRevision'], current: bigint): AppendAnswer {
    if (this.throwOnAppendFailure) {
      throw new WrongExpectedVersionError(undefined, {
        streamName,
        expected,
        current: current < 0n ? 'no_stream' : current,
      });
    }
    return { success: false, nextExpectedRevision: current < 0n ? -1n : 1n };
  }

  readStream(...call: Parameters<EsdbClient['readStream']>): EsdbRead {
    this.readStreamCalls.push(call);
    const [name, { direction, fromRevision, maxCount }] = call;
    const stream = this.streams.get(name);
    if (!stream) return readOf([], new StreamNotFoundError(undefined, name));
    const revisionOf = (e: EsdbResolvedEvent) => BigInt(e.event!.revision);
    const events =
      direction === 'forwards'
        ? stream.filter((e) => fromRevision === 'start' || (fromRevision !== 'end' && revisionOf(e) >= fromRevision))
        : [...stream].reverse().filter((e) => fromRevision === 'end' || (fromRevision !== 'start' && revisionOf(e) <= fromRevision));
    return readOf(events.slice(0, maxCount));
  }

  readAll(options: Parameters<EsdbClient['readAll']>[0]): EsdbRead {
    this.readAllCalls.push(options);
    if (this.readAllOverride) return this.readAllOverride();
    const { direction, fromPosition, maxCount } = options;
    const ordered = [...this.log];
    // Like the server: forwards from a position is inclusive, backwards from one is exclusive.
    const events =
      direction === 'forwards'
        ? ordered.filter((e) => typeof fromPosition === 'string' || compare(logPosition(e), fromPosition) >= 0)
        : ordered.reverse().filter((e) => typeof fromPosition === 'string' || compare(logPosition(e), fromPosition) < 0);
    return readOf(events.slice(0, maxCount));
  }

  subscribeToAll(options: Parameters<EsdbClient['subscribeToAll']>[0]): EsdbSubscription {
    this.subscribeCalls.push(options);
    const next = this.subscriptions[this.subscribeCalls.length - 1];
    if (!next) throw new Error('the fake has no scripted subscription left');
    return next;
  }

  async getProjectionStatus() {
    return { projectionStatus: this.projectionStatus };
  }

  async dispose() {
    this.disposed = true;
  }
}

export function unavailable(): Error {
  // What the client really throws from an append when nothing listens: a plain Error, not UnavailableError.
  return Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });
}

/** What the client throws when gossip finds no node (Client/discovery.js): no code, no class. */
export function discoveryFailed(): Error {
  return new Error('Failed to discover after 10 attempts.');
}

/**
 * A cluster whose nodes `down` do not answer, reached through connection
 * strings as the real client reads them: the client's parser, and for
 * `esdb+discover://` only the first host as gossip seed.
 */
export class FakeCluster {
  readonly clients: FakeClient[] = [];

  constructor(private readonly down: readonly string[]) {}

  readonly connect = (connectionString: string): EsdbClient => {
    const options = parseConnectionString(connectionString);
    const seeds = (options.dnsDiscover ? options.hosts.slice(0, 1) : options.hosts).map((h) => `${h.address}:${h.port}`);
    const reachable = seeds.some((seed) => !this.down.includes(seed));
    const client = reachable ? new FakeClient() : new UndiscoverableClient();
    client.throwOnAppendFailure = options.throwOnAppendFailure ?? true;
    this.clients.push(client);
    return client;
  };
}

/** Every call fails as the client's do when discovery fails: reads emit the error, appends reject with it. */
class UndiscoverableClient extends FakeClient {
  override async appendToStream(...call: AppendCall): Promise<AppendAnswer> {
    this.appendCalls.push(call);
    throw discoveryFailed();
  }

  override readStream(): EsdbRead {
    return readOf([], discoveryFailed());
  }

  override readAll(options: Parameters<EsdbClient['readAll']>[0]): EsdbRead {
    this.readAllCalls.push(options);
    return readOf([], discoveryFailed());
  }
}

export function storeWith(client: FakeClient, options: EventStoreDbOptions = {}) {
  const delays: number[] = [];
  const store = new EventStoreDbStore(client, DESCRIPTION, {
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...options,
  });
  return { store, delays };
}

export async function take(subscription: Subscription, count: number): Promise<RecordedEvent[]> {
  const received: RecordedEvent[] = [];
  for await (const event of subscription) {
    received.push(event);
    if (received.length === count) break;
  }
  return received;
}

export const newEvent = (type = 'Happened') => ({ id: randomUUID(), type, data: { n: 1 } });
