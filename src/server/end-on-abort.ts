/**
 * Wraps a subscription's event source so that it ends (completes, as if the
 * source had run dry) when `signal` aborts. graphql-ws then sends `complete`
 * to the client: that is how shutdown finishes subscriptions cleanly instead
 * of cutting sockets.
 */
export function endOnAbort<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncIterableIterator<T> & {
  return(): Promise<IteratorResult<T>>;
} {
  const iterator = source[Symbol.asyncIterator]();
  const ended: IteratorResult<T> = { done: true, value: undefined };
  let finished = false;
  /**
   * Ends the `next()` waiting right now, if any. One waiter at a time, replaced
   * on each call: racing every `next()` against one promise that lives as long
   * as the subscription would pile a reaction onto it per item delivered.
   */
  let endWaiting: (() => void) | null = null;

  const finish = async (): Promise<IteratorResult<T>> => {
    if (finished) return ended;
    finished = true;
    signal.removeEventListener('abort', onAbort);
    await iterator.return?.();
    return ended;
  };
  function onAbort(): void {
    const end = endWaiting;
    endWaiting = null;
    end?.();
    void finish();
  }
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });

  return {
    next: () => {
      if (finished) return Promise.resolve(ended);
      return new Promise<IteratorResult<T>>((resolve, reject) => {
        const end = (): void => resolve(ended);
        endWaiting = end;
        iterator.next().then(
          (result) => {
            if (endWaiting === end) endWaiting = null;
            resolve(result);
          },
          (error: unknown) => {
            if (endWaiting === end) endWaiting = null;
            reject(error);
          },
        );
      });
    },
    return: finish,
    async throw(error?: unknown) {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
