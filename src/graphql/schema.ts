import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type ContainerType } from 'type-graphql';
import { scopeAuthChecker } from './context.js';
import { AnalyticsQueries } from './resolvers/analytics.js';
import { AppendEventsResolver } from './resolvers/append-events.js';
import { EventLogResolver } from './resolvers/event-log.js';
import { InteractionsResolver } from './resolvers/interactions.js';
import { MaintenanceResolver } from './resolvers/maintenance.js';
import { NodeQueries } from './resolvers/node.js';
import { RelationshipEventsResolver } from './resolvers/relationship-events.js';
import { RelationshipQueries } from './resolvers/relationship-queries.js';
import { SubscriptionsResolver } from './resolvers/subscriptions.js';
import { WhoamiResolver } from './resolvers/whoami.js';
import { bindServices, type CourtshipServices } from './services.js';

const RESOLVERS = [
  WhoamiResolver,
  RelationshipQueries,
  NodeQueries,
  RelationshipEventsResolver,
  EventLogResolver,
  AppendEventsResolver,
  InteractionsResolver,
  SubscriptionsResolver,
  AnalyticsQueries,
  MaintenanceResolver,
] as const;

/**
 * type-graphql insists on a pubSub once a schema has subscriptions, but ours
 * bring their own `subscribe` (resumable feeds over the read side), so no
 * topic is ever published or subscribed to.
 */
const noTopics = {
  publish(): void {
    throw new Error('Courtship subscriptions do not use topics');
  },
  subscribe(): AsyncIterable<unknown> {
    throw new Error('Courtship subscriptions do not use topics');
  },
};

export interface CourtshipSchemaOptions {
  /**
   * What the resolvers work with. Omit it only to print the schema: executing
   * an operation on a schema built without services fails.
   */
  readonly services?: CourtshipServices;
}

/** The Courtship GraphQL schema, built from the type-graphql resolvers. */
export async function buildCourtshipSchema(options: CourtshipSchemaOptions = {}): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [...RESOLVERS],
    authChecker: scopeAuthChecker,
    container: resolverContainer(options.services),
    pubSub: noTopics,
    validate: false,
  });
  if (options.services) bindServices(schema, options.services);
  describeRootTypes(schema);
  return schema;
}

/** type-graphql makes the root types without descriptions; the schema lint wants every type described. */
function describeRootTypes(schema: GraphQLSchema): void {
  const query = schema.getQueryType();
  const mutation = schema.getMutationType();
  const subscription = schema.getSubscriptionType();
  if (query) query.description = "Reads, scoped to the token's tenant (read scope).";
  if (mutation) mutation.description = "Writes: each appends events to one relationship's stream, all or nothing (write scope).";
  if (subscription) subscription.description = 'Live feeds over graphql-ws (`graphql-transport-ws`), resumable from a cursor.';
}

/** The SDL, sorted so that the committed file only changes when the schema does. */
export async function printCourtshipSchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildCourtshipSchema()))}\n`;
}

/** One instance per resolver class, each given the services (resolvers hold no request state). */
function resolverContainer(services: CourtshipServices | undefined): ContainerType {
  const instances = new Map<Function, unknown>();
  return {
    get(resolverClass: new (services: CourtshipServices) => unknown) {
      let instance = instances.get(resolverClass);
      if (instance === undefined) {
        if (services === undefined) throw new Error('this schema was built without services: it can be printed, not executed');
        instance = new resolverClass(services);
        instances.set(resolverClass, instance);
      }
      return instance;
    },
  };
}
