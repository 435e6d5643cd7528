/**
 * A `RelationshipFilter` and a `RelationshipOrder` as SQL over
 * `relationship_rows` (tables/relationship-rows.ts), with the evaluator's
 * meaning (relationship-filter.ts): every condition is two-valued (an absent
 * value fails a comparison and matches only `isNull`), so `not` inverts the
 * whole match as the evaluator does, unlike SQL's three-valued NOT.
 *
 * Parameters are named (`@p0`, `@p1`, … and `@at`, the query's instant), so
 * the SQL text depends only on the query's shape: statements are prepared
 * once per shape.
 *
 * Decay is continuous in time and is never a column. A decay condition is
 * written for one of three sets of rows: those without a current marriage
 * (`NO_MARRIAGE`: their status is null, so the condition is a constant), or,
 * for rows evaluated in JS afterwards, as an upper or lower bound (`UPPER`:
 * true, `LOWER`: false; `not` swaps them) so that SQL only narrows.
 */
import type { EnumFilter, NumberFilter, RelationshipFilter, RelationshipOrder, RelationshipOrderField, StringFilter } from '../app/read-side.js';
import { RISK_FLAGS, type RiskFlag } from '../domain/events.js';
import { CLOCK_FLAGS } from '../domain/metrics/flags.js';
import { decayStatusMatchesNone } from './relationship-filter.js';
import type { SortKey } from './relationship-order.js';
import { CLOCK_FLAG_COLUMNS, FOLDED_COLUMNS, flagBit } from './tables/relationship-rows.js';

export type DecayBound = 'NO_MARRIAGE' | 'UPPER' | 'LOWER';

/** Lists longer than this go through json_each. */
const MAX_LISTED_VALUES = 16;

/** The instant a row is evaluated at (`evaluationInstant`): the query's, or the row's last event when later. */
export const ROW_INSTANT = 'MAX(@at, IFNULL(updated_at, @at))';

/**
 * True while no deadline has fallen due by the row's instant: its columns are
 * its values then (`stable_until` is after `updated_at` by construction).
 */
export const STABLE = '(stable_until IS NULL OR stable_until > @at)';

/** The rows not `STABLE` (written so an index on `stable_until` serves it). */
export const UNSTABLE = 'stable_until <= @at';

/** Collects a statement's named parameters. */
export class SqlParams {
  readonly values: Record<string, unknown> = {};
  private count = 0;

  add(value: unknown): string {
    const name = `p${this.count++}`;
    this.values[name] = value;
    return `@${name}`;
  }
}

export function filterSql(filter: RelationshipFilter, params: SqlParams, decay: DecayBound): string {
  const conditions: string[] = [];
  if (filter.id) conditions.push(stringSql('id', filter.id, params));
  if (filter.accountName) conditions.push(stringSql('account_name', filter.accountName, params));
  if (filter.segment) conditions.push(stringSql('segment', filter.segment, params));
  if (filter.owner) conditions.push(stringSql('owner', filter.owner, params));
  if (filter.source) conditions.push(stringSql('source', filter.source, params));
  if (filter.openedAt) conditions.push(numberSql('opened_at', filter.openedAt, params));
  if (filter.phase) conditions.push(enumSql('phase', filter.phase, params));
  if (filter.cycle) conditions.push(numberSql('cycle', filter.cycle, params));
  if (filter.phaseSince) conditions.push(numberSql('phase_since', filter.phaseSince, params));
  if (filter.updatedAt) conditions.push(numberSql('updated_at', filter.updatedAt, params));
  if (filter.timeToProposalDays) conditions.push(numberSql('time_to_proposal_days', filter.timeToProposalDays, params));
  if (filter.timeToMarriageDays) conditions.push(numberSql('time_to_marriage_days', filter.timeToMarriageDays, params));
  if (filter.decayStatus) {
    if (decay === 'NO_MARRIAGE') conditions.push(decayStatusMatchesNone(filter.decayStatus) ? '1' : '0');
    else conditions.push(decay === 'UPPER' ? '1' : '0');
  }
  if (filter.flags) conditions.push(flagsSql(filter.flags));
  if (filter.and) conditions.push(all(filter.and.map((inner) => filterSql(inner, params, decay))));
  if (filter.or) conditions.push(any(filter.or.map((inner) => filterSql(inner, params, decay))));
  if (filter.not) conditions.push(`NOT ${filterSql(filter.not, params, decay === 'UPPER' ? 'LOWER' : decay === 'LOWER' ? 'UPPER' : decay)}`);
  return all(conditions);
}

