import { ApolloServer, HeaderMap, type ApolloServerPlugin, type HTTPGraphQLRequest } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import type { RequestContext } from '../graphql/context.js';
import { ErrorCode } from '../graphql/errors.js';
import type { KnownQueries } from './known-queries.js';
import { checkQueryLimits, DEFAULT_MAX_TOKENS, type QueryLimits } from './limits/index.js';
import { tokenLimitError } from './limits/tokens.js';
import { logUnexpectedErrors, type ErrorFormatting } from './result-errors.js';

/** What the HTTP layer learns about a request from inside Apollo's pipeline, for its log line. */
export interface RequestRecord {
  operationName?: string;
  cost?: number;
  errorCodes?: string[];
}

export interface ApolloOptions extends QueryLimits {
  readonly schema: GraphQLSchema;
  readonly httpServer: HttpServer;
  readonly logger: Logger;
  readonly development: boolean;
  readonly introspection: boolean;
  readonly shutdownGraceMs: number;
  /** Filled per request; keyed by the request object Apollo passes through its pipeline. */
  readonly records: WeakMap<HTTPGraphQLRequest, RequestRecord>;
  /** Learns each document Apollo has parsed and validated, for the HTTP layer to run it directly next time. */
  readonly knownQueries: KnownQueries;
  /** The error formatting Apollo applies (shared with the HTTP layer's direct path). */
  readonly errorFormatting: ErrorFormatting;
}

export function createApollo(options: ApolloOptions): ApolloServer<RequestContext> {
  return new ApolloServer<RequestContext>({
    schema: options.schema,
    introspection: options.introspection,
    includeStacktraceInErrorResponses: options.errorFormatting.includeStacktraceInErrorResponses,
    formatError: (formatted, error) => {
      const tooLarge = tokenLimitError(error);
      return options.errorFormatting.formatError(tooLarge ? tooLarge.toJSON() : formatted, tooLarge ?? error);
    },
    // Explicit, though they are Apollo's defaults: one operation per request, CSRF checks on.
    allowBatchedHttpRequests: false,
    // A document's size is bounded while it is parsed, before validation walks it (refused as QUERY_TOO_COMPLEX, see errors.ts).
    parseOptions: { maxTokens: options.maxTokens ?? DEFAULT_MAX_TOKENS },
    csrfPrevention: true,
    // Signals are the server's (signals.ts). Apollo's own handler stops Apollo and sends the signal again,
    // which a shutdown still draining (the read models' write thread closing) took for a second signal: exit 1.
    stopOnTerminationSignals: false,
    plugins: [
      // Courtship serves its own offline IDE (GraphiQL, bundled: src/server/web); Apollo's landing page loads from a CDN.
      ApolloServerPluginLandingPageDisabled(),
      // No field declares a cache hint, and the plugin would wrap every resolver to collect them;
      // the HTTP layer marks every answer `no-store` itself.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer: options.httpServer, stopGracePeriodMillis: options.shutdownGraceMs }),
      queryLimitsPlugin(options),
      requestRecordPlugin(options),
    ],
    // Apollo logs its own warnings through console otherwise.
    logger: options.logger,
  });
}

/** Depth and cost limits need the chosen operation and its variables, known once the operation is resolved. */
function queryLimitsPlugin(limits: QueryLimits & Pick<ApolloOptions, 'records'>): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request, contextValue }) {
          const check = checkQueryLimits(schema, document, operationName, request.variables, limits, contextValue.tenant);
          const record = request.http ? limits.records.get(request.http) : undefined;
          if (record && check) record.cost = check.cost;
          if (check?.error) {
            throw new GraphQLError(check.error.message, {
              extensions: { ...check.error.extensions, http: { status: 400, headers: new HeaderMap() } },
            });
          }
          const limited = check ? limits.budget?.charge(contextValue.tokenId, check.cost) : undefined;
          if (limited) {
            const retryAfter = String(Math.ceil(Number(limited.extensions.retryAfterMs) / 1000));
            throw new GraphQLError(limited.message, {
              extensions: { ...limited.extensions, http: { status: 429, headers: new HeaderMap([['retry-after', retryAfter]]) } },
            });
          }
        },
      };
    },
  };
}

function requestRecordPlugin(options: Pick<ApolloOptions, 'records' | 'knownQueries'>): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ request }) {
      const record = request.http ? options.records.get(request.http) : undefined;
      return {
        async didResolveOperation({ operationName, source, schema, document }) {
          if (record && operationName) record.operationName = operationName;
          // Parsed and validated by now (the limits are checked again on every request).
          if (record && request.extensions === undefined) options.knownQueries.rememberDocument(source, schema, document);
        },
        async didEncounterErrors({ errors, contextValue }) {
          logUnexpectedErrors(errors, contextValue);
        },
        async willSendResponse({ response }) {
          if (record === undefined || response.body.kind !== 'single') return;
          const codes = (response.body.singleResult.errors ?? []).map((error) => String(error.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR));
          record.errorCodes = [...new Set(codes)];
        },
      };
    },
  };
}
