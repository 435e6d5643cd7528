/**
 * The adapter's catch-up subscription to $all: pulls one event per `next()`
 * and reopens itself after a drop or a failover, from the last event it
 * delivered (never from a checkpoint the server reports, which can lie past it).
 */
import { StoreUnavailableError, type RecordedEvent, type Subscription } from './port.js';
import { StepRace } from './step-race.js';
import {
  compareLogPositions,
  logPositionOf,
  toRecordedEvent,
  type EsdbLogger,
  type EsdbSubscription,
  type LogPosition,
} from './eventstoredb-client.js';
import { isDroppedSubscription, messageOf, toStoreError } from './eventstoredb-errors.js';

const STOPPED = Symbol('stopped');

export interface ResubscribeSettings {
  readonly description: string;
  readonly maxAttempts: number;
  readonly delayOf: (attempt: number) => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly logger?: EsdbLogger;
}

/**
 * A catch-up subscription to $all that pulls one event per `next()` (the
 * client's stream buffers a little and pauses the server behind it), and that
 * reopens itself after a drop from the last event it delivered.
 */
export class ResubscribingSubscription implements Subscription {
  /** The (commit, prepare) position of the last event delivered: events of an old-style transaction share a commit. */
  private last: LogPosition | undefined;
  private current: EsdbSubscription | null = null;
  private readonly stopping = new AbortController();
  /** Each step (a pull from the server, a wait before resubscribing) ends as soon as the subscription stops. */
  private readonly steps = new StepRace<typeof STOPPED>(STOPPED);
  private readonly iterator: AsyncGenerator<RecordedEvent, void, undefined>;

  constructor(
    private readonly open: (after: LogPosition | undefined) => EsdbSubscription,
    after: LogPosition | undefined,
    private readonly settings: ResubscribeSettings,
    private readonly onStop: () => void,
  ) {
    this.last = after;
    this.iterator = this.run();
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    const iterator = this.iterator;
    return {
      next: () => iterator.next(),
      // `break` in a for-await calls return(): stop the subscription then too, so the store forgets it.
      return: async () => {
        await this.stop();
        return iterator.return();
      },
    };
  }

  async stop(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.stopping.abort();
    this.steps.end();
    this.closeCurrent();
    this.onStop();
  }

  private async *run(): AsyncGenerator<RecordedEvent, void, undefined> {
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      let cause: unknown = new Error('the server ended the subscription');
      try {
        this.current = this.open(this.last);
        const source = this.current[Symbol.asyncIterator]();
        for (;;) {
          const step = await this.steps.race(source.next());
          // Stop first: a stop must win over an event that arrived at the same time.
          if (step === STOPPED || this.stopping.signal.aborted) return;
          if (step.done) break;
          const event = toRecordedEvent(step.value);
          if (event === null) continue;
          // Skip whatever a resubscription replays at or before the last delivery.
          const position = logPositionOf(step.value)!;
          if (this.last !== undefined && compareLogPositions(position, this.last) <= 0) continue;
          this.last = position;
          failures = 0;
          yield event;
        }
      } catch (error) {
        if (this.stopping.signal.aborted) return;
        if (!isDroppedSubscription(error)) throw toStoreError(error, { description: this.settings.description });
        cause = error;
      } finally {
        this.closeCurrent();
      }
      failures += 1;
      if (failures > this.settings.maxAttempts) {
        throw new StoreUnavailableError(
          `the subscription to EventStoreDB at ${this.settings.description} dropped ${failures} times in a row: ${messageOf(cause)}`,
          cause,
        );
      }
      const delayMs = this.settings.delayOf(failures);
      this.settings.logger?.warn(
        { attempt: failures, delayMs, after: this.last?.commit.toString(), err: messageOf(cause) },
        'EventStoreDB subscription dropped; resubscribing from the last delivered event',
      );
      // The sleep is told of the stop (the default one clears its timer); racing it covers one that ignores it.
      if ((await this.steps.race(this.settings.sleep(delayMs, this.stopping.signal))) === STOPPED) return;
    }
  }

  /** Never awaited: the client's unsubscribe waits for a connection that may never come. */
  private closeCurrent(): void {
    const subscription = this.current;
    this.current = null;
    if (!subscription) return;
    subscription.unsubscribe().catch(() => undefined);
    subscription.destroy?.();
  }
}
