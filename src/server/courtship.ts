/**
 * The composition root: opens the store, starts the projector and the
 * deadline scheduler, builds the schema over them and serves it. `main.ts`
 * calls it with the environment's settings; end-to-end tests call it with a
 * temp data dir and a ManualClock.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../app/clock.js';
import { CommandService } from '../app/commands.js';
import { DeadlineScheduler } from '../app/deadline-scheduler.js';
import { EventLog } from '../app/event-log.js';
import { TenantSizes } from '../app/tenant-sizes.js';
import { TokenStore, type CreatedToken } from '../auth/token-store.js';
import type { Settings } from '../config/settings.js';
import { defaultRules, parseRules, type Rules } from '../domain/rules.js';
import { buildCourtshipSchema } from '../graphql/schema.js';
import { translatedError } from '../graphql/errors.js';
import { awaitConsistency } from '../graphql/resolvers/consistency.js';
import type { CourtshipServices } from '../graphql/services.js';
import { Projector } from '../projections/projector.js';
import { openStore } from '../store/open.js';
import type { EventStore } from '../store/port.js';
import { createServer, type CourtshipServer } from './create-server.js';
import { logWriteFailures } from './write-failures.js';

export interface StartOptions {
  readonly settings: Settings;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Overrides the rules file named by the settings. */
  readonly rules?: Rules;
  /** How long startup waits for the projector before serving anyway (it reports not ready meanwhile). */
  readonly catchUpTimeoutMs?: number;
}

export interface RunningCourtship {
  readonly server: CourtshipServer;
  readonly store: EventStore;
  readonly projector: Projector;
  readonly scheduler: DeadlineScheduler;
  readonly tokens: TokenStore;
  readonly services: CourtshipServices;
  /** The admin token created on the very first start (printed once), else null. */
  readonly bootstrapToken: CreatedToken | null;
  /** Graceful shutdown: drain requests and subscriptions, stop the scheduler and projector, close the store. */
  close(): Promise<void>;
}

export async function startCourtship(options: StartOptions): Promise<RunningCourtship> {
  const { settings, logger } = options;
  const clock = options.clock ?? systemClock;
  const rules = options.rules ?? loadRules(settings.rulesFile);
  const tokens = TokenStore.open(settings.dataDir);
  const bootstrapToken = tokens.ensureBootstrapToken();
  const store = await openStore({
    store: settings.store,
    dataDir: settings.dataDir,
    eventStoreConnectionString: settings.eventStoreConnectionString,
    sqliteSynchronous: settings.sqliteSynchronous,
  });
  const projector = new Projector({
    store,
    dataDir: settings.dataDir,
    rules,
    logger: logger.child({ part: 'projector' }),
    stateCache: settings.stateCache,
    ...(settings.catchUpWorkers === undefined ? {} : { parallel: { workers: settings.catchUpWorkers } }),
    // The live batches' commits off the thread that serves the requests (docs/PERFORMANCE.md).
    writeThread: settings.writeThread,
    // The decay references are refreshed to the instant lists are read at.
    clock,
    // Heavy reads on worker threads, so that no request waits behind one.
    readTasks: {
      maxQueued: settings.readTasks.maxQueued,
      timeoutMs: settings.readTasks.timeoutMs,
      ...(settings.readTasks.workers === undefined ? {} : { workers: settings.readTasks.workers }),
    },
  });
  // The write side's appends: a failure (disk full, I/O) is logged for the operator, once per burst.
  const writes = logWriteFailures(store, logger.child({ part: 'store' }));
  const commands = new CommandService({ store: writes, readSide: projector, clock, rules });
  const scheduler = new DeadlineScheduler({ store: writes, source: projector, clock, rules, logger: logger.child({ part: 'deadlines' }) });
  let rebuilding: Promise<void> | null = null;
  const maintenance = {
    async rebuildReadModels(tenant: string) {
      rebuilding ??= projector.rebuild().finally(() => {
        rebuilding = null;
      });
      await rebuilding;
      return { checkpoint: projector.checkpoint(), relationships: projector.relationshipCount(tenant) };
    },
  };
  const services: CourtshipServices = { readSide: projector, commands, clock, rules, log: new EventLog(store), maintenance };
  const schema = await buildCourtshipSchema({ services });

  let closing = false;
  projector.start();
  // The cost of work that scales with the tenant (src/server/limits/weights.ts) reads its size from the read side.
  const tenantSizes = new TenantSizes(services.readSide);
  const server = await createServer({
    schema,
    settings,
    tokens,
    logger,
    tenantSize: (tenant) => tenantSizes.of(tenant),
    // A store outage while checking the position answers 503, as the same outage in a resolver does.
    consistentWith: (position) =>
      awaitConsistency(services, position, 'Courtship-Consistent-With').catch((error: unknown) => {
        throw translatedError(error);
      }),
    readiness: async () => {
      await store.ping();
      const lag = await projector.lag();
      return {
        ready: lag.caughtUp,
        details: {
          store: settings.store,
          projector: { checkpoint: lag.checkpoint?.toString() ?? null, head: lag.head?.toString() ?? null, caughtUp: lag.caughtUp },
        },
      };
    },
    onClose: [
      () => {
        closing = true;
        return scheduler.stop();
      },
      () => projector.close(),
      () => store.close(),
      () => tokens.close(),
    ],
  });

  // Deadlines are computed from projected states: schedule them once the projector has caught up.
  projector
    .catchUp(options.catchUpTimeoutMs ?? 10 * 60 * 1000)
    .catch((error: unknown) => logger.warn({ err: error }, 'projector still catching up; scheduling deadlines anyway'))
    .finally(() => {
      if (!closing) scheduler.start();
    });

  return { server, store, projector, scheduler, tokens, services, bootstrapToken, close: () => server.close() };
}

function loadRules(file: string | undefined): Rules {
  if (file === undefined) return defaultRules;
  return parseRules(JSON.parse(readFileSync(file, 'utf8')) as unknown);
}
