/**
 * Per-request DataLoaders, so that a list of relationships reads the log in
 * batches instead of once per item (relationships themselves are read from
 * the read side's memory, one lookup each). They are keyed by the
 * request's context object, so they live exactly as long as the request and
 * never serve one request's (or tenant's) data to another.
 */
import DataLoader from 'dataloader';
import type { EventPage } from '../../app/read-side.js';
import type { StoredEvent } from '../../domain/events.js';
import type { RequestContext } from '../context.js';
import type { CourtshipServices } from '../services.js';

export interface RelationshipEventsKey {
  readonly id: string;
  readonly afterRevision: number | undefined;
  readonly first: number;
}

export interface RequestLoaders {
  /** A page of one relationship's events. */
  readonly relationshipEvents: DataLoader<RelationshipEventsKey, EventPage, string>;
  /** A relationship's whole stream from the log, for `asOf` re-folds. */
  readonly history: DataLoader<string, StoredEvent[]>;
}

const loadersByRequest = new WeakMap<RequestContext, RequestLoaders>();

export function loadersFor(ctx: RequestContext, services: CourtshipServices): RequestLoaders {
  let loaders = loadersByRequest.get(ctx);
  if (loaders === undefined) {
    loaders = createLoaders(ctx.tenant, services);
    loadersByRequest.set(ctx, loaders);
  }
  return loaders;
}

/** Each loader is made on first use: most requests need one of them, or none. */
function createLoaders(tenant: string, { readSide, log }: CourtshipServices): RequestLoaders {
  let relationshipEvents: RequestLoaders['relationshipEvents'] | undefined;
  let history: RequestLoaders['history'] | undefined;
  return {
    get relationshipEvents() {
      return (relationshipEvents ??= new DataLoader(
        // Every relationship's page asked for in one tick (a page of relationships) in one read-side call.
        async (keys) => readSide.listRelationshipEventsMany(tenant, keys),
        { cacheKeyFn: ({ id, afterRevision, first }) => `${id}\u0000${afterRevision ?? ''}\u0000${first}` },
      ));
    },
    get history() {
      return (history ??= new DataLoader(async (ids) => Promise.all(ids.map(async (id) => log.history(tenant, id)))));
    },
  };
}
