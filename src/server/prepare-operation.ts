import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationTypeNode,
} from 'graphql';
import { checkQueryLimits, DEFAULT_MAX_TOKENS, type QueryLimits } from './limits/index.js';
import { tokenLimitError } from './limits/tokens.js';

export interface OperationRequest {
  readonly query: string;
  readonly operationName?: string | null;
  readonly variables?: Record<string, unknown> | null;
}

export type PreparedOperation =
  | {
      readonly document: DocumentNode;
      readonly operationName: string | undefined;
      readonly operationType: OperationTypeNode;
      readonly variables: Record<string, unknown>;
      readonly cost: number;
    }
  | { readonly errors: readonly GraphQLError[] };

/**
 * For the WebSocket side, what Apollo's request pipeline does over HTTP:
 * parse (bounded in tokens), validate (introspection refused when disabled), check the depth and
 * cost limits, coerce variables. Every refusal carries the code Apollo would
 * use, so clients see the same errors on both transports.
 */
export function prepareOperation(
  schema: GraphQLSchema,
  request: OperationRequest,
  options: QueryLimits & { introspection: boolean },
  /** The caller's tenant: the cost of work that scales with its size. */
  tenant?: string,
): PreparedOperation {
  let document: DocumentNode;
  try {
    document = parse(request.query, { maxTokens: options.maxTokens ?? DEFAULT_MAX_TOKENS });
  } catch (error) {
    return { errors: [tokenLimitError(error) ?? withCode(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')] };
  }
  const rules = options.introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const invalid = validate(schema, document, rules);
  if (invalid.length > 0) return { errors: invalid.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED')) };

  const operation = getOperationAST(document, request.operationName);
  if (!operation) {
    return {
      errors: [new GraphQLError('the document must name the operation to run', { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })],
    };
  }
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
  if (coerced.errors) return { errors: coerced.errors.map((error) => withCode(error, 'BAD_USER_INPUT')) };

  const limits = checkQueryLimits(schema, document, request.operationName, request.variables ?? undefined, options, tenant);
  if (limits?.error) return { errors: [limits.error] };
  return {
    document,
    operationName: operation.name?.value,
    operationType: operation.operation,
    variables: request.variables ?? {},
    cost: limits?.cost ?? 0,
  };
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { ...error.extensions, code },
  });
}
