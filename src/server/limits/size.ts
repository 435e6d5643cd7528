import { Kind, type SelectionSetNode } from 'graphql';
import type { SelectedOperation } from './operation.js';

/**
 * How many fields the operation selects once every fragment is expanded where
 * it is spread: `{ a ...F ...F } fragment F on Query { b c }` is 5. This is
 * what execution has to collect, whatever the fields cost; fragments that
 * spread the next one twice double it at every level, so a 1 KB document can
 * select millions of `__typename`s at no cost and depth 1.
 *
 * Each fragment is counted once and its count reused (the total is a product,
 * never a walk of the expansion).
 */
export function operationSize({ operation, fragments }: SelectedOperation): number {
  const fragmentSizes = new Map<string, number>();
  const visiting = new Set<string>();

  const fragmentSize = (name: string): number => {
    const known = fragmentSizes.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    // Unknown and cyclic fragments are refused by validation; count them as empty here.
    if (!fragment || visiting.has(name)) return 0;
    visiting.add(name);
    const size = sizeOf(fragment.selectionSet);
    visiting.delete(name);
    fragmentSizes.set(name, size);
    return size;
  };

  const sizeOf = (selectionSet: SelectionSetNode): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) total += 1 + (selection.selectionSet ? sizeOf(selection.selectionSet) : 0);
      else if (selection.kind === Kind.INLINE_FRAGMENT) total += sizeOf(selection.selectionSet);
      else total += fragmentSize(selection.name.value);
    }
    return total;
  };
  return sizeOf(operation.selectionSet);
}