/** Whether the filter asks for decay anywhere (then rows with a marriage are evaluated in JS). */
export function filtersOnDecay(filter: RelationshipFilter | undefined): boolean {
  if (!filter) return false;
  if (filter.decayStatus) return true;
  return (filter.and ?? []).some(filtersOnDecay) || (filter.or ?? []).some(filtersOnDecay) || filtersOnDecay(filter.not);
}

function stringSql(column: keyof typeof FOLDED_COLUMNS, filter: StringFilter, params: SqlParams): string {
  const compares: string[] = comparisons(column, filter, params);
  if (filter.contains !== undefined) {
    compares.push(`instr(IFNULL(${FOLDED_COLUMNS[column]}, ${column}), ${params.add(filter.contains.toLowerCase())}) > 0`);
  }
  return nullable(column, filter.isNull, compares);
}

function enumSql(column: string, filter: EnumFilter<string>, params: SqlParams): string {
  return nullable(column, undefined, comparisons(column, filter, params));
}

function comparisons(column: string, filter: EnumFilter<string>, params: SqlParams): string[] {
  const compares: string[] = [];
  if (filter.eq !== undefined) compares.push(`${column} = ${params.add(filter.eq)}`);
  if (filter.ne !== undefined) compares.push(`${column} != ${params.add(filter.ne)}`);
  if (filter.in !== undefined) compares.push(`${column} IN ${listSql(filter.in, params)}`);
  if (filter.notIn !== undefined) compares.push(`${column} NOT IN ${listSql(filter.notIn, params)}`);
  return compares;
}

/**
 * A short list as parameters (the planner then seeks an index once per
 * value; the SQL's shape is the list's length), a long one through json_each.
 */
function listSql(values: readonly string[], params: SqlParams): string {
  if (values.length > MAX_LISTED_VALUES) return `(SELECT value FROM json_each(${params.add(JSON.stringify(values))}))`;
  return `(${values.map((value) => params.add(value)).join(', ')})`;
}

function numberSql(column: string, filter: NumberFilter, params: SqlParams): string {
  const compares: string[] = [];
  if (filter.eq !== undefined) compares.push(`${column} = ${params.add(filter.eq)}`);
  if (filter.gt !== undefined) compares.push(`${column} > ${params.add(filter.gt)}`);
  if (filter.gte !== undefined) compares.push(`${column} >= ${params.add(filter.gte)}`);
  if (filter.lt !== undefined) compares.push(`${column} < ${params.add(filter.lt)}`);
  if (filter.lte !== undefined) compares.push(`${column} <= ${params.add(filter.lte)}`);
  return nullable(column, filter.isNull, compares);
}

/** `isNull` as asked; any comparison needs a value (two-valued: never NULL). */
function nullable(column: string, isNull: boolean | undefined, compares: readonly string[]): string {
  const conditions: string[] = [];
  if (isNull !== undefined) conditions.push(isNull ? `${column} IS NULL` : `${column} IS NOT NULL`);
  if (compares.length > 0) conditions.push(`(${column} IS NOT NULL AND ${compares.join(' AND ')})`);
  return all(conditions);
}

