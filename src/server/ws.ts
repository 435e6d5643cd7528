import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { ExecutionResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { bearerToken } from '../auth/bearer.js';
import type { Principal, TokenStore } from '../auth/token-store.js';
import type { RequestContext } from '../graphql/context.js';
import { ErrorCode, isUnexpected } from '../graphql/errors.js';
import { FeedOverflowError } from '../subscriptions/feed.js';
import { authenticate } from './auth.js';
import type { QueryLimits } from './limits/index.js';
import { prepareOperation } from './prepare-operation.js';
import { SharedSubscriptions } from './shared-subscribe.js';
import { DEFAULT_WEBSOCKET_LIMITS, OperationCaps, TOO_MANY_SOCKETS_CLOSE_CODE, type WebSocketLimits } from './ws-limits.js';
import { ProtocolErrorLog, socketReportingTo } from './ws-protocol-errors.js';

/**
 * graphql-ws close codes: 4401 (no valid token) is final, clients do not
 * retry. 4413: a subscription on the socket overflowed its buffer, which
 * means the socket is not keeping up (every subscription on it is behind);
 * clients reconnect and resubscribe with their last cursors. 1012 (service
 * restart): the server is shutting down; graphql-ws clients with
 * `retryAttempts` reconnect and resubscribe on their own.
 */
export const CloseCode = { Unauthorized: 4401, Forbidden: 4403, SubscriberOverflow: 4413, ServiceRestart: 1012 } as const;

export interface SubscriptionServerOptions extends QueryLimits {
  readonly httpServer: HttpServer;
  readonly schema: GraphQLSchema;
  readonly tokens: TokenStore;
  readonly logger: Logger;
  readonly introspection: boolean;
  readonly buildContext: (base: RequestContext) => Promise<RequestContext>;
  readonly formatErrors: (errors: readonly GraphQLError[]) => GraphQLFormattedError[];
  /** Interval of WebSocket pings; a peer that does not answer within it is dropped. */
  readonly keepAliveMs: number;
  /** Frame size and the per-token caps (ws-limits.ts); the frame limit defaults to the HTTP body limit's default. */
  readonly wsLimits?: Partial<WebSocketLimits>;
}

export interface SubscriptionServer {
  /**
   * Closes every socket with 1012 (service restart). Subscriptions are not
   * completed: for a graphql-ws client a completed subscription is over, while
   * a socket closed with 1012 is one to reconnect and resubscribe on.
   */
  drain(graceMs: number): Promise<void>;
}

interface Operation {
  readonly requestId: string;
  readonly operationName: string | undefined;
  readonly startedAt: number;
  readonly errorCodes: Set<string>;
}

/**
 * graphql-ws on the HTTP server's `/graphql` path. A socket is authenticated
 * once, by `connectionParams.authorization` in `connection_init` or the
 * `Authorization` header of the upgrade request (both, if given, must carry
 * the same token), and the token is re-checked on every `subscribe`; revoking
 * a token closes its sockets at once with 4401.
 */
export function attachSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const { tokens, logger, schema } = options;
  const wsLimits = { maxPayloadBytes: 1024 * 1024, ...DEFAULT_WEBSOCKET_LIMITS, ...options.wsLimits };
  const protocolErrors = new ProtocolErrorLog(logger);
  const wss = new WebSocketServer({
    server: options.httpServer,
    path: '/graphql',
    maxPayload: wsLimits.maxPayloadBytes,
    WebSocket: socketReportingTo(protocolErrors),
  });
  const caps = new OperationCaps(wsLimits);
  const principals = new WeakMap<WebSocket, Principal>();
  const socketsByToken = new Map<string, Set<WebSocket>>();
  const operations = new Map<string, Operation>();
  const shared = new SharedSubscriptions();
  let shuttingDown = false;

  const stopListening = tokens.onRevoked((tokenId) => {
    for (const socket of socketsByToken.get(tokenId) ?? []) socket.close(CloseCode.Unauthorized, 'token revoked');
  });

  const track = (socket: WebSocket, principal: Principal) => {
    principals.set(socket, principal);
    const sockets = socketsByToken.get(principal.tokenId) ?? new Set<WebSocket>();
    sockets.add(socket);
    socketsByToken.set(principal.tokenId, sockets);
    socket.once('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0) socketsByToken.delete(principal.tokenId);
    });
  };
  // graphql-ws operation ids are only unique per socket.
  const socketIds = new WeakMap<WebSocket, string>();
  const operationKey = (socket: WebSocket, id: string) => `${socketIds.get(socket)}:${id}`;

  useServer(
    {
      onConnect: (ctx) => {
        const socket = ctx.extra.socket;
        socketIds.set(socket, randomUUID());
        if (shuttingDown) {
          socket.close(CloseCode.ServiceRestart, 'server restarting: reconnect');
          return false;
        }
        const params = ctx.connectionParams ?? {};
        const credentials = agreedCredentials(params.authorization ?? params.Authorization, ctx.extra.request.headers.authorization);
        if ('disagreement' in credentials) {
          socket.close(CloseCode.Unauthorized, credentials.disagreement);
          return false;
        }
        const auth = authenticate(tokens, credentials.authorization);
        if ('error' in auth) {
          socket.close(CloseCode.Unauthorized, auth.error.message);
          return false;
        }
        if ((socketsByToken.get(auth.principal.tokenId)?.size ?? 0) >= wsLimits.maxSocketsPerToken) {
          socket.close(TOO_MANY_SOCKETS_CLOSE_CODE, `too many sockets for this token (limit ${wsLimits.maxSocketsPerToken})`);
          return false;
        }
        track(socket, auth.principal);
        return true;
      },

      onSubscribe: async (ctx, id, payload) => {
        const socket = ctx.extra.socket;
        const principal = principals.get(socket);
        if (principal === undefined || !tokens.isActive(principal.tokenId)) {
          socket.close(CloseCode.Unauthorized, 'token revoked');
          return [new GraphQLError('the bearer token is unknown or revoked', { extensions: { code: ErrorCode.UNAUTHENTICATED } })];
        }
        const requestId = randomUUID();
        const log = logger.child({ requestId });
        if (shuttingDown) {
          return [new GraphQLError('the server is shutting down', { extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } })];
        }
        const full = caps.refusal(socket, principal.tokenId);
        if (full) {
          logOperation(log, payload.operationName ?? undefined, 0, [ErrorCode.TOO_MANY_SUBSCRIPTIONS]);
          return [full];
        }
        const prepared = prepareOperation(schema, payload, options, principal.tenant);
        if ('errors' in prepared) {
          logOperation(log, payload.operationName ?? undefined, 0, codesOf(prepared.errors));
          return prepared.errors;
        }
        const limited = options.budget?.charge(principal.tokenId, prepared.cost);
        if (limited) {
          logOperation(log, prepared.operationName, 0, [ErrorCode.RATE_LIMITED]);
          return [limited];
        }
        const contextValue = await options.buildContext({
          tenant: principal.tenant,
          scopes: principal.scopes,
          tokenId: principal.tokenId,
          requestId,
          log,
          transport: 'ws',
        });
        const refused = caps.admit(operationKey(socket, id), socket, principal.tokenId);
        if (refused) {
          logOperation(log, prepared.operationName, 0, [ErrorCode.TOO_MANY_SUBSCRIPTIONS]);
          return [refused];
        }
        operations.set(operationKey(socket, id), {
          requestId,
          operationName: prepared.operationName,
          startedAt: performance.now(),
          errorCodes: new Set(),
        });
        return {
          schema,
          document: prepared.document,
          operationName: prepared.operationName,
          variableValues: prepared.variables,
          contextValue,
        };
      },

      subscribe: async (args) => {
        // Every operation comes through onSubscribe above, which puts a RequestContext in the args.
        return shared.subscribe(args as typeof args & { contextValue: RequestContext });
      },

      onNext: (ctx, id, _payload, _args, result: ExecutionResult) => {
        if (!result.errors) return undefined;
        const operation = operations.get(operationKey(ctx.extra.socket, id));
        reportUnexpected(logger, operation, result.errors);
        for (const code of codesOf(result.errors)) operation?.errorCodes.add(code);
        return { ...result, errors: options.formatErrors(result.errors) };
      },

      onError: (ctx, id, _payload, errors) => {
        const socket = ctx.extra.socket;
        const operation = operations.get(operationKey(socket, id));
        reportUnexpected(logger, operation, errors);
        for (const code of codesOf(errors)) operation?.errorCodes.add(code);
        if (errors.some((error) => error.originalError instanceof FeedOverflowError)) {
          // After the error (which names the cursor to resume from) has gone out.
          setImmediate(() => socket.close(CloseCode.SubscriberOverflow, 'subscriber overflow: resubscribe with after = your last cursor'));
        }
        return options.formatErrors(errors);
      },

      onComplete: (ctx, id) => {
        const key = operationKey(ctx.extra.socket, id);
        caps.release(key);
        const operation = operations.get(key);
        if (operation === undefined) return;
        operations.delete(key);
        logOperation(
          logger.child({ requestId: operation.requestId }),
          operation.operationName,
          performance.now() - operation.startedAt,
          [...operation.errorCodes],
        );
      },
    },
    wss,
    options.keepAliveMs,
  );

  return {
    async drain(graceMs) {
      shuttingDown = true;
      stopListening();
      protocolErrors.close();
      // No `complete` for subscriptions the client did not end: closing the socket stops their feeds
      // (graphql-ws returns every iterator of a closed socket), and the client resubscribes elsewhere.
      const closed = new Promise<void>((resolve) => wss.close(() => resolve()));
      for (const socket of wss.clients) socket.close(CloseCode.ServiceRestart, 'server restarting: reconnect');
      if (!(await withTimeout(closed, graceMs))) for (const socket of wss.clients) socket.terminate();
    },
  };
}

