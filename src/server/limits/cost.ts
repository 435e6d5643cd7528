import {
  getArgumentValues,
  getNamedType,
  getVariableValues,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { SelectedOperation } from './operation.js';
import { isHeavy, NO_WORK, rootFieldWork, workAt } from './weights.js';

/**
 * type-graphql's `@Field({ complexity })` puts either a number or an
 * estimator function in `field.extensions.complexity`; the function has the
 * shape graphql-query-complexity defines.
 */
export type ComplexityEstimator = (options: {
  type: GraphQLCompositeType;
  field: GraphQLField<unknown, unknown>;
  node: FieldNode;
  args: Record<string, unknown>;
  childComplexity: number;
}) => number | void;

/** A field costs 1 unless it says otherwise. */
const DEFAULT_FIELD_COST = 1;

export interface CostEstimate {
  /** Cost units whatever the tenant's size: fields, pages, and the fixed part of root fields' work. */
  readonly cost: number;
  /** Cost units per 1,000 relationships of the tenant (root fields' work that scales with it, weights.ts). */
  readonly perThousand: number;
  /** How many times the operation runs each heavy root field (one with work, weights.ts), by field name. */
  readonly copies: ReadonlyMap<string, number>;
  /**
   * Whether the variables could change the cost: a page size (`first`,
   * `last`) or an estimator's arguments read one. When false, the estimate
   * holds for every request running the same operation.
   */
  readonly followsVariables: boolean;
}

/** The estimate of a selection: what CostEstimate says of the whole operation. */
interface Tally {
  readonly cost: number;
  readonly perThousand: number;
  readonly copies: ReadonlyMap<string, number>;
}

const NO_COPIES: ReadonlyMap<string, number> = new Map();
const FREE: Tally = { cost: 0, perThousand: 0, copies: NO_COPIES };

/**
 * Estimated cost of running the operation, before running it:
 * - a field costs its `complexity` (1 by default) plus what it selects;
 * - a field with a `first` (or `last`) argument returns up to that many
 *   items, so what it selects counts that many times (`relationships(first:
 *   50) { … }` costs 1 + 50 × the cost of one relationship);
 * - a field whose complexity is an estimator function returns its own total;
 * - a root field adds the work it does beyond its selection (weights.ts:
 *   analytics, `asOf` and `knownAt` replays, filtered event scans), part of
 *   it per 1,000 relationships of the tenant (`perThousand`), and counts as a
 *   copy of a heavy field when it does work (`copies`);
 * - `__typename` is free; fragments on several types all count (an upper bound);
 * - a fragment is walked once and its cost reused wherever it is spread.
 * Variables matter (`first: $n`), which is why this runs once the operation
 * and its variables are known rather than as a plain validation rule.
 */
export function operationCost(
  schema: GraphQLSchema,
  selected: SelectedOperation,
  rawVariables: Record<string, unknown> | undefined,
  relationships = 0,
): number {
  return costAt(estimateCost(schema, selected, rawVariables), relationships);
}

/** The estimate's cost on a tenant of `relationships`, rounded up to whole units (a sum of fractions off by 1e-12 is not rounded up). */
export function costAt(estimate: Pick<CostEstimate, 'cost' | 'perThousand'>, relationships: number): number {
  return Math.max(0, Math.ceil(estimate.cost + workAt({ fixed: 0, perThousand: estimate.perThousand }, relationships) - 1e-9));
}

export function estimateCost(
  schema: GraphQLSchema,
  { operation, fragments }: SelectedOperation,
  rawVariables: Record<string, unknown> | undefined,
): CostEstimate {
  let followsVariables = false;
  let variables: Record<string, unknown> | undefined;
  const coercedVariables = (): Record<string, unknown> => {
    // Bad variables fail execution with BAD_USER_INPUT; estimate with defaults meanwhile.
    variables ??= getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {}).coerced ?? {};
    return variables;
  };

  // A fragment costs the same wherever it is spread (its type condition and the variables are fixed): walk it once.
  const fragmentTallies = new Map<string, Tally>();
  const visiting = new Set<string>();
  const fragmentTally = (name: string): Tally => {
    const known = fragmentTallies.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    const type = fragment ? schema.getType(fragment.typeCondition.name.value) : undefined;
    // Unknown and cyclic fragments are refused by validation; count them as free here.
    if (!fragment || !type || !isCompositeType(type) || visiting.has(name)) return FREE;
    visiting.add(name);
    const tally = tallyOf(fragment.selectionSet, type);
    visiting.delete(name);
    fragmentTallies.set(name, tally);
    return tally;
  };

  const tallyOf = (selectionSet: SelectionSetNode, parentType: GraphQLCompositeType): Tally => {
    const parts: Tally[] = [];
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        parts.push(fieldTally(selection, parentType));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType;
        if (type && isCompositeType(type)) parts.push(tallyOf(selection.selectionSet, type));
      } else {
        parts.push(fragmentTally(selection.name.value));
      }
    }
    return sum(parts);
  };

  const fieldTally = (node: FieldNode, parentType: GraphQLCompositeType): Tally => {
    const field = fieldDefinition(schema, parentType, node.name.value);
    if (field === undefined) return FREE; // unknown fields are refused by validation
    if (field === TypeNameMetaFieldDef) return FREE;
    const complexity = field.extensions?.complexity as number | ComplexityEstimator | undefined;
    const estimated = typeof complexity === 'function';
    // Root fields' other arguments (asOf, knownAt, filter, orderBy) weigh too (weights.ts).
    const root = parentType === schema.getQueryType();
    if (readsVariable(node, estimated ? undefined : root ? WEIGHED_ROOT_ARGUMENTS : PAGE_ARGUMENTS)) followsVariables = true;
    const args = argumentsOf(field, node, hasVariable(node) ? coercedVariables() : {});
    const childType = getNamedType(field.type);
    // What a field selects does no root field's work: only its cost counts.
    const childComplexity =
      node.selectionSet && isCompositeType(childType) ? tallyOf(node.selectionSet, childType).cost : 0;

    const work = root ? rootFieldWork(parentType.name, field.name, args) : NO_WORK;
    const copies = isHeavy(work) ? new Map([[field.name, 1]]) : NO_COPIES;
    const withWork = (cost: number): Tally => ({ cost: cost + work.fixed, perThousand: work.perThousand, copies });
    if (estimated) {
      const total = complexity({ type: parentType, field, node, args, childComplexity });
      if (typeof total === 'number' && Number.isFinite(total)) return withWork(total);
    }
    const own = typeof complexity === 'number' ? complexity : DEFAULT_FIELD_COST;
    return withWork(own + pageSize(args) * childComplexity);
  };

  const root = schema.getRootType(operation.operation);
  const tally = root ? tallyOf(operation.selectionSet, root) : FREE;
  return { ...tally, followsVariables };
}

