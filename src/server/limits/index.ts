import type { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import { tooComplex } from '../../graphql/errors.js';
import { costAt, estimateCost, type CostEstimate } from './cost.js';
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
  /** Most copies of one heavy root field (weights.ts) an operation may ask for (COURTSHIP_MAX_COPIES); DEFAULT_MAX_COPIES when absent. */
  readonly maxCopies?: number;
  /**
   * How many relationships the tenant has (a kept count, cached for a few
   * seconds: src/app/tenant-sizes.ts): root fields' work scales with it.
   * When absent, only the work's fixed part counts.
   */
  readonly tenantSize?: (tenant: string) => number;
}

/**
 * COURTSHIP_MAX_COPIES's default: a year of monthly points of one statistic
 * (`jan: funnel(asOf: …) feb: funnel(asOf: …) …`); 150 aliases of one
 * statistic are a flood whatever the tenant's size.
 */
export const DEFAULT_MAX_COPIES = 12;

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
  /** The cost estimate, once walked, when no variable can change it (only for an operation within the depth and size limits). */
  estimate?: CostEstimate;
}

/** Keyed by the schema too: a document measured against one schema says nothing about another. */
const measuredByDocument = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, Measured>>>();

/**
 * Measures an operation against the depth, size, copies and cost limits.
 * Depth and size are checked first and are cheap (each fragment is walked
 * once), so an absurdly deep or wide query is refused before its cost is
 * walked. Copies of a heavy root field are capped whatever the tenant's
 * size; the cost is then the estimate on the tenant's size (`tenant`, read
 * through `limits.tenantSize`). Returns null when the operation cannot be
 * selected (graphql reports that).
 */
export function checkQueryLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
  limits: QueryLimits,
  tenant?: string,
): LimitCheck | null {
  const measured = measure(schema, document, operationName);
  const { selected, depth, size } = measured;
  if (selected === null) return null;
  if (depth > limits.maxDepth) return { depth, cost: Number.NaN, error: tooComplex('depth', limits.maxDepth, depth) };
  const maxFields = limits.maxFields ?? DEFAULT_MAX_FIELDS;
  if (size > maxFields) return { depth, cost: Number.NaN, error: tooComplex('fields', maxFields, size) };
  let estimate = measured.estimate;
  if (estimate === undefined) {
    estimate = estimateCost(schema, selected, variables);
    // `relationship(id: $id)` costs the same whatever the id: walk it once.
    if (!estimate.followsVariables) measured.estimate = estimate;
  }
  const maxCopies = limits.maxCopies ?? DEFAULT_MAX_COPIES;
  for (const [field, copies] of estimate.copies) {
    if (copies > maxCopies) return { depth, cost: Number.NaN, error: tooComplex('copies', maxCopies, copies, { field }) };
  }
  // Only an operation whose work scales asks for the tenant's size.
  const relationships = estimate.perThousand > 0 && tenant !== undefined ? (limits.tenantSize?.(tenant) ?? 0) : 0;
  const cost = costAt(estimate, relationships);
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
