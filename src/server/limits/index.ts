import type { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import { tooComplex } from '../../graphql/errors.js';
import { operationCost } from './cost.js';
import { operationDepth } from './depth.js';
import { selectOperation, type SelectedOperation } from './operation.js';

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

/** What does not depend on the variables, per document (Apollo hands the same parsed document to repeated queries). */
interface Measured {
  readonly selected: SelectedOperation | null;
  readonly depth: number;
  /** Whether the operation declares no variables, so that its cost holds for every request. */
  readonly fixed: boolean;
  /** The fixed cost, once walked (only for an operation within the depth limit). */
  cost?: number;
}

/** Keyed by the schema too: a document measured against one schema says nothing about another. */
const measuredByDocument = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, Measured>>>();

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
  const measured = measure(schema, document, operationName);
  const { selected, depth } = measured;
  if (selected === null) return null;
  if (depth > limits.maxDepth) return { depth, cost: Number.NaN, error: tooComplex('depth', limits.maxDepth, depth) };
  let cost = measured.cost;
  if (cost === undefined) {
    cost = operationCost(schema, selected, variables);
    if (measured.fixed) measured.cost = cost;
  }
  if (cost > limits.maxCost) return { depth, cost, error: tooComplex('cost', limits.maxCost, cost) };
  return { depth, cost, error: null };
}

function measure(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): Measured {
  let documents = measuredByDocument.get(schema);
  if (!documents) {
    documents = new WeakMap();
    measuredByDocument.set(schema, documents);
  }
  let byOperation = documents.get(document);
  if (!byOperation) {
    byOperation = new Map();
    documents.set(document, byOperation);
  }
  const key = operationName ?? '';
  let measured = byOperation.get(key);
  if (!measured) {
    const selected = selectOperation(document, operationName);
    const depth = selected === null ? 0 : operationDepth(selected);
    const fixed = selected !== null && (selected.operation.variableDefinitions ?? []).length === 0;
    measured = { selected, depth, fixed };
    byOperation.set(key, measured);
  }
  return measured;
}
