/**
 * A resumable feed: "everything after this position, in order, then live",
 * with no gap and no duplicate at the seam, and a bounded buffer per
 * subscriber.
 *
 * The live listener is attached before the backlog is read, so nothing
 * committed while the backlog is being paged goes unseen: such a batch makes
 * the backlog read on from its watermark once it is done (it is not buffered,
 * so a long backlog read under heavy writes cannot overflow anything). Live,
 * items wait in a pending buffer, and anything at or before the watermark is
 * dropped there. A subscriber that does not pull fast enough overflows its
 * buffer: its feed ends with `FeedOverflowError` (which names the position to
 * resume from: its last item, or where it started) and nobody else waits for
 * it. A single batch larger than the whole buffer (a bulk catch-up's) is read
 * through the backlog instead: the subscriber did not fall behind.
 */

export interface FeedSource<T> {
  /**
   * Items strictly after `after`, in position order, at most `limit`; fewer
   * only when there are no more (up to the head at the time of the call).
   */
  backlog(after: bigint | undefined, limit: number): readonly T[] | Promise<readonly T[]>;
  /**
   * Calls `listener` with each committed batch (position order), or with null
   * for a batch whose items were committed without being listed (the feed then
   * reads them through `backlog`). Returns an unsubscribe function.
   */
  listen(listener: (items: readonly T[] | null) => void): () => void;
  /** Position of the newest item already committed (where "live only" starts). */
  head(): bigint | null;
  positionOf(item: T): bigint;
  matches(item: T): boolean;
}

export interface FeedOptions {
  /** Resume after this position; undefined means live only. */
  readonly after?: bigint | undefined;
  /** Pending items a subscriber may fall behind by before it is cut off. */
  readonly bufferLimit?: number;
  readonly pageSize?: number;
  /** The cursor a client resumes from, for a position (default: the graphql layer encodes the position itself). */
  readonly cursorOf?: (position: bigint) => string;
}

export class FeedOverflowError extends Error {
  readonly code = 'SUBSCRIBER_OVERFLOW';
  constructor(
    readonly limit: number,
    /** Position to resume from without a gap: the last item delivered, or where the subscription started. */
    readonly lastDelivered: bigint,
    /** The same, as the cursor the client resumes with, when the feed's positions are not plain log positions. */
    readonly lastCursor?: string,
  ) {
    super(`the subscriber fell more than ${limit} items behind and was disconnected; resubscribe with after = the last cursor it received`);
    this.name = 'FeedOverflowError';
  }
}

export function openFeed<T>(source: FeedSource<T>, options: FeedOptions = {}): AsyncIterableIterator<T> {
  const bufferLimit = options.bufferLimit ?? 1000;
  const pageSize = options.pageSize ?? 500;
  let pending: T[] = [];
  let overflowed = false;
  let closed = false;
  let wake: (() => void) | null = null;

  /** Set when a batch came unlisted: the backlog is read again from the watermark. */
  let unlisted = false;
  const unsubscribe = source.listen((items) => {
    if (closed || overflowed) return;
    // Read from the backlog instead, at the subscriber's own pace: a batch committed while the
    // backlog is being read (the backlog reads on past it), and a batch with more items than the
    // whole buffer (a bulk catch-up's). Only a subscriber that falls behind live batches overflows.
    const matching = items === null || !backlogDone ? null : items.filter((item) => source.matches(item));
    if (matching === null || matching.length > bufferLimit) {
      unlisted = true;
      // Everything pending comes after the watermark, so the backlog's next read covers it.
      pending = [];
      wake?.();
      return;
    }
    for (const item of matching) pending.push(item);
    if (pending.length > bufferLimit) {
      overflowed = true;
      pending = [];
    }
    wake?.();
  });

  const resuming = options.after !== undefined;
  /** Everything at or before `last` has been delivered or skipped. */
  let last: bigint | null = resuming ? (options.after as bigint) : source.head();
  /**
   * Where a subscriber cut off may resume without a gap: its last item, or where
   * it started (the head when it subscribed live, 0 on an empty log).
   */
  let delivered: bigint = resuming ? (options.after as bigint) : (last ?? 0n);
  let backlogDone = !resuming;
  let page: T[] = [];

  const close = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe();
    wake?.();
  };

  const take = (item: T): IteratorResult<T> => {
    delivered = source.positionOf(item);
    return { value: item, done: false };
  };

  const iterator: AsyncIterableIterator<T> = {
    async next(): Promise<IteratorResult<T>> {
      for (;;) {
        if (closed) return { value: undefined, done: true };
        if (overflowed) {
          close();
          throw new FeedOverflowError(bufferLimit, delivered, options.cursorOf?.(delivered));
        }
        if (page.length > 0) return take(page.shift()!);
        if (unlisted && backlogDone) {
          // Everything pending is after what the backlog read before; the new read covers it
          // too, and the watermark drops what it already delivered.
          unlisted = false;
          backlogDone = false;
        }
        if (!backlogDone) {
          const items = await source.backlog(last ?? undefined, pageSize);
          if (closed) continue;
          page = items.filter((item) => source.matches(item));
          // `last` is the scan watermark: pending items at or before it were seen by the backlog.
          if (items.length > 0) last = source.positionOf(items[items.length - 1]!);
          if (items.length < pageSize) backlogDone = true;
          continue;
        }
        while (pending.length > 0) {
          const item = pending.shift()!;
          const position = source.positionOf(item);
          if (last === null || position > last) {
            last = position;
            return take(item);
          }
        }
        await new Promise<void>((resolve) => {
          wake = () => {
            wake = null;
            resolve();
          };
        });
      }
    },
    async return(): Promise<IteratorResult<T>> {
      close();
      return { value: undefined, done: true };
    },
    async throw(error?: unknown): Promise<IteratorResult<T>> {
      close();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
