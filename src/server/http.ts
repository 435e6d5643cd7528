import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { TokenStore } from '../auth/token-store.js';
import type { RequestContext } from '../graphql/context.js';
import { ErrorCode } from '../graphql/errors.js';
import type { RequestRecord } from './apollo.js';
import { authenticate, withHttp401 } from './auth.js';
import { readBody } from './body.js';
import { applyCors, type CorsPolicy } from './cors.js';
import { checkReadiness, sendError, sendJson, type ReadinessCheck } from './health.js';
import type { KnownQueries, PostBody } from './known-queries.js';
import { requestTarget, type RequestTarget } from './request-target.js';
import { ASSETS_PREFIX, sendAsset, sendPage } from './web/assets.js';

export const GRAPHQL_PATH = '/graphql';

export interface HttpHandlerOptions {
  readonly apollo: ApolloServer<RequestContext>;
  readonly tokens: TokenStore;
  readonly logger: Logger;
  readonly records: WeakMap<HTTPGraphQLRequest, RequestRecord>;
  /** Queries Apollo has already validated, run here without its pipeline. */
  readonly knownQueries: KnownQueries;
  readonly readiness: ReadinessCheck;
  readonly isDraining: () => boolean;
  readonly buildContext: (base: RequestContext) => Promise<RequestContext>;
  readonly ide: boolean;
  readonly bodyLimitBytes: number;
  /** Origins allowed to call the API from a browser (none by default). */
  readonly cors?: CorsPolicy;
  /**
   * Waits (bounded) until the read models reflect a position a mutation
   * returned, sent in the `Courtship-Consistent-With` header: read-your-writes
   * for every query of the request, analytics included.
   */
  readonly consistentWith?: (position: string) => Promise<void>;
}

export const CONSISTENT_WITH_HEADER = 'courtship-consistent-with';

const SERVED_PATHS: ReadonlySet<string> = new Set([GRAPHQL_PATH, '/healthz', '/readyz', '/']);

/** A client-chosen request id is kept (for tracing across services) only when it is short and plain. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The whole HTTP surface: `/healthz`, `/readyz`, the pipeline page at `/`
 * and its bundled files under `/assets/`, and `/graphql` (the IDE for
 * browsers, Apollo for everything else). Apollo gets a parsed body; the
 * checks Apollo leaves to the framework (body size, content type, JSON) are
 * made here.
 */
export function createHttpHandler(options: HttpHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const startedAt = performance.now();
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', requestId);
    const url = requestTarget(req.url, SERVED_PATHS);
    const record: RequestRecord = {};
    if (options.cors && applyCors(options.cors, req, res)) return;

    route(options, req, res, url, requestId, record)
      .catch((error: unknown) => {
        options.logger.error({ requestId, err: error }, 'request failed');
        if (!res.headersSent) sendError(res, 500, 'Internal server error', { code: ErrorCode.INTERNAL_SERVER_ERROR });
        else res.destroy();
      })
      .finally(() => {
        const level = url.pathname === '/healthz' || url.pathname === '/readyz' ? 'debug' : 'info';
        if (!options.logger.isLevelEnabled(level)) return;
        const codes = record.errorCodes ?? [];
        options.logger[level](
          {
            requestId,
            method: req.method,
            path: url.pathname,
            status: res.statusCode,
            operationName: record.operationName ?? null,
            durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
            outcome: codes.length === 0 && res.statusCode < 400 ? 'ok' : 'error',
            ...(codes.length > 0 ? { errorCodes: codes } : {}),
            ...(record.cost !== undefined ? { cost: record.cost } : {}),
          },
          'http request',
        );
      });
  };
}

async function route(
  options: HttpHandlerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  url: RequestTarget,
  requestId: string,
  record: RequestRecord,
): Promise<void> {
  switch (url.pathname) {
    case '/healthz':
      return sendJson(res, 200, { status: 'ok' });
    case '/readyz': {
      const readiness = await checkReadiness(options.readiness, options.isDraining());
      return sendJson(res, readiness.ready ? 200 : 503, readiness);
    }
    case GRAPHQL_PATH:
      return graphql(options, req, res, url, requestId, record);
    case '/':
      if (req.method === 'GET' || req.method === 'HEAD') {
        if (sendPage(res, 'pipeline')) return;
        return sendError(res, 503, 'the pipeline page is not built: run npm run build', { code: 'NOT_BUILT' });
      }
      break;
    default:
      if (url.pathname.startsWith(ASSETS_PREFIX) && (req.method === 'GET' || req.method === 'HEAD') && sendAsset(res, url.pathname)) return;
  }
  record.errorCodes = ['NOT_FOUND'];
  return sendError(res, 404, `nothing at ${url.pathname}: the API is at ${GRAPHQL_PATH}`, { code: 'NOT_FOUND' });
}

