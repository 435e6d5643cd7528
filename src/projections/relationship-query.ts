/**
 * A page of a tenant's relationships, filtered and ordered at an instant.
 *
 * One pass over the tenant's rows: each is filtered, counted, and kept only
 * when it sorts after the cursor and among the `first + 1` smallest keys seen
 * so far, so a page costs a scan, never a sort of the whole list.
 */
import type { Page, RelationshipFilter, RelationshipOrder, RelationshipRow } from '../app/read-side.js';
import type { Rules } from '../domain/rules.js';
import { RelationshipFacts } from './relationship-facts.js';
import { matchesFilter } from './relationship-filter.js';
import { RelationshipOrdering, type SortKey } from './relationship-order.js';

export interface RelationshipQuery {
  readonly filter?: RelationshipFilter;
  readonly orderBy?: RelationshipOrder[];
  readonly first: number;
  readonly after?: string;
  /** Epoch ms: filters and orderings on phases, flags, decay and durations are evaluated at this instant. */
  readonly at: number;
}

export function listRelationships(
  rows: ReadonlyMap<string, RelationshipRow>,
  query: RelationshipQuery,
  rules: Rules,
): Page<RelationshipRow> {
  const ordering = new RelationshipOrdering(query.orderBy);
  const after = query.after === undefined ? undefined : ordering.parseCursor(query.after);
  const keep = query.first + 1;
  // Sorted ascending by key; never longer than `keep`.
  const best: { key: SortKey; row: RelationshipRow }[] = [];
  let totalCount = 0;

  for (const row of rows.values()) {
    const facts = new RelationshipFacts(row, evaluationInstant(row, query.at), rules);
    if (query.filter && !matchesFilter(query.filter, facts)) continue;
    totalCount++;
    const key = ordering.keyOf(facts);
    if (after && ordering.compare(key, after) <= 0) continue;
    if (best.length === keep && ordering.compare(key, best[keep - 1]!.key) >= 0) continue;
    best.splice(insertionIndex(best, key, ordering), 0, { key, row });
    if (best.length > keep) best.pop();
  }

  const items = best.slice(0, query.first).map(({ key, row }) => ({ cursor: ordering.cursorOf(key, query.at), node: row }));
  return {
    items,
    hasNextPage: best.length > query.first,
    endCursor: items.length > 0 ? items[items.length - 1]!.cursor : null,
    totalCount,
  };
}

/**
 * The instant a row is evaluated at: the query's, or the row's last event when
 * that is later (a next page evaluated at its first page's instant, for a row
 * written since; an event dated a few minutes ahead of the clock), so a row is
 * never described before its own events.
 */
export function evaluationInstant(row: RelationshipRow, at: number): number {
  const last = row.state.lastEventAt;
  return last !== null && last > at ? last : at;
}

function insertionIndex(sorted: readonly { key: SortKey }[], key: SortKey, ordering: RelationshipOrdering): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (ordering.compare(sorted[middle]!.key, key) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}
