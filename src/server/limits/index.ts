import type { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import { tooComplex } from '../../graphql/errors.js';
import { estimateCost } from './cost.js';
import { operationDepth } from './depth.js';
import { selectOperation, type SelectedOperation } from './operation.js';
import type { ExpensiveOperationBudget } from './rate.js';
import { operationSize } from './size.js';

export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxCost: number;
  /** Most fields selected once fragments are expanded (COURTSHIP_MAX_FIELDS); DEFAULT_MAX_FIELDS when absent. */
  readonly maxFields?: number;
  /** Most lexical tokens in a document (COURTSHIP_MAX_TOKENS); DEFAULT_MAX_TOKENS when absent. */
  readonly maxTokens?: number;
  /** Per-token budget for expensive operations (rate.ts); none when absent. */
  readonly budget?: ExpensiveOperationBudget;
}

/** COURTSHIP_MAX_TOKENS's default: the standard introspection query has a few hundred. */
export const DEFAULT_MAX_TOKENS = 5_000;

/** COURTSHIP_MAX_FIELDS's default: the standard introspection query selects about 150. */
export const DEFAULT_MAX_FIELDS = 2_000;

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
  /** Fields selected once fragments are expanded. */
  readonly size: number;
  /** The cost, once walked, when no variable can change it (only for an operation within the depth limit). */
  cost?: number;
}

/** Keyed by the schema too: a document measured against one schema says nothing about another. */
const measuredByDocument = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, Measured>>>();

/**
 * Measures an operation against the depth, size and cost limits. Depth and
 * size are checked first and are cheap (each fragment is walked once), so an
 * absurdly deep or wide query is refused before its cost is walked. Returns null when the operation cannot be selected (graphql reports that).
 */
export function checkQueryLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
  limits: QueryLimits,
): LimitCheck | null {
  const measured = measure(schema, document, operationName);
  const { selected, depth, size } = measured;
  if (selected === null) return null;
  if (depth > limits.maxDepth) return { depth, cost: Number.NaN, error: tooComplex('depth', limits.maxDepth, depth) };
  const maxFields = limits.maxFields ?? DEFAULT_MAX_FIELDS;
  if (size > maxFields) return { depth, cost: Number.NaN, error: tooComplex('fields', maxFields, size) };
  let cost = measured.cost;
  if (cost === undefined) {
    const estimate = estimateCost(schema, selected, variables);
    cost = estimate.cost;
    // `relationship(id: $id)` costs the same whatever the id: walk it once.
    if (!estimate.followsVariables) measured.cost = cost;
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
    const size = selected === null ? 0 : operationSize(selected);
    measured = { selected, depth, size };
    byOperation.set(key, measured);
  }
  return measured;
}