async function graphql(
  options: HttpHandlerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  url: RequestTarget,
  requestId: string,
  record: RequestRecord,
): Promise<void> {
  if (req.method === 'GET' && wantsHtml(req) && !new URLSearchParams(url.search).has('query')) {
    if (options.ide) {
      if (sendPage(res, 'ide')) return;
      return sendError(res, 503, 'the IDE is not built: run npm run build', { code: 'NOT_BUILT' });
    }
    record.errorCodes = ['NOT_FOUND'];
    return sendError(res, 404, 'the GraphQL IDE is disabled in production; set COURTSHIP_IDE=on to enable it', {
      code: 'NOT_FOUND',
    });
  }

  const build = async (): Promise<RequestContext> => {
    const auth = authenticate(options.tokens, req.headers.authorization);
    if ('error' in auth) throw withHttp401(auth.error);
    const { tenant, scopes, tokenId } = auth.principal;
    const wanted = req.headers[CONSISTENT_WITH_HEADER];
    if (typeof wanted === 'string' && options.consistentWith) await options.consistentWith(wanted).catch(withStatus);
    return options.buildContext(new HttpRequestContext(tenant, scopes, tokenId, requestId, options.logger));
  };
  // Built once: the direct path and Apollo (when the direct path passes) share it, and a wait is not waited twice.
  let built: Promise<RequestContext> | undefined;
  const context = (): Promise<RequestContext> => (built ??= build());

  let body: unknown;
  const accept = req.headers.accept;
  if (req.method === 'POST') {
    const parsed = await readJsonBody(req, res, options.bodyLimitBytes, record);
    if (parsed === undefined) return;
    body = parsed.value;
    const operationName = (body as { operationName?: unknown }).operationName;
    if (typeof operationName === 'string') record.operationName = operationName;
    // The body is JSON (application/json), which is also what satisfies Apollo's CSRF prevention.
    if (!options.isDraining()) {
      const known = await options.knownQueries.run(body as PostBody, accept, record, context);
      if (known !== null) return writeResponse(res, known);
    }
  }

  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const httpGraphQLRequest: HTTPGraphQLRequest = { method: req.method ?? 'GET', headers, search: url.search, body };
  options.records.set(httpGraphQLRequest, record);

  const response = await options.apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context });
  if (req.method === 'POST') options.knownQueries.rememberContentType(accept, response);
  // Refusals made before Apollo's pipeline (CSRF, authentication) bypass its plugins: read their codes here.
  if (record.errorCodes === undefined && response.body.kind === 'complete' && (response.status ?? 200) >= 400) {
    record.errorCodes = errorCodesOf(response.body.string);
  }
  await writeResponse(res, response);
}

/** Returns undefined when a response (400/413/415) was already sent. */
async function readJsonBody(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
  record: RequestRecord,
): Promise<{ value: unknown } | undefined> {
  const refuse = (status: number, code: string, message: string, extensions: Record<string, unknown> = {}) => {
    record.errorCodes = [code];
    sendError(res, status, message, { code, ...extensions }, status === 413 ? { connection: 'close' } : {});
    return undefined;
  };
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== 'application/json') {
    return refuse(415, 'BAD_REQUEST', 'POST requests must have "Content-Type: application/json"');
  }
  const read = await readBody(req, limit);
  if ('tooLarge' in read) {
    return refuse(413, ErrorCode.PAYLOAD_TOO_LARGE, `the request body exceeds the limit of ${limit} bytes`, {
      limit,
      ...(read.tooLarge.actual !== null ? { actual: read.tooLarge.actual } : {}),
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(read.body.toString('utf8'));
  } catch {
    return refuse(400, 'BAD_REQUEST', 'the request body is not valid JSON');
  }
  if (Array.isArray(value)) {
    return refuse(400, 'BAD_REQUEST', 'batched operations are not supported: send one operation per request');
  }
  if (value === null || typeof value !== 'object') {
    return refuse(400, 'BAD_REQUEST', 'the request body must be a JSON object: { "query": "…", "variables": {…} }');
  }
  return { value };
}

/**
 * The request's context before `buildContext` adds to it. Its child logger is
 * made on first use: most requests never log anything but their line. A class
 * rather than an object literal with a getter: the same shape every request,
 * built without a slow path.
 */
class HttpRequestContext implements RequestContext {
  readonly transport = 'http';
  private childLog: Logger | undefined;

  constructor(
    readonly tenant: string,
    readonly scopes: RequestContext['scopes'],
    readonly tokenId: string,
    readonly requestId: string,
    private readonly logger: Logger,
  ) {}

  get log(): Logger {
    return (this.childLog ??= this.logger.child({ requestId: this.requestId }));
  }
}

/** A refusal raised while building the context answers with its HTTP status (Apollo reads `extensions.http`). */
function withStatus(error: unknown): never {
  if (error instanceof GraphQLError) {
    const status = error.extensions.code === ErrorCode.SERVICE_UNAVAILABLE ? 503 : error.extensions.code === ErrorCode.BAD_USER_INPUT ? 400 : undefined;
    if (status !== undefined) Object.assign(error.extensions, { http: { status, headers: new HeaderMap() } });
  }
  throw error;
}

function wantsHtml(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').toLowerCase().includes('text/html');
}

function errorCodesOf(text: string): string[] {
  try {
    const parsed = JSON.parse(text) as { errors?: { extensions?: { code?: unknown } }[] };
    return [...new Set((parsed.errors ?? []).map((error) => String(error.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR)))];
  } catch {
    return [ErrorCode.INTERNAL_SERVER_ERROR];
  }
}

async function writeResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  // Answers are one tenant's data: no shared cache may keep them (Apollo's cache-control plugin is off).
  res.setHeader('cache-control', 'no-store');
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}
