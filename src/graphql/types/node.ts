import { Field, ID, InterfaceType } from 'type-graphql';

/**
 * Relay's Global Object Identification. The implementing types are resolved
 * by class (type-graphql's `instanceof` check), so resolvers hand out
 * instances of them, never plain objects.
 */
@InterfaceType({
  description:
    "An object with an identity: its `id` is unique among all of the tenant's objects of every type, and `Query.node(id)` returns it again.",
})
export abstract class Node {
  @Field(() => ID, { description: 'Opaque and unique across every type: a cache key. Clients must not parse it.' })
  id!: string;
}
