import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context.js';
import type { CourtshipServices } from '../services.js';
import { RelationshipEventConnection } from '../types/connections.js';
import { Relationship } from '../types/relationship.js';
import { perItem } from './complexity.js';
import { toEvent } from './event-log.js';
import { loadersFor } from './loaders.js';
import { afterRevision, pageSize, revisionCursor } from './paging.js';

@Resolver(() => Relationship)
export class RelationshipEventsResolver {
  constructor(private readonly services: CourtshipServices) {}

  @FieldResolver(() => RelationshipEventConnection, {
    complexity: perItem(50),
    description: "The relationship's events by revision, up to the one its other fields reflect.",
  })
  async events(
    @Root() relationship: Relationship,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50, description: '1 to 100.' }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<RelationshipEventConnection> {
    const key = { id: relationship.relationshipId, afterRevision: afterRevision(after), first: pageSize(first) };
    const page = await loadersFor(ctx, this.services).relationshipEvents.load(key);
    // An `asOf` relationship stops at its version then; later events belong to its future.
    const last = relationship.lastRevision;
    const shown = page.items.filter(({ node }) => node.revision <= last);
    const edges = shown.map(({ node }) => ({ cursor: revisionCursor(node.revision), node: toEvent(node) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: shown.length === page.items.length ? page.hasNextPage : false,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
      totalCount: last + 1,
    };
  }
}
