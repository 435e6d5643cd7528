/**
 * Relay connections. Cursors are opaque strings: hand one back as `after` to
 * get the next page.
 */
import { Field, Int, ObjectType } from 'type-graphql';
import { Event } from './event.js';
import { Relationship } from './relationship.js';

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

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
