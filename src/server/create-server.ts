import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HTTPGraphQLRequest } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { TokenStore } from '../auth/token-store.js';
import type { Settings } from '../config/settings.js';
import type { RequestContext } from '../graphql/context.js';
import { formatError } from '../graphql/errors.js';
import { createApollo, type RequestRecord } from './apollo.js';
import type { ReadinessCheck } from './health.js';
import { createHttpHandler, GRAPHQL_PATH } from './http.js';
import { KnownQueries } from './known-queries.js';
import { ExpensiveOperationBudget } from './limits/rate.js';
import type { ErrorFormatting } from './result-errors.js';
import { attachSubscriptionServer } from './ws.js';

export type ServerSettings = Pick<
  Settings,
  'port' | 'host' | 'development' | 'ide' | 'introspection' | 'bodyLimitBytes' | 'maxDepth' | 'maxCost' | 'shutdownGraceMs'
> &
  Partial<Pick<Settings, 'corsOrigins' | 'maxFields' | 'maxCopies' | 'maxTokens' | 'wsLimits' | 'expensive'>>;

export interface CreateServerOptions<TContext extends RequestContext = RequestContext> {
  readonly schema: GraphQLSchema;
  readonly settings: ServerSettings;
  readonly tokens: TokenStore;
  readonly logger: Logger;
  /** `/readyz`: the store ping and projector lag plug in here. Ready by default. */
  readonly readiness?: ReadinessCheck;
  /** Adds per-request services (DataLoaders, command handlers) to the authenticated context. */
  readonly context?: (base: RequestContext) => TContext | Promise<TContext>;
  /** Read-your-writes for a whole HTTP request: see `HttpHandlerOptions.consistentWith`. */
  readonly consistentWith?: (position: string) => Promise<void>;
  /** Run in order after requests and subscriptions are drained (close the store, stop projectors). */
  readonly onClose?: ReadonlyArray<() => Promise<void> | void>;
  /** WebSocket ping interval; a peer that misses one is dropped. */
  readonly keepAliveMs?: number;
  /** How often to look for tokens revoked by another process (the CLI). */
  readonly revocationPollMs?: number;
  /** The tenant's relationships, for the cost of work that scales with them (src/server/limits/weights.ts); none: only fixed work. */
  readonly tenantSize?: (tenant: string) => number;
}

export interface CourtshipServer {
  /** `http://host:port/graphql`, with the port actually bound (useful with port 0). */
  readonly url: string;
  readonly port: number;
  readonly httpServer: HttpServer;
  /**
   * Graceful shutdown: refuse new connections, close WebSockets with 1012
   * (service restart: clients reconnect and resubscribe, no `complete`), let
   * in-flight requests finish, then run the onClose hooks.
   * Idempotent: later calls return the same promise.
   */
  close(): Promise<void>;
}

/** Builds and starts the HTTP + WebSocket server; resolves once it listens. */
export async function createServer<TContext extends RequestContext = RequestContext>(
  options: CreateServerOptions<TContext>,
): Promise<CourtshipServer> {
  const { settings, logger, tokens, schema } = options;
  const httpServer = createHttpServer();
  const records = new WeakMap<HTTPGraphQLRequest, RequestRecord>();
  const buildContext = async (base: RequestContext): Promise<RequestContext> =>
    options.context ? await options.context(base) : base;
  let draining = false;

  // Field suggestions ("Did you mean …?") describe the schema: only where introspection would too.
  const errorOptions = { development: settings.development, suggestions: settings.introspection };
  const errorFormatting: ErrorFormatting = {
    formatError: (formatted, error) => formatError(formatted, error, errorOptions),
    includeStacktraceInErrorResponses: settings.development,
  };
  const limits = {
    maxDepth: settings.maxDepth,
    maxCost: settings.maxCost,
    ...(settings.maxFields !== undefined ? { maxFields: settings.maxFields } : {}),
    ...(settings.maxCopies !== undefined ? { maxCopies: settings.maxCopies } : {}),
    ...(options.tenantSize !== undefined ? { tenantSize: options.tenantSize } : {}),
    ...(settings.maxTokens !== undefined ? { maxTokens: settings.maxTokens } : {}),
    ...(settings.expensive !== undefined
      ? { budget: new ExpensiveOperationBudget({ ...settings.expensive, burst: 2 * settings.maxCost }) }
      : {}),
  };
  const knownQueries = new KnownQueries({ ...limits, ...errorFormatting });
  const apollo = createApollo({ ...settings, ...limits, schema, httpServer, logger, records, knownQueries, errorFormatting });
  await apollo.start();

  httpServer.on(
    'request',
    createHttpHandler({
      apollo,
      tokens,
      logger,
      records,
      knownQueries,
      readiness: options.readiness ?? (async () => ({ ready: true, details: {} })),
      isDraining: () => draining,
      buildContext,
      ide: settings.ide,
      bodyLimitBytes: settings.bodyLimitBytes,
      cors: { origins: settings.corsOrigins ?? [] },
      ...(options.consistentWith ? { consistentWith: options.consistentWith } : {}),
    }),
  );
  const subscriptions = attachSubscriptionServer({
    ...settings,
    ...limits,
    httpServer,
    schema,
    tokens,
    logger,
    buildContext,
    formatErrors: (errors) =>
      errors.map((error) => formatError(error.toJSON(), error, errorOptions)),
    keepAliveMs: options.keepAliveMs ?? 12_000,
    wsLimits: { maxPayloadBytes: settings.bodyLimitBytes, ...settings.wsLimits },
  });
  const stopWatchingRevocations = tokens.watchRevocations(options.revocationPollMs ?? 1_000);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(settings.port, settings.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const shutdown = async () => {
    draining = true;
    logger.info('shutting down: draining requests and subscriptions');
    stopWatchingRevocations();
    // No new connections from here on; open ones finish what they are doing.
    httpServer.close();
    // Subscriptions first: Apollo's drain would otherwise end their sockets without a close frame.
    await subscriptions.drain(settings.shutdownGraceMs);
    await apollo.stop();
    for (const hook of options.onClose ?? []) {
      try {
        await hook();
      } catch (error) {
        logger.error({ err: error }, 'a shutdown hook failed');
      }
    }
    logger.info('shut down');
  };

  return {
    url: `http://${displayHost(settings.host)}:${port}${GRAPHQL_PATH}`,
    port,
    httpServer,
    close: () => (closing ??= shutdown()),
  };
}

/** A wildcard bind address is not somewhere a browser can go. */
export function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
