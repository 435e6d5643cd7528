/**
 * Relay connections (the Cursor Connections specification). Cursors are
 * opaque strings: hand one back as `after` (with `first`) for the page after
 * it, or as `before` (with `last`) for the page before it.
 */
import { Field, Int, ObjectType } from 'type-graphql';
import { Event } from './event.js';
import { Relationship } from './relationship.js';

@ObjectType({ description: 'Where a page sits in its list (Relay).' })
export class PageInfo {
  @Field({ description: 'More items follow this page: pass `endCursor` as `after` to get them.' })
  hasNextPage!: boolean;

  @Field({
    description:
      'Items precede this page: pass `startCursor` as `before` (with `last`) to get them. Always false where the list can only be paged forwards.',
  })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge; null on an empty page.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge; null on an empty page.' })
  endCursor!: string | null;
}

@ObjectType({ description: 'A relationship with its cursor in the list.' })
export class RelationshipEdge {
  @Field({ description: 'Hand it back as `after` or `before` to page from here.' })
  cursor!: string;

  @Field(() => Relationship, { description: 'The relationship.' })
  node!: Relationship;
}

@ObjectType({ description: 'A page of relationships (Relay connection).' })
export class RelationshipConnection {
  @Field(() => [RelationshipEdge], { description: 'The page, in the order asked for.' })
  edges!: RelationshipEdge[];

  @Field(() => PageInfo, { description: 'Where the page sits in the list.' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'Relationships matching the filter, over all pages.' })
  totalCount!: number;
}

@ObjectType({ description: 'An event with its cursor: its global position in `Query.events`, its revision in `Relationship.events`.' })
export class EventEdge {
  @Field({ description: 'Hand it back as `after` (or `before`, where the list pages backwards) to page from here.' })
  cursor!: string;

  @Field(() => Event, { description: 'The event.' })
  node!: Event;
}

@ObjectType({ description: "The tenant's global log, in log order. Cursors stay valid forever." })
export class EventConnection {
  @Field(() => [EventEdge], { description: 'The page, in log order.' })
  edges!: EventEdge[];

  @Field(() => PageInfo, { description: 'Where the page sits in the log.' })
  pageInfo!: PageInfo;
}

@ObjectType({ description: "One relationship's events, by revision." })
export class RelationshipEventConnection {
  @Field(() => [EventEdge], { description: 'The page, by revision.' })
  edges!: EventEdge[];

  @Field(() => PageInfo, { description: 'Where the page sits in the stream.' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'Events in the stream.' })
  totalCount!: number;
}
