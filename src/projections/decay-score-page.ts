/**
 * The married rows' part of a page ordered by DECAY_SCORE (then by id),
 * read best first from the decay references (tables/decay-references.ts)
 * instead of scoring every marriage the filter leaves.
 *
 * Each married row within the filter (exactly: no decay condition in it) is
 * either valid at the query's instant T (ref_from ≤ T ≤ ref_to: its rounded
 * score at T lies in [ref_lo, ref_hi], and its last event is not after T) or
 * not. The rows not valid (found through `ref_next` and `ref_from`: few
 * while the references are refreshed) are scored exactly. The valid ones are
 * read from an index in the order of the bound nearest the page's starting
 * edge (ref_hi descending when high scores come first, else ref_lo
 * ascending); each is skipped when its bounds put it wholly before the
 * starting cursor, else scored exactly; the scan stops once `keep` rows are
 * kept and the next row's nearest key (its nearest bound and its id: the
 * index reads ties by id) is beyond the last kept row's: no later row can
 * enter the page. The scans' and the invalid set's plans are fixed by their
 * shape, so their values are bound unprobed (relationship-sql-page.ts: STAT4
 * would re-plan each run). Every married row has a `decay_inputs` row (the
 * projector writes both from the same state, in one transaction), so the
 * rows with a valid reference and those without are all of them. The count is SQL's. The page equals the
 * evaluator's at any instant (test/projections/decay-score-page.properties.test.ts).
 */
import type { DecayRules } from '../domain/metrics/decay-rules.js';
import { decayScoreOfInputs, type DecayInputs } from '../domain/metrics/decay-inputs.js';
import type { PrepareStatement } from './relationship-list.js';
import type { RelationshipOrdering, SortKey } from './relationship-order.js';
import type { PageWindow, Ranked, RelationshipQuery, Tally } from './relationship-query.js';
import { STABLE } from './relationship-sql.js';
import { unprobed } from './relationship-sql-page.js';
import { validReferences } from './decay-reference-scan.js';
import { decayInputsOfBlob } from './tables/decay-inputs.js';

/** The married rows within the filter: a WHERE over `relationship_rows` and its parameters (`@tenant` and `@at` bound here). */
export interface MarriedRows {
  readonly sql: string;
  readonly params: Record<string, unknown>;
}

/** Whether a page of this ordering can be read from the references: by DECAY_SCORE then by id, and a starting cursor with a score. */
export function readsDecayReferences(window: PageWindow): boolean {
  const fields = window.ordering.fields;
  if (fields.length !== 2 || fields[0]!.field !== 'DECAY_SCORE' || fields[1]!.field !== 'ID') return false;
  const start = window.backwards ? window.before : window.after;
  return start === undefined || typeof start[0] === 'number';
}

