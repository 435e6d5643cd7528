/**
 * What the GraphQL resolvers are given to work with. The server builds one bag
 * at startup and puts it on every request's context; tests build their own.
 */
import type { Clock } from '../app/clock.js';
import type { CommandService } from '../app/commands.js';
import type { EventLog } from '../app/event-log.js';
import type { ReadSide } from '../app/read-side.js';
import type { Rules } from '../domain/rules.js';

export interface CourtshipServices {
  /** The projected read models: every query except `asOf` reads here. */
  readonly readSide: ReadSide;
  /** The only write path: validates with the domain and appends to the store. */
  readonly commands: CommandService;
  readonly clock: Clock;
  /** The rules metrics and deadlines are evaluated with. */
  readonly rules: Rules;
  /** The log itself: a stream to re-fold for `asOf` (time travel), where the log ends, read-your-writes. */
  readonly log: EventLog;
  /** Operator actions (admin scope); absent where the read models are not this process's to rebuild. */
  readonly maintenance?: Maintenance;
}

export interface Maintenance {
  /**
   * Replays the whole log into fresh read models (every tenant's: they share
   * one file) and swaps them in; a call made while one runs joins it. Answers
   * with what the caller's tenant may know: its relationship count.
   */
  rebuildReadModels(tenant: string): Promise<{ checkpoint: bigint | null; relationships: number }>;
}

/**
 * Subscriptions' `subscribe` functions are static (type-graphql calls them
 * without a resolver instance); they find the services through the schema
 * they run in.
 */
const servicesBySchema = new WeakMap<object, CourtshipServices>();

export function bindServices(schema: object, services: CourtshipServices): void {
  servicesBySchema.set(schema, services);
}

export function servicesOf(schema: object): CourtshipServices {
  const services = servicesBySchema.get(schema);
  if (!services) throw new Error('this schema was built without services: it can be printed, not executed');
  return services;
}
