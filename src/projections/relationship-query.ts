/**
 * A page of a tenant's relationships, filtered and ordered at an instant,
 * evaluated in JS from their states (the evaluator: relationship-facts.ts,
 * relationship-filter.ts, relationship-order.ts). Lists "now" ask SQL first
 * (relationship-list.ts) and evaluate here only the rows SQL cannot answer
 * exactly; lists as of a past instant evaluate every row here.
 *
 * One pass over the rows: each is filtered, counted, and kept only when it
 * sorts between the cursors (`after`, `before`) and among the `first + 1`
 * smallest keys seen so far (`last + 1` largest when paging backwards), so a
 * page costs a scan, never a sort of the whole list. The same pass notes
 * whether rows lie beyond either cursor, which gives Relay's
 * `hasPreviousPage` and `hasNextPage` both ways. Several such tallies (of
 * disjoint sets of rows) merge into one page.
 */
import { evaluationInstant, type Page, type RelationshipFilter, type RelationshipOrder, type RelationshipRow } from '../app/read-side.js';
import type { Rules } from '../domain/rules.js';
import { RelationshipFacts, type RowFacts } from './relationship-facts.js';
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

/** A matching row and its sort key. */
export interface Ranked<R = RelationshipRow> {
  readonly key: SortKey;
  readonly row: R;
}

/** What one set of rows contributes to a page. */
export interface Tally<R = RelationshipRow> {
  /** The rows nearest the page's starting edge, nearest first: at most `keep`. */
  readonly best: Ranked<R>[];
  readonly totalCount: number;
  /** Some matching row sorts at or before `after`. */
  readonly rowsUpToAfter: boolean;
  /** Some matching row sorts at or after `before`. */
  readonly rowsFromBefore: boolean;
}

/** A query's ordering, cursors and page size. */
export class PageWindow {
  readonly ordering: RelationshipOrdering;
  readonly after: SortKey | undefined;
  readonly before: SortKey | undefined;
  readonly backwards: boolean;
  readonly size: number;
  /** One more than the page: whether it is there tells if more rows follow. */
  readonly keep: number;

  constructor(query: RelationshipQuery) {
    this.ordering = new RelationshipOrdering(query.orderBy);
    this.after = query.after === undefined ? undefined : this.ordering.parseCursor(query.after, 'after');
    this.before = query.before === undefined ? undefined : this.ordering.parseCursor(query.before, 'before');
    this.backwards = query.last !== undefined;
    this.size = query.last ?? query.first ?? 0;
    this.keep = this.size + 1;
  }

  /** Nearest to the page's starting edge first: ascending keys forwards, descending backwards. */
  towardsPage(a: SortKey, b: SortKey): number {
    return this.backwards ? this.ordering.compare(b, a) : this.ordering.compare(a, b);
  }
}

/** Evaluates rows in JS from their states at the query's instant. */
export function tallyRows(rows: Iterable<RelationshipRow>, query: RelationshipQuery, window: PageWindow, rules: Rules): Tally {
  return tallyFacts(rows, (row) => new RelationshipFacts(row, evaluationInstant(row, query.at), rules), query, window);
}

/** Evaluates items in JS from the facts each gives (`factsOf`); the page keeps the items. */
export function tallyFacts<R>(items: Iterable<R>, factsOf: (item: R) => RowFacts, query: RelationshipQuery, window: PageWindow): Tally<R> {
  const { ordering, after, before, keep } = window;
  // Never longer than `keep`.
  const best: Ranked<R>[] = [];
  let totalCount = 0;
  let rowsUpToAfter = false;
  let rowsFromBefore = false;

  for (const row of items) {
    const facts = factsOf(row);
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
    if (best.length === keep && window.towardsPage(key, best[keep - 1]!.key) >= 0) continue;
    best.splice(insertionIndex(best, key, (a, b) => window.towardsPage(a, b)), 0, { key, row });
    if (best.length > keep) best.pop();
  }
  return { best, totalCount, rowsUpToAfter, rowsFromBefore };
}

/** The page the tallies of disjoint sets of rows give together; `node` turns a kept row into the page's node. */
export function pageOf<R>(window: PageWindow, tallies: readonly Tally<R>[], at: number, node: (rows: readonly R[]) => readonly RelationshipRow[]): Page<RelationshipRow> {
  const merged = tallies.flatMap((tally) => tally.best).sort((a, b) => window.towardsPage(a.key, b.key));
  const more = merged.length > window.size;
  const kept = merged.slice(0, window.size);
  if (window.backwards) kept.reverse();
  const nodes = node(kept.map((ranked) => ranked.row));
  const items = kept.map(({ key }, i) => ({ cursor: window.ordering.cursorOf(key, at), node: nodes[i]! }));
  const rowsUpToAfter = tallies.some((tally) => tally.rowsUpToAfter);
  const rowsFromBefore = tallies.some((tally) => tally.rowsFromBefore);
  return {
    items,
    hasNextPage: window.backwards ? rowsFromBefore : more || rowsFromBefore,
    hasPreviousPage: window.backwards ? more || rowsUpToAfter : rowsUpToAfter,
    startCursor: items[0]?.cursor ?? null,
    endCursor: items.at(-1)?.cursor ?? null,
    totalCount: tallies.reduce((sum, tally) => sum + tally.totalCount, 0),
  };
}

/** A page evaluated wholly in JS (lists as of a past instant, and the reference the SQL lists are tested against). */
export function listRelationships(
  rows: ReadonlyMap<string, RelationshipRow>,
  query: RelationshipQuery,
  rules: Rules,
): Page<RelationshipRow> {
  const window = new PageWindow(query);
  return pageOf(window, [tallyRows(rows.values(), query, window, rules)], query.at, (kept) => kept);
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