/**
 * The credentials of a connection: `connectionParams.authorization` (what
 * browsers can send) or the upgrade request's `Authorization` header (what
 * server-to-server clients send). Given both, they must name the same token.
 */
function agreedCredentials(param: unknown, header: string | undefined): { authorization: unknown } | { disagreement: string } {
  const fromHeader = header === undefined || header === '' ? undefined : header;
  if (param === undefined || param === null || param === '') return { authorization: fromHeader };
  if (fromHeader === undefined) return { authorization: param };
  const a = bearerToken(param);
  const b = bearerToken(fromHeader);
  if (typeof a === 'string' && a === b) return { authorization: param };
  return { disagreement: 'the Authorization header and connectionParams.authorization carry different tokens' };
}

function logOperation(log: Logger, operationName: string | undefined, durationMs: number, errorCodes: readonly string[]): void {
  log.info(
    {
      transport: 'ws',
      operationName: operationName ?? null,
      durationMs: Math.round(durationMs * 10) / 10,
      outcome: errorCodes.length === 0 ? 'ok' : 'error',
      ...(errorCodes.length > 0 ? { errorCodes } : {}),
    },
    'graphql operation',
  );
}

function reportUnexpected(logger: Logger, operation: Operation | undefined, errors: readonly GraphQLError[]): void {
  for (const error of errors.filter(isUnexpected)) {
    logger.error({ requestId: operation?.requestId, err: error.originalError ?? error }, 'unexpected error in a subscription');
  }
}

function codesOf(errors: readonly GraphQLError[]): string[] {
  return [
    ...new Set(errors.map((error) => (isUnexpected(error) ? ErrorCode.INTERNAL_SERVER_ERROR : String(error.extensions.code)))),
  ];
}

/** Resolves true when `promise` settles within `ms`, false otherwise. */
async function withTimeout(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
