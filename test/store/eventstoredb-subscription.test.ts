/**
 * The EventStoreDB adapter's subscriptions against a fake client
 * (eventstoredb-fake.ts): resubscription after a drop or a failover from the
 * last delivered event, backoff, backpressure, and stopping in every state.
 * Waits go through an injected `sleep`, so nothing here depends on the clock.
 */
import { describe, expect, it, vi } from 'vitest';
import { AccessDeniedError, UnavailableError } from '@eventstore/db-client';
import { StoreUnavailableError } from '../../src/store/port.js';
import { EventStoreDbStore, type EsdbResolvedEvent } from '../../src/store/eventstoredb.js';
import { alive, collectGarbage } from './gc.js';
import { DESCRIPTION, FakeClient, FakeSubscription, recorded, storeWith, take, unavailable } from './eventstoredb-fake.js';

describe('subscriptions', () => {
  it('resubscribes after a dropped connection from the last delivered event, without gap or duplicate', async () => {
    const client = new FakeClient();
    client.subscriptions.push(
      new FakeSubscription([
        recorded('rel-t-1', 0, 1),
        recorded('rel-t-1', 1, 2),
        recorded('rel-t-2', 0, 3),
        // Delivered by the server, but not to the consumer: never a place to resume from.
        recorded('$stats-node', 0, 10, 'StatsCollected'),
        unavailable(),
      ]),
      new FakeSubscription([recorded('rel-t-2', 0, 3), recorded('rel-t-1', 2, 4), recorded('rel-t-3', 0, 5)]),
    );
    const { store, delays } = storeWith(client);
    const subscription = store.subscribeToAll();
    const received = await take(subscription, 5);
    expect(received.map((e) => e.position)).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(client.subscribeCalls.map((call) => call.fromPosition)).toEqual(['start', { commit: 3n, prepare: 3n }]);
    expect(client.subscriptions[0]!.unsubscribed).toBe(true);
    expect(delays).toEqual([100]);
    await subscription.stop();
  });

  it('resubscribes when the server ends the stream, as after a leader failover', async () => {
    const client = new FakeClient();
    client.subscriptions.push(
      new FakeSubscription([recorded('rel-t-1', 0, 7)], 'end'),
      new FakeSubscription([recorded('rel-t-1', 1, 8)]),
    );
    const { store } = storeWith(client);
    const subscription = store.subscribeToAll({ after: 6n });
    expect((await take(subscription, 2)).map((e) => e.position)).toEqual([7n, 8n]);
    expect(client.subscribeCalls.map((call) => call.fromPosition)).toEqual([
      { commit: 6n, prepare: 6n },
      { commit: 7n, prepare: 7n },
    ]);
    await subscription.stop();
  });

  it('skips the event at exactly the `after` position', async () => {
    const client = new FakeClient();
    client.subscriptions.push(new FakeSubscription([recorded('rel-t-1', 0, 6), recorded('rel-t-1', 1, 9)]));
    const { store } = storeWith(client);
    const subscription = store.subscribeToAll({ after: 6n });
    expect((await take(subscription, 1)).map((e) => e.position)).toEqual([9n]);
    await subscription.stop();
  });

  it('backs off exponentially while resubscribing fails, and starts over once an event arrives', async () => {
    const client = new FakeClient();
    client.subscriptions.push(
      new FakeSubscription([unavailable()]),
      new FakeSubscription([new UnavailableError()]),
      new FakeSubscription([recorded('rel-t-1', 0, 1), unavailable()]),
      new FakeSubscription([recorded('rel-t-1', 1, 2)]),
    );
    const { store, delays } = storeWith(client);
    const subscription = store.subscribeToAll();
    expect((await take(subscription, 2)).map((e) => e.position)).toEqual([1n, 2n]);
    expect(delays).toEqual([100, 200, 100]);
    await subscription.stop();
  });

  it('gives up after the configured number of consecutive failures', async () => {
    const client = new FakeClient();
    client.subscriptions.push(...[1, 2, 3].map(() => new FakeSubscription([unavailable()])));
    const { store } = storeWith(client, { resubscribeAttempts: 2 });
    const error = await take(store.subscribeToAll(), 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toContain(DESCRIPTION);
    expect(client.subscribeCalls).toHaveLength(3);
  });

  it('ends with the mapped error when the failure is not a dropped connection', async () => {
    const client = new FakeClient();
    client.subscriptions.push(new FakeSubscription([new AccessDeniedError()]));
    const { store } = storeWith(client);
    const error = await take(store.subscribeToAll(), 1).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ACCESS_DENIED' });
    expect(client.subscribeCalls).toHaveLength(1);
  });

  it('pulls from the server only as fast as the consumer takes events', async () => {
    const client = new FakeClient();
    function* endless() {
      for (let n = 1; ; n++) yield recorded('rel-t-1', n - 1, n);
    }
    const source = new FakeSubscription(endless());
    client.subscriptions.push(source);
    const { store } = storeWith(client);
    const subscription = store.subscribeToAll();
    await take(subscription, 3);
    expect(source.pulled).toBe(3);
    await subscription.stop();
  });

  it('stop() ends a consumer waiting for the next event and closes the server subscription', async () => {
    const client = new FakeClient();
    const source = new FakeSubscription([]);
    client.subscriptions.push(source);
    const { store } = storeWith(client);
    const subscription = store.subscribeToAll();
    const iterator = subscription[Symbol.asyncIterator]();
    const pending = iterator.next();
    await subscription.stop();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(source.unsubscribed && source.destroyed).toBe(true);
  });

  it('stop() ends a waiting consumer even when the server stream ignores being closed', async () => {
    const client = new FakeClient();
    client.subscriptions.push(new FakeSubscription([], 'wait', true));
    const { store } = storeWith(client);
    const subscription = store.subscribeToAll();
    const pending = subscription[Symbol.asyncIterator]().next();
    await subscription.stop();
    expect(await pending).toEqual({ done: true, value: undefined });
  });

  it('stop() also ends a subscription waiting to resubscribe', async () => {
    const client = new FakeClient();
    client.subscriptions.push(new FakeSubscription([unavailable()]));
    const store = new EventStoreDbStore(client, DESCRIPTION, { sleep: () => new Promise<void>(() => undefined) });
    const subscription = store.subscribeToAll();
    const pending = subscription[Symbol.asyncIterator]().next();
    // Let the subscription fail and start waiting before stopping it.
    while (client.subscriptions[0]!.pulled === 0) await new Promise((resolve) => setImmediate(resolve));
    await subscription.stop();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(client.subscribeCalls).toHaveLength(1);
  });

  it('holds on to none of the events it has delivered', async () => {
    const client = new FakeClient();
    const delivered: WeakRef<EsdbResolvedEvent>[] = [];
    function* tracked() {
      for (let n = 1; n <= 2000; n++) {
        const resolved = recorded('rel-t-1', n - 1, n);
        delivered.push(new WeakRef(resolved));
        yield resolved;
      }
    }
    client.subscriptions.push(new FakeSubscription(tracked()));
    const { store } = storeWith(client);
    const subscription = store.subscribeToAll();
    const iterator = subscription[Symbol.asyncIterator]();
    for (let n = 0; n < 2000; n++) await iterator.next();
    await collectGarbage();
    // A few may survive in generator frames or the engine's caches; a leak keeps every one.
    expect(alive(delivered)).toBeLessThan(20);
    await subscription.stop();
  });

  it('leaving a for-await loop early stops the subscription, and the store lets go of it', async () => {
    const client = new FakeClient();
    const source = new FakeSubscription([recorded('rel-t-1', 0, 1), recorded('rel-t-1', 1, 2)]);
    client.subscriptions.push(source);
    const { store } = storeWith(client);
    const left = await (async () => {
      const subscription = store.subscribeToAll();
      for await (const _ of subscription) break;
      return new WeakRef(subscription);
    })();
    expect(source.unsubscribed).toBe(true);
    await collectGarbage();
    expect(left.deref()).toBeUndefined();
  });

  it('stop() cancels the timer of a wait to resubscribe, so nothing keeps the process alive', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const client = new FakeClient();
      client.subscriptions.push(new FakeSubscription([unavailable()]));
      const store = new EventStoreDbStore(client, DESCRIPTION, { backoffBaseMs: 5_000 });
      const subscription = store.subscribeToAll();
      const pending = subscription[Symbol.asyncIterator]().next();
      while (vi.getTimerCount() === 0) await new Promise((resolve) => setImmediate(resolve));
      await subscription.stop();
      expect(await pending).toEqual({ done: true, value: undefined });
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('closing the store stops its subscriptions and releases the client', async () => {
    const client = new FakeClient();
    client.subscriptions.push(new FakeSubscription([]));
    const { store } = storeWith(client);
    const pending = store.subscribeToAll()[Symbol.asyncIterator]().next();
    await store.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(client.disposed).toBe(true);
    await expect(store.readAll()).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
