import 'reflect-metadata';
import { on, EventEmitter } from 'node:events';
import type { GraphQLSchema } from 'graphql';
import { Arg, Authorized, Ctx, Field, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import { requireScope, scopeAuthChecker, type RequestContext } from '../../../src/graphql/context.js';
import { badUserInput } from '../../../src/graphql/errors.js';
import { FeedOverflowError } from '../../../src/subscriptions/feed.js';

/** A tiny schema standing in for Courtship's: enough to exercise the server around it. */

/** Emit 'ping' with a number to push it to every `ping` subscriber. */
export const pings = new EventEmitter();

/** Lets a test hold a request in flight: `slow` waits until `releaseSlow()` is called. */
export const slowGate = {
  started: deferred(),
  release: deferred(),
  reset() {
    this.started = deferred();
    this.release = deferred();
  },
};

/**
 * Resolves when the next listener for `event` is registered, i.e. when a
 * subscription started after this call has reached its source. Call it before
 * anything is awaited after subscribing.
 */
export function nextListener(emitter: EventEmitter, event: string): Promise<void> {
  return new Promise((resolve) => {
    const onNew = (name: string | symbol) => {
      if (name !== event) return;
      emitter.off('newListener', onNew);
      resolve();
    };
    emitter.on('newListener', onNew);
  });
}

export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

@ObjectType()
class Me {
  @Field() tenant!: string;
  @Field(() => [String]) scopes!: string[];
  @Field() tokenId!: string;

  @Authorized('write')
  @Field({ description: 'Only write (or admin) tokens may read this.' })
  secret?: string;
}

@ObjectType()
class Item {
  @Field(() => Int) n!: number;
  @Field(() => Item, { nullable: true }) child?: Item;
  @Field(() => Int, { complexity: 10 }) expensive!: number;
}

@Resolver()
class TestResolver {
  @Query(() => Me)
  whoami(@Ctx() ctx: RequestContext): Me {
    return { tenant: ctx.tenant, scopes: [...ctx.scopes], tokenId: ctx.tokenId, secret: 'psst' };
  }

  @Query(() => [Item])
  items(@Arg('first', () => Int, { defaultValue: 10 }) first: number): Item[] {
    return Array.from({ length: first }, (_, n) => ({ n, expensive: n }));
  }

  @Query(() => String)
  boom(): string {
    throw new Error('SQLITE_CORRUPT: database disk image is malformed at /secret/path/events.sqlite');
  }

  @Query(() => String)
  refuse(): string {
    throw badUserInput('the phase is not one of ours', { field: 'filter.phase', reason: 'UNKNOWN_PHASE' });
  }

  @Query(() => String)
  async slow(): Promise<string> {
    slowGate.started.resolve();
    await slowGate.release.promise;
    return 'done';
  }

  @Mutation(() => String)
  writeNote(@Ctx() ctx: RequestContext, @Arg('text') text: string): string {
    requireScope(ctx, 'write');
    return `noted for ${ctx.tenant}: ${text}`;
  }

  @Subscription(() => Int, {
    subscribe: () => on(pings, 'ping') as AsyncIterable<[number]>,
  })
  ping(@Root() [value]: [number]): number {
    return value;
  }

  @Subscription(() => Int, { subscribe: () => overflowingFeed() })
  overflowing(@Root() value: number): number {
    return value;
  }
}

/** A feed that delivers one item, then finds its subscriber fell behind (see src/subscriptions/feed.ts). */
async function* overflowingFeed(): AsyncGenerator<number> {
  yield 1;
  throw new FeedOverflowError(1000, 42n);
}

let built: Promise<GraphQLSchema> | undefined;

export function testSchema(): Promise<GraphQLSchema> {
  built ??= import('type-graphql').then(({ buildSchema }) =>
    buildSchema({
      resolvers: [TestResolver],
      authChecker: scopeAuthChecker,
      // type-graphql insists on a PubSub once a schema has subscriptions; `ping` brings its own source.
      pubSub: {
        publish: () => undefined,
        subscribe: () => {
          throw new Error('the test schema uses no pub/sub topics');
        },
      },
    }),
  );
  return built;
}
