import { buildSchema, parse, type ExecutionResult, type GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/graphql/context.js';
import { SharedSubscriptions } from '../../src/server/shared-subscribe.js';

const schema = buildSchema(`
  type Query { ok: Boolean }
  type Change { id: ID! label(prefix: String): String! }
  type Subscription { changed: Change! }
`);

/** Every subscriber's source yields the same event objects, as the projector's feeds do. */
const listeners = new Set<(event: { id: string }) => void>();
const fields = (schema.getType('Subscription') as GraphQLObjectType).getFields();
fields.changed!.subscribe = () => source();
fields.changed!.resolve = (event: { id: string }) => event;
let labelsResolved = 0;
(schema.getType('Change') as GraphQLObjectType).getFields().label!.resolve = (event: { id: string }, args: { prefix?: string }) => {
  labelsResolved++;
  return `${args.prefix ?? ''}${event.id}`;
};

function source(): AsyncIterableIterator<{ id: string }> {
  const queue: { id: string }[] = [];
  let wake: (() => void) | null = null;
  const push = (event: { id: string }) => {
    queue.push(event);
    wake?.();
  };
  listeners.add(push);
  const iterator: AsyncIterableIterator<{ id: string }> = {
    async next() {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      return { done: false, value: queue.shift()! };
    },
    async return() {
      listeners.delete(push);
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

function context(tenant: string, scopes: RequestContext['scopes'] = ['read']): RequestContext {
  return { tenant, scopes, tokenId: 'tok_1', requestId: 'r', log: undefined as never, transport: 'ws' };
}

async function subscribe(shared: SharedSubscriptions, query: string, contextValue: RequestContext, variableValues = {}) {
  const result = await shared.subscribe({ schema, document: parse(query), contextValue, variableValues });
  if (!(Symbol.asyncIterator in result)) throw new Error(JSON.stringify(result));
  return result;
}

const QUERY = 'subscription ($p: String) { changed { id label(prefix: $p) } }';

describe('one execution per event for subscribers running the same operation', () => {
  it('executes an event once for every subscriber with the same query, variables, tenant and scopes', async () => {
    const shared = new SharedSubscriptions();
    const a = await subscribe(shared, QUERY, context('acme'), { p: '#' });
    const b = await subscribe(shared, QUERY, context('acme'), { p: '#' });
    labelsResolved = 0;
    const event = { id: '1' };
    for (const push of listeners) push(event);
    const [first, second] = await Promise.all([a.next(), b.next()]);
    expect(first.value).toEqual({ data: { changed: { id: '1', label: '#1' } } } satisfies ExecutionResult);
    expect(second.value).toEqual(first.value);
    expect(labelsResolved).toBe(1);
    await Promise.all([a.return!(), b.return!()]);
  });

  it('executes separately for other variables, another tenant or other scopes', async () => {
    const shared = new SharedSubscriptions();
    const subscribers = [
      await subscribe(shared, QUERY, context('acme'), { p: '#' }),
      await subscribe(shared, QUERY, context('acme'), { p: '*' }),
      await subscribe(shared, QUERY, context('globex'), { p: '#' }),
      await subscribe(shared, QUERY, context('acme', ['admin']), { p: '#' }),
    ];
    labelsResolved = 0;
    const event = { id: '2' };
    for (const push of listeners) push(event);
    const labels = (await Promise.all(subscribers.map((s) => s.next()))).map((step) => (step.value as ExecutionResult).data);
    expect(labels).toEqual([
      { changed: { id: '2', label: '#2' } },
      { changed: { id: '2', label: '*2' } },
      { changed: { id: '2', label: '#2' } },
      { changed: { id: '2', label: '#2' } },
    ]);
    expect(labelsResolved).toBe(4);
    await Promise.all(subscribers.map((s) => s.return!()));
  });

  it('ends the source when a subscriber leaves', async () => {
    const shared = new SharedSubscriptions();
    const before = listeners.size;
    const a = await subscribe(shared, QUERY, context('acme'));
    expect(listeners.size).toBe(before + 1);
    await a.return!();
    expect(listeners.size).toBe(before);
  });
});
