/**
 * Evaluates a `RelationshipFilter` against one relationship at an instant.
 *
 * Semantics: the operators of one object, and the fields of one filter, must
 * all hold; a comparison with an absent value is false (only `isNull` matches
 * it), as in SQL; `contains` ignores case; `and` needs every filter, `or` at
 * least one; `not` inverts the whole match, which unlike SQL's NOT (three-
 * valued) matches the relationships without the value too (tested, and said
 * in the schema).
 */
import type { DecayStatus, EnumFilter, NumberFilter, RelationshipFilter, StringFilter } from '../app/read-side.js';
import { isMarriedPhase, type RiskFlag } from '../domain/events.js';
import type { RowFacts } from './relationship-facts.js';

const STRING_OPERATORS = ['eq', 'ne', 'in', 'notIn', 'contains'] as const;
const ENUM_OPERATORS = ['eq', 'ne', 'in', 'notIn'] as const;
const NUMBER_OPERATORS = ['eq', 'gt', 'gte', 'lt', 'lte'] as const;

export function matchesFilter(filter: RelationshipFilter, facts: RowFacts): boolean {
  if (filter.id && !matchString(filter.id, facts.id)) return false;
  if (filter.accountName && !matchString(filter.accountName, facts.accountName)) return false;
  if (filter.segment && !matchString(filter.segment, facts.segment)) return false;
  if (filter.owner && !matchString(filter.owner, facts.owner)) return false;
  if (filter.source && !matchString(filter.source, facts.source)) return false;
  if (filter.openedAt && !matchNumber(filter.openedAt, facts.openedAt)) return false;
  if (filter.phase && !matchEnum(filter.phase, facts.phase)) return false;
  if (filter.cycle && !matchNumber(filter.cycle, facts.cycle)) return false;
  if (filter.phaseSince && !matchNumber(filter.phaseSince, facts.phaseSince)) return false;
  if (filter.updatedAt && !matchNumber(filter.updatedAt, facts.updatedAt)) return false;
  if (filter.timeToProposalDays && !matchNumber(filter.timeToProposalDays, facts.timeToProposalDays)) return false;
  if (filter.timeToMarriageDays && !matchNumber(filter.timeToMarriageDays, facts.timeToMarriageDays)) return false;
  if (filter.decayStatus && !matchEnum(filter.decayStatus, decayStatusOf(facts, filter.decayStatus.includeEnded === true))) return false;
  if (filter.flags && !matchFlags(filter.flags, facts.flags)) return false;
  if (filter.and && !filter.and.every((inner) => matchesFilter(inner, facts))) return false;
  if (filter.or && !filter.or.some((inner) => matchesFilter(inner, facts))) return false;
  if (filter.not && matchesFilter(filter.not, facts)) return false;
  return true;
}

/** Whether a decay-status filter matches a relationship without a status (no marriage in its current cycle). */
export function decayStatusMatchesNone(filter: NonNullable<RelationshipFilter['decayStatus']>): boolean {
  return matchEnum(filter, null);
}

/** A divorced relationship's trend is frozen at its end: it counts only when asked for. */
function decayStatusOf(facts: RowFacts, includeEnded: boolean): DecayStatus | null {
  const phase = facts.phase;
  if (!includeEnded && (phase === null || !isMarriedPhase(phase))) return null;
  return facts.decayTrend?.status ?? null;
}

function matchString(filter: StringFilter, value: string | null): boolean {
  if (filter.isNull !== undefined && filter.isNull !== (value === null)) return false;
  if (value === null) return !compares(filter, STRING_OPERATORS);
  if (filter.eq !== undefined && value !== filter.eq) return false;
  if (filter.ne !== undefined && value === filter.ne) return false;
  if (filter.in !== undefined && !filter.in.includes(value)) return false;
  if (filter.notIn !== undefined && filter.notIn.includes(value)) return false;
  if (filter.contains !== undefined && !value.toLowerCase().includes(filter.contains.toLowerCase())) return false;
  return true;
}

function matchEnum<T extends string>(filter: EnumFilter<T> & { isNull?: boolean }, value: T | null): boolean {
  if (filter.isNull !== undefined && filter.isNull !== (value === null)) return false;
  if (value === null) return !compares(filter, ENUM_OPERATORS);
  if (filter.eq !== undefined && value !== filter.eq) return false;
  if (filter.ne !== undefined && value === filter.ne) return false;
  if (filter.in !== undefined && !filter.in.includes(value)) return false;
  if (filter.notIn !== undefined && filter.notIn.includes(value)) return false;
  return true;
}

function matchNumber(filter: NumberFilter, value: number | null): boolean {
  if (filter.isNull !== undefined && filter.isNull !== (value === null)) return false;
  if (value === null) return !compares(filter, NUMBER_OPERATORS);
  if (filter.eq !== undefined && value !== filter.eq) return false;
  if (filter.gt !== undefined && !(value > filter.gt)) return false;
  if (filter.gte !== undefined && !(value >= filter.gte)) return false;
  if (filter.lt !== undefined && !(value < filter.lt)) return false;
  if (filter.lte !== undefined && !(value <= filter.lte)) return false;
  return true;
}

function matchFlags(filter: NonNullable<RelationshipFilter['flags']>, flags: readonly RiskFlag[]): boolean {
  if (filter.has !== undefined && !flags.includes(filter.has)) return false;
  if (filter.hasAny !== undefined && !filter.hasAny.some((flag) => flags.includes(flag))) return false;
  if (filter.hasAll !== undefined && !filter.hasAll.every((flag) => flags.includes(flag))) return false;
  if (filter.isEmpty !== undefined && filter.isEmpty !== (flags.length === 0)) return false;
  return true;
}

/** Whether the filter compares the value at all (then an absent value fails it). */
function compares(filter: object, operators: readonly string[]): boolean {
  return operators.some((operator) => (filter as Record<string, unknown>)[operator] !== undefined);
}
