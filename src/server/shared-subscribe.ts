import { createSourceEventStream, execute, print, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { RequestContext } from '../graphql/context.js';

type PromiseOrValue<T> = T | Promise<T>;

/**
 * graphql's `subscribe`, except that an event reaching several subscribers
 * that run the same operation is executed once for all of them. The projector
 * hands every feed the same event object, and without this a phase change
 * reaching 1,000 dashboards would run the resolvers, the scope check and the
 * result building 1,000 times within one batch.
 *
 * Subscribers share a result only when they share everything it may depend
 * on besides the event: the operation text and name, the variables, the
 * tenant and the scopes. It is computed with the first subscriber's context,
 * so a resolver's log lines carry that subscriber's request id. Results live
 * as long as the event object does.
 */
export class SharedSubscriptions {
  private readonly results = new WeakMap<object, Map<string, PromiseOrValue<ExecutionResult>>>();

  async subscribe(args: ExecutionArgs & { contextValue: RequestContext }): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const source = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in source)) return source;
    const shareKey = shareKeyOf(args);
    return mapEvents(source, (event) => this.resultFor(args, shareKey, event));
  }

  private resultFor(args: ExecutionArgs, shareKey: string, event: unknown): PromiseOrValue<ExecutionResult> {
    if (typeof event !== 'object' || event === null) return execute({ ...args, rootValue: event });
    let byKey = this.results.get(event);
    if (byKey === undefined) {
      byKey = new Map();
      this.results.set(event, byKey);
    }
    let result = byKey.get(shareKey);
    if (result === undefined) {
      result = execute({ ...args, rootValue: event });
      byKey.set(shareKey, result);
    }
    return result;
  }
}

function shareKeyOf({ document, operationName, variableValues, contextValue }: ExecutionArgs & { contextValue: RequestContext }): string {
  const text = document.loc?.source.body ?? print(document);
  return JSON.stringify([contextValue.tenant, [...contextValue.scopes].sort(), operationName ?? null, text, variableValues ?? {}]);
}

/** Like graphql's own (internal) mapAsyncIterator: ending the mapped iterator ends the source. */
function mapEvents<T>(source: AsyncIterable<unknown>, map: (event: unknown) => PromiseOrValue<T>): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const done = (): IteratorResult<T> => ({ done: true, value: undefined });
  const mapped: AsyncIterableIterator<T> = {
    async next() {
      const step = await iterator.next();
      if (step.done) return done();
      try {
        return { done: false, value: await map(step.value) };
      } catch (error) {
        await iterator.return?.();
        throw error;
      }
    },
    async return() {
      await iterator.return?.();
      return done();
    },
    async throw(error?: unknown) {
      await iterator.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return mapped;
    },
  };
  return mapped;
}
