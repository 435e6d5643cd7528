/**
 * A catch-up subscription built from two things every adapter can offer:
 * reading the global log in pages after a position, and a signal that the log
 * may have grown. The subscription only remembers the position of the last
 * event it delivered and reads the next page from there when the consumer
 * pulls, so:
 * - it never skips or duplicates (every read is "strictly after the last one
 *   delivered", whatever happened in between: a slow consumer, a dropped
 *   connection, a failover);
 * - backpressure is natural: at most one page is held in memory;
 * - going live costs nothing while idle: it waits on the signal, not a timer.
 */
import type { RecordedEvent, Subscription } from './port.js';

export interface ChangeSignal {
  /** A counter that moves whenever the log may have grown. */
  version(): number;
  /** Resolves once `version()` differs from `since`, or when `abort` fires. */
  waitForChange(since: number, abort: AbortSignal): Promise<void>;
}

export interface CatchUpSource {
  /** Events strictly after `after` (or from the start), in log order, at most `maxCount`. */
  readAfter(after: bigint | undefined, maxCount: number): Promise<RecordedEvent[]>;
  readonly changes: ChangeSignal;
  /**
   * Called when a read fails. Return a delay in ms to retry after (transient
   * failure, e.g. a lost connection), or rethrow to end the subscription with it.
   */
  onReadError?(error: unknown, attempt: number): number;
}

const PAGE_SIZE = 1024;

export function catchUpSubscription(source: CatchUpSource, after?: bigint): Subscription {
  const abort = new AbortController();
  let lastPosition = after;
  let page: RecordedEvent[] = [];
  let index = 0;
  let stopped = false;
  // Serialises concurrent next() calls so that each event is handed out once.
  let queue: Promise<unknown> = Promise.resolve();
  /** next() calls chained on `queue` and not settled yet. */
  let waiting = 0;

  const done = (): IteratorResult<RecordedEvent> => ({ done: true, value: undefined });

  async function fill(): Promise<boolean> {
    let attempt = 0;
    while (!stopped) {
      const seen = source.changes.version();
      let events: RecordedEvent[];
      try {
        events = await source.readAfter(lastPosition, PAGE_SIZE);
        attempt = 0;
      } catch (error) {
        if (stopped) return false;
        if (!source.onReadError) throw error;
        await sleep(source.onReadError(error, ++attempt), abort.signal);
        continue;
      }
      if (stopped) return false;
      if (events.length > 0) {
        page = events;
        index = 0;
        return true;
      }
      await source.changes.waitForChange(seen, abort.signal);
    }
    return false;
  }

  async function pull(): Promise<IteratorResult<RecordedEvent>> {
    if (stopped) return done();
    if (index >= page.length && !(await fill())) return done();
    const event = page[index++]!;
    lastPosition = event.position;
    return { done: false, value: event };
  }

  async function stop(): Promise<void> {
    stopped = true;
    page = [];
    abort.abort();
  }

  const iterator: AsyncIterator<RecordedEvent> = {
    next: () => {
      // Fast path for a catch-up: the page holds the next event and no earlier
      // call is still waiting, so handing it out now keeps the order and spares
      // a promise chain per event.
      if (waiting === 0 && !stopped && index < page.length) {
        const event = page[index++]!;
        lastPosition = event.position;
        return Promise.resolve({ done: false, value: event });
      }
      waiting++;
      const result = queue.then(pull).finally(() => waiting--);
      queue = result.catch(() => undefined);
      return result;
    },
    return: async () => {
      await stop();
      return done();
    },
  };

  return {
    stop,
    [Symbol.asyncIterator]: () => iterator,
  };
}

/** Resolves after `ms`, or at once when `abort` fires. */
export function sleep(ms: number, abort: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (abort.aborted) return resolve();
    const timer = setTimeout(finish, ms);
    abort.addEventListener('abort', finish, { once: true });
    function finish(): void {
      clearTimeout(timer);
      abort.removeEventListener('abort', finish);
      resolve();
    }
  });
}

/**
 * A `ChangeSignal` for adapters that learn of appends through a callback.
 * `poll`, when given, is only for changes made where no callback reaches (an
 * SQLite file written by another process): it runs only while someone waits.
 */
export class Notifier implements ChangeSignal {
  private counter = 0;
  private waiters = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly poll?: { readonly intervalMs: number; changed(): boolean }) {}

  notify(): void {
    this.counter++;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  version(): number {
    return this.counter;
  }

  waitForChange(since: number, abort: AbortSignal): Promise<void> {
    if (since !== this.counter || abort.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        this.waiters.delete(wake);
        abort.removeEventListener('abort', wake);
        resolve();
      };
      this.waiters.add(wake);
      abort.addEventListener('abort', wake, { once: true });
      this.startPolling();
    });
  }

  private startPolling(): void {
    const poll = this.poll;
    if (!poll || this.timer) return;
    this.timer = setInterval(() => {
      if (this.waiters.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
      } else if (poll.changed()) {
        this.notify();
      }
    }, poll.intervalMs);
  }
}

/**
 * `inner` as a store hands it out: kept in `registry` (so closing the store
 * stops it) until it is stopped, also when a for-await loop leaves it
 * (`break` calls the iterator's return()).
 */
export function registeredSubscription(inner: Subscription, registry: Set<Subscription>): Subscription {
  const subscription: Subscription = {
    stop: async () => {
      registry.delete(subscription);
      await inner.stop();
    },
    [Symbol.asyncIterator]: () => {
      const iterator = inner[Symbol.asyncIterator]();
      return {
        next: () => iterator.next(),
        return: async () => {
          await subscription.stop();
          return { done: true, value: undefined };
        },
      };
    },
  };
  registry.add(subscription);
  return subscription;
}
