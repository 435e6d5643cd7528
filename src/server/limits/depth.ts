import { Kind, type SelectionSetNode } from 'graphql';
import type { SelectedOperation } from './operation.js';

/**
 * Deepest field nesting of the operation, following fragments: `{ a { b } }`
 * is 2. Fragments and inline fragments add no depth of their own.
 *
 * Each fragment is walked once: a fragment's depth does not depend on where
 * it is spread, so it is remembered. Without that, fragments that each spread
 * the next one twice make the walk exponential in a 1 KB document.
 */
export function operationDepth({ operation, fragments }: SelectedOperation): number {
  const fragmentDepths = new Map<string, number>();
  const visiting = new Set<string>();

  const fragmentDepth = (name: string): number => {
    const known = fragmentDepths.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    // Unknown and cyclic fragments are refused by validation; count them as empty here.
    if (!fragment || visiting.has(name)) return 0;
    visiting.add(name);
    const depth = depthOf(fragment.selectionSet);
    visiting.delete(name);
    fragmentDepths.set(name, depth);
    return depth;
  };

  const depthOf = (selectionSet: SelectionSetNode): number => {
    let deepest = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        deepest = Math.max(deepest, 1 + (selection.selectionSet ? depthOf(selection.selectionSet) : 0));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, depthOf(selection.selectionSet));
      } else {
        deepest = Math.max(deepest, fragmentDepth(selection.name.value));
      }
    }
    return deepest;
  };
  return depthOf(operation.selectionSet);
}