/** The married rows' tally of the page (`readsDecayReferences` must hold). `inputsOf`: the decay inputs of rows by id. */
export function decayReferencesTally(
  prepare: PrepareStatement,
  tenant: string,
  query: RelationshipQuery,
  window: PageWindow,
  married: MarriedRows,
  inputsOf: (ids: readonly string[]) => Map<string, DecayInputs | null>,
  rules: { decay: DecayRules },
): Tally<string> {
  const at = query.at;
  const params = { ...married.params, tenant, at };
  const rows = `${married.sql} AND ${STABLE}`;
  const keeper = new Keeper(window);

  // The count's best index depends on the filter's values: probed.
  const count = prepare(`SELECT COUNT(*) FROM relationship_rows WHERE ${rows}`).pluck().safeIntegers(false).get(params) as number;
  const invalid = prepare(unprobed(`SELECT id, updated_at FROM relationship_rows WHERE ${rows} AND id IN (${NOT_VALID})`)).raw().safeIntegers(false).all(params) as [string, number | null][];
  const inputs = inputsOf(invalid.map(([id]) => id));
  for (const [id, updatedAt] of invalid) {
    const found = inputs.get(id) ?? null;
    const score = found === null ? null : decayScoreOfInputs(found, updatedAt !== null && updatedAt > at ? updatedAt : at, rules);
    keeper.offer([score, id], id);
  }

  const direction = window.ordering.fields[0]!.direction;
  const highFirst = (direction === 'DESC') !== window.backwards;
  // Backwards with both cursors, a row at or past `before` that is also at or before `after` counts as the latter
  // (as `tallyFacts` checks `after` first): it is scored.
  const start = window.backwards ? (window.after === undefined ? window.before : undefined) : window.after;
  // The scan reads ties by id ascending: when the page's order does too, a row's nearest key bounds the rest.
  const idFirst = (window.ordering.fields[1]!.direction === 'ASC') !== window.backwards;
  for (const [id, lo, hi, blob] of validReferences(prepare, query.filter, rows, params, highFirst)) {
    const near = highFirst ? hi : lo;
    if (keeper.full && (idFirst ? keeper.beyondLast([near, id]) : keeper.scoreBeyondLast(near))) break;
    if (start !== undefined && window.towardsPage([highFirst ? lo : hi, id], start) <= 0) {
      // Wholly at or before the starting cursor, whatever its exact score.
      keeper.beforeStart();
      continue;
    }
    keeper.offer([decayScoreOfInputs(decayInputsOfBlob(blob), at, rules), id], id);
  }
  return { best: keeper.best, totalCount: count, rowsUpToAfter: keeper.rowsUpToAfter, rowsFromBefore: keeper.rowsFromBefore };
}

/** The decay rows of the tenant whose reference does not hold at @at (ref_next is never after ref_to). */
const NOT_VALID = `SELECT relationship_id FROM decay_inputs WHERE tenant = @tenant AND ref_next <= @at AND NOT (ref_from <= @at AND ref_to >= @at)
  UNION ALL SELECT relationship_id FROM decay_inputs WHERE tenant = @tenant AND ref_from > @at AND ref_next > @at`;

/** How many married rows within the filter a page by decay scores whatever their bounds: those whose reference does not hold at `at`. */
export function marriagesWithoutReference(prepare: PrepareStatement, tenant: string, at: number, married: MarriedRows): number {
  const counted = prepare(unprobed(`SELECT COUNT(*) FROM relationship_rows WHERE ${married.sql} AND ${STABLE} AND id IN (${NOT_VALID})`));
  return counted.pluck().safeIntegers(false).get({ ...married.params, tenant, at }) as number;
}

/** The rows nearest the page's starting edge (as `tallyFacts` keeps them), and whether rows lie beyond the cursors. */
class Keeper {
  readonly best: Ranked<string>[] = [];
  rowsUpToAfter = false;
  rowsFromBefore = false;
  private readonly ordering: RelationshipOrdering;

  constructor(private readonly window: PageWindow) {
    this.ordering = window.ordering;
  }

  get full(): boolean {
    return this.best.length === this.window.keep;
  }

  /** Whether a score is farther from the page's edge than the last kept row's (whatever the ids). */
  scoreBeyondLast(score: number): boolean {
    return this.window.towardsPage([score, ''], [this.best[this.best.length - 1]!.key[0]!, '']) > 0;
  }

  /** Whether a key is farther from the page's edge than the last kept row's. */
  beyondLast(key: SortKey): boolean {
    return this.window.towardsPage(key, this.best[this.best.length - 1]!.key) > 0;
  }

  beforeStart(): void {
    if (this.window.backwards) this.rowsFromBefore = true;
    else this.rowsUpToAfter = true;
  }

  offer(key: SortKey, id: string): void {
    const { after, before, keep } = this.window;
    if (after && this.ordering.compare(key, after) <= 0) {
      this.rowsUpToAfter = true;
      return;
    }
    if (before && this.ordering.compare(key, before) >= 0) {
      this.rowsFromBefore = true;
      return;
    }
    const best = this.best;
    if (best.length === keep && this.window.towardsPage(key, best[keep - 1]!.key) >= 0) return;
    let low = 0;
    let high = best.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.window.towardsPage(best[middle]!.key, key) < 0) low = middle + 1;
      else high = middle;
    }
    best.splice(low, 0, { key, row: id });
    if (best.length > keep) best.pop();
  }
}
