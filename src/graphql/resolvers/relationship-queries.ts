import { Arg, Authorized, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context.js';
import { RelationshipFilter, RelationshipOrder } from '../inputs/relationship-filter.js';
import { toRelationshipFilter, toRelationshipOrder } from '../inputs/to-read-side.js';
import type { CourtshipServices } from '../services.js';
import { RelationshipConnection } from '../types/connections.js';
import { recordedState, Relationship } from '../types/relationship.js';
import { DateTime } from '../types/scalars.js';
import { translatingErrors } from './command-errors.js';
import { awaitConsistency } from './consistency.js';
import { perItem } from './complexity.js';
import { loadersFor } from './loaders.js';
import { checkPage } from './paging.js';
import { describedInstant, KNOWN_AT_DESCRIPTION, recordInstant } from './as-of.js';
import { stateAsOf } from '../../app/state-as-of.js';
import { cursorInstant } from '../../app/cursors.js';
import { evaluationInstant } from '../../app/read-side.js';

const DEFAULT_PAGE_SIZE = 20;

/** How long a list's next pages keep being evaluated at its first page's instant. */
const PAGE_INSTANT_KEPT_MS = 24 * 60 * 60 * 1000;

@Authorized('read')
@Resolver()
export class RelationshipQueries {
  constructor(private readonly services: CourtshipServices) {}

  @Query(() => Relationship, {
    nullable: true,
    description: 'One relationship, now or as of a past instant; null when it does not exist (or did not yet at `asOf`).',
  })
  async relationship(
    @Arg('id', () => ID, { description: 'The relationship id (as used in mutations).' }) id: string,
    @Arg('asOf', () => DateTime, { nullable: true, description: 'Replay the stream up to this past instant.' })
    asOf: Date | null,
    @Arg('knownAt', () => DateTime, { nullable: true, description: KNOWN_AT_DESCRIPTION })
    knownAt: Date | null,
    @Arg('consistentWith', () => String, {
      nullable: true,
      description: 'A `position` returned by a mutation: wait (at most 5 s) until the answer reflects it.',
    })
    consistentWith: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Relationship | null> {
    await awaitConsistency(this.services, consistentWith);
    const now = this.services.clock.now();
    const known = recordInstant(knownAt);
    const at = describedInstant(asOf, known, now);
    if (at !== null) return this.asOf(ctx, id, at, known);
    // One primary-key read of the list table (the state only if a selected field needs it): nothing to batch.
    const row = this.services.readSide.findRelationship(ctx.tenant, id);
    return row === null ? null : new Relationship(ctx.tenant, row, now, this.services.rules, 'recorded');
  }

  @Query(() => RelationshipConnection, {
    complexity: perItem(20),
    description:
      'A page of relationships. With `asOf`, the whole pipeline as it stood then (those opened later are left out), filtered and ordered as of that instant: paged from the read models, only the page replayed; a filter or ordering on updatedAt, decay or flags, or `knownAt`, replays every stream of the tenant (an analyst query).',
  })
  async relationships(
    @Arg('filter', () => RelationshipFilter, { nullable: true, description: 'Only the relationships that match; all of them when absent.' }) filter: RelationshipFilter | null,
    @Arg('orderBy', () => [RelationshipOrder], { nullable: true, description: 'Sort keys, the first first; by id when absent.' }) orderBy: RelationshipOrder[] | null,
    @Arg('first', () => Int, { nullable: true, description: 'The first 1 to 100 relationships after `after`; 20 when neither `first` nor `last` is given.' })
    first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'A cursor of this list: the page starts after it.' }) after: string | null,
    @Arg('last', () => Int, { nullable: true, description: 'The last 1 to 100 relationships before `before` (paging backwards).' })
    last: number | null,
    @Arg('before', () => String, { nullable: true, description: 'A cursor of this list: the page ends before it.' }) before: string | null,
    @Arg('asOf', () => DateTime, { nullable: true, description: 'The whole pipeline as it stood at this past instant.' })
    asOf: Date | null,
    @Arg('knownAt', () => DateTime, { nullable: true, description: KNOWN_AT_DESCRIPTION }) knownAt: Date | null,
    @Arg('consistentWith', () => String, {
      nullable: true,
      description: 'A `position` returned by a mutation: wait (at most 5 s) until the answer reflects it.',
    })
    consistentWith: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<RelationshipConnection> {
    await awaitConsistency(this.services, consistentWith);
    const clockNow = this.services.clock.now();
    const page = checkPage({ first, after, last, before }, DEFAULT_PAGE_SIZE);
    // A next page of a list "as of now", asked for within a day, is evaluated at the first page's
    // instant (see relationship-order.ts); an older cursor pages on at the current instant.
    const pageCursor = page.after ?? page.before;
    const pageInstant = pageCursor === undefined ? undefined : cursorInstant(pageCursor);
    const now = pageInstant !== undefined && pageInstant <= clockNow && clockNow - pageInstant <= PAGE_INSTANT_KEPT_MS ? pageInstant : clockNow;
    const known = recordInstant(knownAt);
    const at = describedInstant(asOf, known, clockNow);
    const readFilter = toRelationshipFilter(filter);
    const query = {
      ...(page.direction === 'forwards' ? { first: page.size } : { last: page.size }),
      ...(page.after === undefined ? {} : { after: page.after }),
      ...(page.before === undefined ? {} : { before: page.before }),
      at: at ?? now,
      ...(readFilter === undefined ? {} : { filter: readFilter }),
      ...(orderBy === null || orderBy === undefined ? {} : { orderBy: toRelationshipOrder(orderBy) }),
      ...(known === undefined ? {} : { knownAt: known }),
    };
    const listed = await translatingErrors(async () =>
      at === null
        ? await this.services.readSide.pageRelationships(ctx.tenant, query)
        : await this.services.readSide.listRelationshipsAsOf(ctx.tenant, query),
    );
    const edges = listed.items.map(({ cursor, node }) => ({
      cursor,
      node:
        at === null
          ? new Relationship(ctx.tenant, node, evaluationInstant(node, now), this.services.rules, 'recorded')
          : new Relationship(ctx.tenant, recordedState(node.state), at, this.services.rules, 'asOf', { asOf: at, knownAt: null }),
    }));
    return {
      edges,
      pageInfo: {
        hasNextPage: listed.hasNextPage,
        hasPreviousPage: listed.hasPreviousPage,
        startCursor: listed.startCursor,
        endCursor: listed.endCursor,
      },
      totalCount: listed.totalCount,
    };
  }

  private async asOf(ctx: RequestContext, id: string, at: number, knownAt: number | undefined): Promise<Relationship | null> {
    const events = await loadersFor(ctx, this.services).history.load(id);
    const state = stateAsOf(events, { asOf: at, knownAt }, this.services.rules, id);
    return state.phase === null ? null : new Relationship(ctx.tenant, recordedState(state), at, this.services.rules, 'asOf', { asOf: at, knownAt: knownAt ?? null });
  }
}

