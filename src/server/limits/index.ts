import type { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import { tooComplex } from '../../graphql/errors.js';
import { operationCost } from './cost.js';
import { operationDepth } from './depth.js';
import { selectOperation } from './operation.js';

export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxCost: number;
}

export interface LimitCheck {
  readonly depth: number;
  readonly cost: number;
  /** QUERY_TOO_COMPLEX naming the measure, the limit and the actual value; null when within limits. */
  readonly error: GraphQLError | null;
}

/**
 * Measures an operation against the depth and cost limits. Depth is checked
 * first and is cheap, so an absurdly deep query is refused before its cost is
 * walked. Returns null when the operation cannot be selected (graphql reports that).
 */
export function checkQueryLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
  limits: QueryLimits,
): LimitCheck | null {
  const selected = selectOperation(document, operationName);
  if (selected === null) return null;
  const depth = operationDepth(selected);
  if (depth > limits.maxDepth) return { depth, cost: Number.NaN, error: tooComplex('depth', limits.maxDepth, depth) };
  const cost = operationCost(schema, selected, variables);
  if (cost > limits.maxCost) return { depth, cost, error: tooComplex('cost', limits.maxCost, cost) };
  return { depth, cost, error: null };
}
