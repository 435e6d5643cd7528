/**
 * Wraps a subscription's event source so that it ends (completes, as if the
 * source had run dry) when `signal` aborts. graphql-ws then sends `complete`
 * to the client: that is how shutdown finishes subscriptions cleanly instead
 * of cutting sockets.
 */
import { StepRace } from '../store/step-race.js';

export function endOnAbort<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncIterableIterator<T> & {
  return(): Promise<IteratorResult<T>>;
} {
  const iterator = source[Symbol.asyncIterator]();
  const ended: IteratorResult<T> = { done: true, value: undefined };
  let finished = false;
  const steps = new StepRace(ended);

  const finish = async (): Promise<IteratorResult<T>> => {
    if (finished) return ended;
    finished = true;
    signal.removeEventListener('abort', onAbort);
    await iterator.return?.();
    return ended;
  };
  function onAbort(): void {
    steps.end();
    void finish();
  }
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });

  return {
    next: () => (finished ? Promise.resolve(ended) : steps.race(iterator.next())),
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
