import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context.js';
import { badUserInput } from '../errors.js';
import { resolveNode, type NodeValue } from './resolve-node.js';
import type { CourtshipServices } from '../services.js';
import { Node } from '../types/node.js';

/** How many ids one `nodes` call may name. */
export const MAX_NODE_IDS = 100;

@Authorized('read')
@Resolver()
export class NodeQueries {
  constructor(private readonly services: CourtshipServices) {}

  @Query(() => Node, {
    nullable: true,
    complexity: 20,
    description: 'Any object with an identity, by its `id` (Relay refetching); null when it does not exist.',
  })
  async node(@Arg('id', () => ID, { description: 'An `id` this API returned.' }) id: string, @Ctx() ctx: RequestContext): Promise<NodeValue | null> {
    return resolveNode(ctx, this.services, id);
  }

  @Query(() => [Node], {
    nullable: 'items',
    complexity: ({ args, childComplexity }) => 1 + (Array.isArray(args['ids']) ? args['ids'].length : 1) * Math.max(20, childComplexity),
    description: 'Several objects by id, in the order asked; null for each that does not exist.',
  })
  async nodes(
    @Arg('ids', () => [ID], { description: `Ids this API returned; at most ${MAX_NODE_IDS}.` }) ids: string[],
    @Ctx() ctx: RequestContext,
  ): Promise<(NodeValue | null)[]> {
    if (ids.length > MAX_NODE_IDS) {
      throw badUserInput(`ids may name at most ${MAX_NODE_IDS} objects, got ${ids.length}`, { field: 'ids', reason: 'TOO_MANY_IDS' });
    }
    return Promise.all(ids.map((id, index) => resolveNode(ctx, this.services, id, `ids[${index}]`)));
  }
}