function flagsSql(filter: NonNullable<RelationshipFilter['flags']>): string {
  const conditions: string[] = [];
  if (filter.has !== undefined) conditions.push(flagSql(filter.has));
  if (filter.hasAny !== undefined) conditions.push(any(filter.hasAny.map(flagSql)));
  if (filter.hasAll !== undefined) conditions.push(all(filter.hasAll.map(flagSql)));
  if (filter.isEmpty !== undefined) {
    const none = `NOT ${any(RISK_FLAGS.map(flagSql))}`;
    conditions.push(filter.isEmpty ? none : `NOT ${none}`);
  }
  return all(conditions);
}

/** The flag is raised at the row's instant: standing, or past its clock threshold. */
function flagSql(flag: RiskFlag): string {
  const standing = `(flags & ${flagBit(flag)}) != 0`;
  if (!(CLOCK_FLAGS as readonly RiskFlag[]).includes(flag)) return `(${standing})`;
  const column = CLOCK_FLAG_COLUMNS[flag as keyof typeof CLOCK_FLAG_COLUMNS];
  return `(${standing} OR (${column} IS NOT NULL AND ${column} < ${ROW_INSTANT}))`;
}

function all(conditions: readonly string[]): string {
  if (conditions.length === 0) return '1';
  return conditions.length === 1 ? conditions[0]! : `(${conditions.join(' AND ')})`;
}

function any(conditions: readonly string[]): string {
  if (conditions.length === 0) return '0';
  return conditions.length === 1 ? conditions[0]! : `(${conditions.join(' OR ')})`;
}

/* --------------------------------------------------------------- ordering */

/** Each order field's column; DECAY_SCORE has none (null for rows without a marriage, the only ones SQL orders). */
const ORDER_COLUMN: Record<RelationshipOrderField, string> = {
  ID: 'id',
  ACCOUNT_NAME: 'account_name',
  OPENED_AT: 'opened_at',
  PHASE: 'phase_rank',
  PHASE_SINCE: 'phase_since',
  UPDATED_AT: 'updated_at',
  TIME_TO_PROPOSAL: 'time_to_proposal_days',
  DECAY_SCORE: 'NULL',
};

/** The key columns, as SELECT expressions (`k0`, `k1`, …), in the ordering's order. */
export function keyColumnsSql(order: readonly RelationshipOrder[]): string {
  return order.map((o, i) => `${ORDER_COLUMN[o.field]} AS k${i}`).join(', ');
}

/** ORDER BY: absent values last both ways; `reverse` walks backwards (a `last` page). */
export function orderBySql(order: readonly RelationshipOrder[], reverse: boolean): string {
  return order
    .map((o) => {
      const column = ORDER_COLUMN[o.field];
      const descending = (o.direction === 'DESC') !== reverse;
      return `${column} ${descending ? 'DESC' : 'ASC'} NULLS ${reverse ? 'FIRST' : 'LAST'}`;
    })
    .join(', ');
}

/**
 * Rows whose key sorts after `cursor` (`after` = true) or before it, as the
 * ordering compares keys (relationship-order.ts: absent values last).
 */
export function keysetSql(order: readonly RelationshipOrder[], cursor: SortKey, after: boolean, params: SqlParams): string {
  const alternatives: string[] = [];
  const equalSoFar: string[] = [];
  for (let i = 0; i < order.length; i++) {
    const column = ORDER_COLUMN[order[i]!.field];
    const value = cursor[i] ?? null;
    const ascending = order[i]!.direction !== 'DESC';
    const param = value === null ? null : params.add(value);
    const beyond =
      param === null
        ? // Nothing sorts after an absent value; everything present sorts before it.
          after
          ? null
          : `${column} IS NOT NULL`
        : after
          ? `(${column} IS NULL OR ${column} ${ascending ? '>' : '<'} ${param})`
          : `(${column} IS NOT NULL AND ${column} ${ascending ? '<' : '>'} ${param})`;
    if (beyond !== null) alternatives.push(all([...equalSoFar, beyond]));
    equalSoFar.push(param === null ? `${column} IS NULL` : `${column} IS ${param}`);
  }
  return any(alternatives);
}
