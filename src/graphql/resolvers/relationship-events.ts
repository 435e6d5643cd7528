import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context.js';
import type { CourtshipServices } from '../services.js';
import { RelationshipEventConnection } from '../types/connections.js';
import { Relationship } from '../types/relationship.js';
import { perItem } from './complexity.js';
import { toEvent } from './event-log.js';
import { loadersFor } from './loaders.js';
import { afterRevision, checkPage, revisionCursor } from './paging.js';

const DEFAULT_PAGE_SIZE = 50;

@Resolver(() => Relationship)
export class RelationshipEventsResolver {
  constructor(private readonly services: CourtshipServices) {}

  @FieldResolver(() => RelationshipEventConnection, {
    complexity: perItem(DEFAULT_PAGE_SIZE),
    description: "The relationship's events by revision, up to the one its other fields reflect.",
  })
  async events(
    @Root() relationship: Relationship,
    @Arg('first', () => Int, { nullable: true, description: 'The first 1 to 100 events after `after`; 50 when neither `first` nor `last` is given.' })
    first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'A cursor of this list: the page starts after it.' }) after: string | null,
    @Arg('last', () => Int, { nullable: true, description: 'The last 1 to 100 events before `before` (the latest, without `before`).' })
    last: number | null,
    @Arg('before', () => String, { nullable: true, description: 'A cursor of this list: the page ends before it.' }) before: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<RelationshipEventConnection> {
    const page = checkPage({ first, after, last, before }, DEFAULT_PAGE_SIZE);
    // Revisions run from 0 to the version without gaps, so a window of them is plain arithmetic.
    // An `asOf` relationship stops at its version then; later events belong to its future.
    const lastRevision = relationship.lastRevision;
    const from = (afterRevision(page.after, 'after') ?? -1) + 1;
    const until = Math.min(afterRevision(page.before, 'before') ?? lastRevision + 1, lastRevision + 1);
    const start = page.direction === 'forwards' ? from : Math.max(from, until - page.size);
    const count = Math.max(0, Math.min(page.size, until - start));
    const events =
      count === 0
        ? []
        : (
            await loadersFor(ctx, this.services).relationshipEvents.load({
              id: relationship.relationshipId,
              afterRevision: start === 0 ? undefined : start - 1,
              first: count,
            })
          ).items.map(({ node }) => node);
    const edges = events.map((node) => ({ cursor: revisionCursor(node.revision), node: toEvent(node) }));
    const end = start + edges.length;
    return {
      edges,
      pageInfo: {
        hasNextPage: end <= lastRevision,
        hasPreviousPage: start > 0,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
      totalCount: lastRevision + 1,
    };
  }
}