function sum(parts: readonly Tally[]): Tally {
  if (parts.length === 1) return parts[0]!;
  let cost = 0;
  let perThousand = 0;
  let copies = NO_COPIES;
  for (const part of parts) {
    cost += part.cost;
    perThousand += part.perThousand;
    if (part.copies.size === 0) continue;
    const merged = new Map(copies);
    for (const [name, count] of part.copies) merged.set(name, (merged.get(name) ?? 0) + count);
    copies = merged;
  }
  return { cost, perThousand, copies };
}

/** The arguments `pageSize` reads. */
const PAGE_ARGUMENTS: ReadonlySet<string> = new Set(['first', 'last']);
/** And those `rootFieldWork` reads on root fields. */
const WEIGHED_ROOT_ARGUMENTS: ReadonlySet<string> = new Set([...PAGE_ARGUMENTS, 'asOf', 'knownAt', 'filter', 'orderBy']);

/** Whether a variable appears in the field's arguments (only those named, when names are given). */
function readsVariable(node: FieldNode, names: ReadonlySet<string> | undefined): boolean {
  return (node.arguments ?? []).some((argument) => (names === undefined || names.has(argument.name.value)) && containsVariable(argument.value));
}

function hasVariable(node: FieldNode): boolean {
  return readsVariable(node, undefined);
}

function containsVariable(value: ValueNode): boolean {
  switch (value.kind) {
    case Kind.VARIABLE:
      return true;
    case Kind.LIST:
      return value.values.some(containsVariable);
    case Kind.OBJECT:
      return value.fields.some((field) => containsVariable(field.value));
    default:
      return false;
  }
}

function fieldDefinition(
  schema: GraphQLSchema,
  parentType: GraphQLCompositeType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (parentType === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return isObjectType(parentType) || isInterfaceType(parentType) ? parentType.getFields()[name] : undefined;
}

function argumentsOf(
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  try {
    return getArgumentValues(field, node, variables);
  } catch {
    return {};
  }
}

/** How many items a paginated field may return: its `first` or `last` argument, else one. */
function pageSize(args: Record<string, unknown>): number {
  const size = args.first ?? args.last;
  return typeof size === 'number' && Number.isFinite(size) ? Math.max(0, size) : 1;
}
