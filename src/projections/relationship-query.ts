/**
 * A page of a tenant's relationships, filtered and ordered at an instant.
 *
 * One pass over the tenant's rows: each is filtered, counted, and kept only
 * when it sorts between the cursors (`after`, `before`) and among the
 * `first + 1` smallest keys seen so far (`last + 1` largest when paging
 * backwards), so a page costs a scan, never a sort of the whole list. The
 * same pass notes whether rows lie beyond either cursor, which gives Relay's
 * `hasPreviousPage` and `hasNextPage` both ways.
 */
import { evaluationInstant, type Page, type RelationshipFilter, type RelationshipOrder, type RelationshipRow } from '../app/read-side.js';
import type { Rules } from '../domain/rules.js';
import { RelationshipFacts } from './relationship-facts.js';
import { matchesFilter } from './relationship-filter.js';
import { RelationshipOrdering, type SortKey } from './relationship-order.js';

export interface RelationshipQuery {
  readonly filter?: RelationshipFilter;
  readonly orderBy?: RelationshipOrder[];
  /** Page forwards: the first rows after `after`. Exactly one of `first` and `last` is given. */
  readonly first?: number;
  readonly after?: string;
  /** Page backwards: the last rows before `before`. */
  readonly last?: number;
  readonly before?: string;
  /** Epoch ms: filters and orderings on phases, flags, decay and durations are evaluated at this instant. */
  readonly at: number;
}

export function listRelationships(
  rows: ReadonlyMap<string, RelationshipRow>,
  query: RelationshipQuery,
  rules: Rules,
): Page<RelationshipRow> {
  const ordering = new RelationshipOrdering(query.orderBy);
  const after = query.after === undefined ? undefined : ordering.parseCursor(query.after, 'after');
  const before = query.before === undefined ? undefined : ordering.parseCursor(query.before, 'before');
  const backwards = query.last !== undefined;
  const size = query.last ?? query.first ?? 0;
  const keep = size + 1;
  // Nearest to the page's starting edge first: ascending keys forwards, descending backwards.
  const towardsPage = backwards ? (a: SortKey, b: SortKey) => ordering.compare(b, a) : (a: SortKey, b: SortKey) => ordering.compare(a, b);
  // Never longer than `keep`.
  const best: { key: SortKey; row: RelationshipRow }[] = [];
  let totalCount = 0;
  let rowsUpToAfter = false;
  let rowsFromBefore = false;

  for (const row of rows.values()) {
    const facts = new RelationshipFacts(row, evaluationInstant(row, query.at), rules);
    if (query.filter && !matchesFilter(query.filter, facts)) continue;
    totalCount++;
    const key = ordering.keyOf(facts);
    if (after && ordering.compare(key, after) <= 0) {
      rowsUpToAfter = true;
      continue;
    }
    if (before && ordering.compare(key, before) >= 0) {
      rowsFromBefore = true;
      continue;
    }
    if (best.length === keep && towardsPage(key, best[keep - 1]!.key) >= 0) continue;
    best.splice(insertionIndex(best, key, towardsPage), 0, { key, row });
    if (best.length > keep) best.pop();
  }

  const more = best.length > size;
  const window = best.slice(0, size);
  if (backwards) window.reverse();
  const items = window.map(({ key, row }) => ({ cursor: ordering.cursorOf(key, query.at), node: row }));
  return {
    items,
    hasNextPage: backwards ? rowsFromBefore : more || rowsFromBefore,
    hasPreviousPage: backwards ? more || rowsUpToAfter : rowsUpToAfter,
    startCursor: items[0]?.cursor ?? null,
    endCursor: items.at(-1)?.cursor ?? null,
    totalCount,
  };
}

function insertionIndex(sorted: readonly { key: SortKey }[], key: SortKey, compare: (a: SortKey, b: SortKey) => number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compare(sorted[middle]!.key, key) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}
