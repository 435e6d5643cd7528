import { Arg, Authorized, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { stateAt } from '../../domain/fold.js';
import { initialState } from '../../domain/state.js';
import type { RequestContext } from '../context.js';
import { badUserInput } from '../errors.js';
import { RelationshipFilter, RelationshipOrder } from '../inputs/relationship-filter.js';
import { toRelationshipFilter, toRelationshipOrder } from '../inputs/to-read-side.js';
import type { CourtshipServices } from '../services.js';
import { RelationshipConnection } from '../types/connections.js';
import { Relationship } from '../types/relationship.js';
import { DateTime } from '../types/scalars.js';
import { translatingErrors } from './command-errors.js';
import { perItem } from './complexity.js';
import { loadersFor } from './loaders.js';
import { pageSize } from './paging.js';

@Authorized('read')
@Resolver()
export class RelationshipQueries {
  constructor(private readonly services: CourtshipServices) {}

  @Query(() => Relationship, {
    nullable: true,
    description: 'One relationship, now or as of a past instant; null when it does not exist (or did not yet at `asOf`).',
  })
  async relationship(
    @Arg('id', () => ID) id: string,
    @Arg('asOf', () => DateTime, { nullable: true, description: 'Replay the stream up to this past instant.' })
    asOf: Date | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Relationship | null> {
    const now = this.services.clock.now();
    if (asOf !== null && asOf !== undefined) return this.asOf(ctx, id, pastInstant(asOf, now));
    const row = await loadersFor(ctx, this.services).relationship.load(id);
    return row === null ? null : new Relationship(ctx.tenant, row.state, now, this.services.rules, 'recorded');
  }

  @Query(() => RelationshipConnection, {
    complexity: perItem(20),
    description:
      'A page of relationships. With `asOf`, each node is replayed as of that instant and relationships opened later are left out; the other filters and the order are evaluated on the read model at that instant.',
  })
  async relationships(
    @Arg('filter', () => RelationshipFilter, { nullable: true }) filter: RelationshipFilter | null,
    @Arg('orderBy', () => [RelationshipOrder], { nullable: true }) orderBy: RelationshipOrder[] | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: '1 to 100.' }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('asOf', () => DateTime, { nullable: true }) asOf: Date | null,
    @Ctx() ctx: RequestContext,
  ): Promise<RelationshipConnection> {
    const now = this.services.clock.now();
    const at = asOf === null || asOf === undefined ? now : pastInstant(asOf, now);
    const readFilter = toRelationshipFilter(filter);
    const openedByThen = at === now ? readFilter : { and: [readFilter ?? {}, { openedAt: { lte: at } }] };
    const page = await translatingErrors(async () =>
      this.services.readSide.listRelationships(ctx.tenant, {
        first: pageSize(first),
        at,
        ...(openedByThen === undefined ? {} : { filter: openedByThen }),
        ...(orderBy === null || orderBy === undefined ? {} : { orderBy: toRelationshipOrder(orderBy) }),
        ...(after === null || after === undefined ? {} : { after }),
      }),
    );
    const edges = await Promise.all(
      page.items.map(async ({ cursor, node }) => ({
        cursor,
        node:
          at === now
            ? new Relationship(ctx.tenant, node.state, now, this.services.rules, 'recorded')
            : await this.openedAsOf(ctx, node.id, at),
      })),
    );
    return {
      edges,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
      totalCount: page.totalCount,
    };
  }

  /** A relationship the read model lists as opened by `at`: its stream must say so too. */
  private async openedAsOf(ctx: RequestContext, id: string, at: number): Promise<Relationship> {
    const relationship = await this.asOf(ctx, id, at);
    if (relationship === null) throw new Error(`relationship ${id} is listed as opened by ${at} but its stream is not`);
    return relationship;
  }

  private async asOf(ctx: RequestContext, id: string, at: number): Promise<Relationship | null> {
    const events = await loadersFor(ctx, this.services).history.load(id);
    const state = stateAt(events, at, this.services.rules, initialState(id));
    return state.phase === null ? null : new Relationship(ctx.tenant, state, at, this.services.rules, 'asOf');
  }
}

/** `asOf` is for looking back: the future has not been recorded yet. */
function pastInstant(asOf: Date, now: number): number {
  const at = asOf.getTime();
  if (at > now) {
    throw badUserInput(`asOf ${asOf.toISOString()} is in the future`, { field: 'asOf', reason: 'AS_OF_IN_FUTURE' });
  }
  return at;
}
