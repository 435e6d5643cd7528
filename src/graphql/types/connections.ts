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

@ObjectType()
export class RelationshipEdge {
  @Field()
  cursor!: string;

  @Field(() => Relationship)
  node!: Relationship;
}

@ObjectType()
export class RelationshipConnection {
  @Field(() => [RelationshipEdge])
  edges!: RelationshipEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'Relationships matching the filter, over all pages.' })
  totalCount!: number;
}

@ObjectType({ description: 'An event with its cursor: its global position in `Query.events`, its revision in `Relationship.events`.' })
export class EventEdge {
  @Field()
  cursor!: string;

  @Field(() => Event)
  node!: Event;
}

@ObjectType({ description: "The tenant's global log, in log order. Cursors stay valid forever." })
export class EventConnection {
  @Field(() => [EventEdge])
  edges!: EventEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@ObjectType({ description: "One relationship's events, by revision." })
export class RelationshipEventConnection {
  @Field(() => [EventEdge])
  edges!: EventEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'Events in the stream.' })
  totalCount!: number;
}
