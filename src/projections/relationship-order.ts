/**
 * Ordering of relationship lists and their cursors.
 *
 * A row's sort key is the tuple of its ordered fields plus its id (the
 * tie-breaker, so the order is total). A cursor carries that tuple: the next
 * page is "every row whose key sorts after the cursor's", which stays right
 * when rows are added or change between pages (keyset pagination). Absent
 * values sort last in both directions.
 *
 * Some keys move with time alone (a decay score, a phase a deadline ends), so
 * a cursor also carries the instant its page was evaluated at, and the next
 * pages of a list "as of now" are evaluated at that same instant (within a
 * day; see `cursorInstant` in app/cursors.ts): no row crosses the cursor because the clock moved.
 */
import type { RelationshipOrder, RelationshipOrderField } from '../app/read-side.js';
import { decodeListCursor, encodeListCursor } from '../app/cursors.js';
import { InputError } from '../app/errors.js';
import type { RowFacts } from './relationship-facts.js';
import { PHASE_RANK } from './tables/relationship-rows.js';

export type SortValue = string | number | null;
export type SortKey = SortValue[];

const DEFAULT_ORDER: readonly RelationshipOrder[] = [{ field: 'ID', direction: 'ASC' }];

const FIELD_VALUE: Record<RelationshipOrderField, (facts: RowFacts) => SortValue> = {
  ID: (facts) => facts.id,
  ACCOUNT_NAME: (facts) => facts.accountName,
  OPENED_AT: (facts) => facts.openedAt,
  PHASE: (facts) => (facts.phase === null ? null : PHASE_RANK.get(facts.phase)!),
  PHASE_SINCE: (facts) => facts.phaseSince,
  UPDATED_AT: (facts) => facts.updatedAt,
  TIME_TO_PROPOSAL: (facts) => facts.timeToProposalDays,
  DECAY_SCORE: (facts) => facts.decayScore,
};

export class RelationshipOrdering {
  private readonly order: readonly RelationshipOrder[];
  private readonly directions: number[];
  /** Identifies the ordering inside cursors, so a cursor of another ordering is refused. */
  private readonly signature: string;

  constructor(orderBy: readonly RelationshipOrder[] | undefined) {
    const order = orderBy && orderBy.length > 0 ? orderBy : DEFAULT_ORDER;
    const last = order[order.length - 1]!;
    this.order = last.field === 'ID' ? order : [...order, { field: 'ID', direction: 'ASC' }];
    this.directions = this.order.map((o) => (o.direction === 'DESC' ? -1 : 1));
    this.signature = this.order.map((o) => `${o.field}:${o.direction}`).join(',');
  }

  /** The ordered fields, ID last. */
  get fields(): readonly RelationshipOrder[] {
    return this.order;
  }

  keyOf(facts: RowFacts): SortKey {
    return this.order.map((o) => FIELD_VALUE[o.field](facts));
  }

  compare(a: SortKey, b: SortKey): number {
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      const y = b[i]!;
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * this.directions[i]!;
    }
    return 0;
  }

  /** `at`: the instant the page was evaluated at (epoch ms). */
  cursorOf(key: SortKey, at: number): string {
    return encodeListCursor({ o: this.signature, k: key, t: at });
  }

  /** The key in a cursor of this ordering; a BAD_USER_INPUT error otherwise. */
  parseCursor(cursor: string, field: 'after' | 'before' = 'after'): SortKey {
    const { o, k } = decodeListCursor(cursor);
    const valid =
      o === this.signature &&
      Array.isArray(k) &&
      k.length === this.order.length &&
      k.every((value) => value === null || typeof value === 'string' || typeof value === 'number');
    if (!valid) {
      throw new InputError(
        `${field}: not a cursor of this list with this ordering; start again without \`${field}\``,
        field,
        'INVALID_CURSOR',
      );
    }
    return k as SortKey;
  }
}
