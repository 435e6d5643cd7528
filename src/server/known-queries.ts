/**
 * Apollo's request pipeline costs about as much per request as the whole
 * bare Apollo server does (hashing the query text for its document cache,
 * content negotiation twice, a dozen plugin hooks, promises at every stage),
 * and a client sends the same few documents over and over with other
 * variables. So once Apollo has parsed and validated a query document, this
 * runs it directly on graphql-js, on the same schema, context, depth and cost
 * limits and error formatter, and answers exactly what Apollo would.
 *
 * Only the plain case takes this path: a POST query or mutation (no
 * subscription, no persisted-query extension) whose document and `Accept`
 * header Apollo has already answered, within the limits, whose variables
 * are valid. Anything else returns null and goes through Apollo, which then
 * produces the answer and any error itself. A mutation handed back to Apollo
 * has not run: null is only returned before `execute` or when it refused the
 * variables (nothing ran).
 */
import { execute, getOperationAST, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import type { RequestContext } from '../graphql/context.js';
import type { RequestRecord } from './apollo.js';
import { checkQueryLimits, type QueryLimits } from './limits/index.js';
import { formatResultErrors, type ErrorFormatting } from './result-errors.js';

/** Longer documents are left to Apollo's own cache (which bounds itself by size). */
const MAX_QUERY_LENGTH = 8 * 1024;
const MAX_DOCUMENTS = 500;
/** Distinct `Accept` headers remembered; clients send a handful. */
const MAX_ACCEPT_HEADERS = 64;

/** The JSON body of a POST, once the HTTP layer has checked it is an object. */
export interface PostBody {
  readonly query?: unknown;
  readonly operationName?: unknown;
  readonly variables?: unknown;
  readonly extensions?: unknown;
}

interface KnownDocument {
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
}

export class KnownQueries {
  /** Query text → the document Apollo parsed and validated from it. */
  private readonly documents = new Map<string, KnownDocument>();
  /** `Accept` header ('' when absent) → the content type Apollo answered a successful request with. */
  private readonly contentTypes = new Map<string, string>();

  constructor(private readonly options: QueryLimits & ErrorFormatting) {}

  /** Called by Apollo's pipeline once a document passed parsing and validation. */
  rememberDocument(query: string, schema: GraphQLSchema, document: DocumentNode): void {
    if (query.length > MAX_QUERY_LENGTH || this.documents.has(query)) return;
    evictOldest(this.documents, MAX_DOCUMENTS);
    this.documents.set(query, { schema, document });
  }

  /** Called with every answer Apollo gave to a POST: a successful one tells the content type for its `Accept`. */
  rememberContentType(accept: string | undefined, response: HTTPGraphQLResponse): void {
    const contentType = response.headers.get('content-type');
    if (contentType === undefined || (response.status ?? 200) !== 200 || response.body.kind !== 'complete') return;
    const key = accept ?? '';
    if (this.contentTypes.get(key) === contentType) return;
    evictOldest(this.contentTypes, MAX_ACCEPT_HEADERS);
    this.contentTypes.set(key, contentType);
  }

  /**
   * Runs the request when it is a known query, else returns null (Apollo
   * answers it). `context` is called only once the request qualifies; when
   * it throws (authentication), null too: Apollo calls it again and answers
   * the error its way.
   */
  async run(
    body: PostBody,
    accept: string | undefined,
    record: RequestRecord,
    context: () => Promise<RequestContext>,
  ): Promise<HTTPGraphQLResponse | null> {
    const { query, operationName, variables, extensions } = body;
    if (typeof query !== 'string' || (extensions !== undefined && extensions !== null)) return null;
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return null;
    if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return null;
    const known = this.documents.get(query);
    const contentType = this.contentTypes.get(accept ?? '');
    if (known === undefined || contentType === undefined) return null;
    const operation = getOperationAST(known.document, operationName);
    // Apollo's pipeline cost as much as a write's own work under load (the appendEvents bench).
    if (!operation || operation.operation === 'subscription') return null;
    const variableValues = (variables ?? undefined) as Record<string, unknown> | undefined;
    // The context says the tenant, whose size weighs work that scales with it.
    let contextValue: RequestContext;
    try {
      contextValue = await context();
    } catch {
      return null;
    }
    const limits = checkQueryLimits(known.schema, known.document, operationName, variableValues, this.options, contextValue.tenant);
    // Expensive operations go through Apollo, which charges them to the token's budget (apollo.ts).
    if (limits === null || limits.error !== null || this.options.budget?.isCharged(limits.cost)) return null;
    const result = await execute({
      schema: known.schema,
      document: known.document,
      contextValue,
      variableValues,
      operationName: operationName ?? undefined,
    });
    // No data: the variables were refused before anything ran. Apollo words that refusal (400, BAD_USER_INPUT).
    if (result.data === undefined) return null;

    recordOperation(record, operation, limits.cost);
    const headers = new HeaderMap();
    let status: number | undefined;
    let errors: GraphQLFormattedError[] | undefined;
    if (result.errors !== undefined && result.errors.length > 0) {
      const formatted = formatResultErrors(result.errors, contextValue, this.options);
      errors = formatted.errors;
      status = formatted.status;
      for (const [name, value] of formatted.headers) headers.set(name, value);
      record.errorCodes = formatted.codes;
    } else {
      record.errorCodes = [];
    }
    // As Apollo: headers an error asked for first, and its content type unless one of them set it.
    if (!headers.has('content-type')) headers.set('content-type', contentType);
    // Apollo's field order and trailing newline.
    const text = `${JSON.stringify({ errors, data: result.data, extensions: result.extensions })}\n`;
    return { status, headers, body: { kind: 'complete', string: text } };
  }
}

/** What Apollo's plugins note for the log line (src/server/apollo.ts). */
function recordOperation(record: RequestRecord, operation: OperationDefinitionNode, cost: number): void {
  if (operation.name) record.operationName = operation.name.value;
  record.cost = cost;
}

function evictOldest(map: Map<string, unknown>, capacity: number): void {
  if (map.size < capacity) return;
  const oldest = map.keys().next();
  if (!oldest.done) map.delete(oldest.value);
}
