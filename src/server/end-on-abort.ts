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

  const finish = async (): Promise<IteratorResult<T>> => {
    if (finished) return ended;
    finished = true;
    signal.removeEventListener('abort', onAbort);
    await iterator.return?.();
    return ended;
  };
  let resolveAborted!: (result: IteratorResult<T>) => void;
  const aborted = new Promise<IteratorResult<T>>((resolve) => (resolveAborted = resolve));
  function onAbort(): void {
    resolveAborted(ended);
    void finish();
  }
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });

  return {
    next: () => (finished ? Promise.resolve(ended) : Promise.race([iterator.next(), aborted])),
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
