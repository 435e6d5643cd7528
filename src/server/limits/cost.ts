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
import { extraWork } from './weights.js';

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
  readonly cost: number;
  /**
   * Whether the variables could change the cost: a page size (`first`,
   * `last`) or an estimator's arguments read one. When false, the estimate
   * holds for every request running the same operation.
   */
  readonly followsVariables: boolean;
}

/**
 * Estimated cost of running the operation, before running it:
 * - a field costs its `complexity` (1 by default) plus what it selects;
 * - a field with a `first` (or `last`) argument returns up to that many
 *   items, so what it selects counts that many times (`relationships(first:
 *   50) { … }` costs 1 + 50 × the cost of one relationship);
 * - a field whose complexity is an estimator function returns its own total;
 * - a root field adds the work it does beyond its selection (weights.ts:
 *   analytics, `asOf` replays, filtered event scans);
 * - `__typename` is free; fragments on several types all count (an upper bound);
 * - a fragment is walked once and its cost reused wherever it is spread.
 * Variables matter (`first: $n`), which is why this runs once the operation
 * and its variables are known rather than as a plain validation rule.
 */
export function operationCost(
  schema: GraphQLSchema,
  selected: SelectedOperation,
  rawVariables: Record<string, unknown> | undefined,
): number {
  return estimateCost(schema, selected, rawVariables).cost;
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
  const fragmentCosts = new Map<string, number>();
  const visiting = new Set<string>();
  const fragmentCost = (name: string): number => {
    const known = fragmentCosts.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    const type = fragment ? schema.getType(fragment.typeCondition.name.value) : undefined;
    // Unknown and cyclic fragments are refused by validation; count them as free here.
    if (!fragment || !type || !isCompositeType(type) || visiting.has(name)) return 0;
    visiting.add(name);
    const cost = costOf(fragment.selectionSet, type);
    visiting.delete(name);
    fragmentCosts.set(name, cost);
    return cost;
  };

  const costOf = (selectionSet: SelectionSetNode, parentType: GraphQLCompositeType): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        total += fieldCost(selection, parentType);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType;
        if (type && isCompositeType(type)) total += costOf(selection.selectionSet, type);
      } else {
        total += fragmentCost(selection.name.value);
      }
    }
    return total;
  };

  const fieldCost = (node: FieldNode, parentType: GraphQLCompositeType): number => {
    const field = fieldDefinition(schema, parentType, node.name.value);
    if (field === undefined) return 0; // unknown fields are refused by validation
    if (field === TypeNameMetaFieldDef) return 0;
    const complexity = field.extensions?.complexity as number | ComplexityEstimator | undefined;
    const estimated = typeof complexity === 'function';
    // Root fields' other arguments (asOf, filter) weigh too (weights.ts).
    const root = parentType === schema.getQueryType();
    if (readsVariable(node, estimated ? undefined : root ? WEIGHED_ROOT_ARGUMENTS : PAGE_ARGUMENTS)) followsVariables = true;
    const args = argumentsOf(field, node, hasVariable(node) ? coercedVariables() : {});
    const childType = getNamedType(field.type);
    const childComplexity =
      node.selectionSet && isCompositeType(childType) ? costOf(node.selectionSet, childType) : 0;

    const extra = root ? extraWork(parentType.name, field.name, args) : 0;
    if (estimated) {
      const total = complexity({ type: parentType, field, node, args, childComplexity });
      if (typeof total === 'number' && Number.isFinite(total)) return total + extra;
    }
    const own = typeof complexity === 'number' ? complexity : DEFAULT_FIELD_COST;
    return own + extra + pageSize(args) * childComplexity;
  };

  const root = schema.getRootType(operation.operation);
  const cost = root ? costOf(operation.selectionSet, root) : 0;
  return { cost, followsVariables };
}

/** The arguments `pageSize` reads. */
const PAGE_ARGUMENTS: ReadonlySet<string> = new Set(['first', 'last']);
/** And those `extraWork` reads on root fields. */
const WEIGHED_ROOT_ARGUMENTS: ReadonlySet<string> = new Set([...PAGE_ARGUMENTS, 'asOf', 'filter']);

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
