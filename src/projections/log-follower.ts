/**
 * Following the log: one run of following (which `stop` ends promptly), and
 * the loop that pulls a subscription's events into batches for the
 * projection to apply.
 */
import type { RecordedEvent, Subscription } from '../store/port.js';
import { turn } from './turn.js';

/** One run of following the log, which `stop` ends promptly (even during a retry delay). */
export class Following {
  subscription: Subscription | null = null;
  stopped = false;
  readonly abort = new AbortController();
  done: Promise<void> = Promise.resolve();
  private wake: (() => void) | null = null;

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.wake?.();
    await this.subscription?.stop();
    await this.done;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wake = finish;
    });
  }
}

/**
 * Pulls events into a batch; a full batch is applied at once, a partial one
 * as soon as the subscription has nothing more immediately available.
 * Batches are applied one after the other (a late fact's may wait for its
 * stream to be read).
 */
export async function consumeInBatches(
  subscription: Subscription,
  following: Following,
  maxBatch: number,
  apply: (events: readonly RecordedEvent[]) => Promise<void>,
): Promise<void> {
  let batch: RecordedEvent[] = [];
  let failure: unknown;
  let flushQueued = false;
  let applying: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    if (batch.length === 0 || failure !== undefined) return applying;
    const events = batch;
    batch = [];
    applying = applying.then(async () => {
      if (failure !== undefined) return;
      try {
        await apply(events);
      } catch (error) {
        failure = error;
        // Ends the iteration so the failure surfaces even while the log is idle.
        void subscription.stop();
      }
    });
    return applying;
  };
  for await (const event of subscription) {
    if (failure !== undefined || following.stopped) break;
    batch.push(event);
    if (batch.length >= maxBatch) {
      await flush();
      // Give requests a turn during a long catch-up.
      await turn();
    } else if (!flushQueued) {
      flushQueued = true;
      setImmediate(() => {
        flushQueued = false;
        void flush();
      });
    }
  }
  await flush();
  if (failure !== undefined) throw failure;
}
