/**
 * The work a root field does beyond what its selection costs, as a function
 * of the tenant's size: analytics aggregate the rows of every relationship of
 * the tenant, `knownAt` (and an `asOf` list filtered or ordered on what the
 * rows do not keep at T) replays every stream of it, and an event page with a
 * filter the log cannot index scans up to 10,000 events to fill itself.
 * These weights are added to the field's cost (cost.ts).
 *
 * A weight is `fixed + perThousand × relationships / 1,000`, in cost units
 * (one unit is about 1.25 ms of server time: weight = 0.8 × work ms), from
 * `node dist/bench/field-costs.js` at 5,000, 25,000 and 100,000
 * relationships: the part per 1,000 is the largest of the work at 25k over
 * 25, at 100k over 100, and the slope from 5k to 25k (docs/LIMITS.md has
 * the figures). The tenant's size is a kept
 * count (index.ts), so a field weighs what it will cost on this tenant, from
 * a few relationships to 100k.
 */
import { outlinesAnswer } from '../../projections/tables/relationships-at.js';

/** Work in cost units: `fixed` whatever the tenant's size, plus `perThousand` per 1,000 of its relationships. */
export interface Work {
  readonly fixed: number;
  readonly perThousand: number;
}

export const NO_WORK: Work = { fixed: 0, perThousand: 0 };

/** Work of a field now, as of a past instant (`asOf`), and with `knownAt` (a replay of every stream). */
interface FieldWork {
  readonly plain: Work;
  readonly asOf: Work;
  readonly knownAt: Work;
}

/**
 * Every stream of the tenant replayed up to an instant: `funnel(knownAt)`
 * took 1,160 ms on 5,000 relationships and 7,676 ms on 25,000 (0.31 ms
 * each); an `asOf` list ordered by UPDATED_AT 792 and 6,224 ms. Other
 * fields with `knownAt` do the same replay.
 */
export const REPLAY_WORK: Work = { fixed: 0, perThousand: 300 };

/** Handing a statistic to a read worker and back, whatever the tenant's size. */
const DISPATCH = 2;

/** A statistic now and asOf, in cost units per 1,000 relationships (0.8 × the largest of its work ms per 1,000 at 5k, 25k and 100k). */
function statistic(plain: number, asOf: number): FieldWork {
  return { plain: { fixed: DISPATCH, perThousand: plain }, asOf: { fixed: DISPATCH, perThousand: asOf }, knownAt: REPLAY_WORK };
}

const ROOT_FIELD_WORK: Readonly<Record<string, FieldWork>> = {
  funnel: statistic(2, 1.8),
  outcomes: statistic(1.1, 1.2),
  cohortRetention: statistic(1.3, 1),
  decaySummary: statistic(1.1, 1.1),
  timeToProposalStats: statistic(0.5, 0.4),
  timeToMarriageStats: statistic(0.2, 0.5),
  // Now: index scans (DECAY_ORDER_WORK, DECAY_FILTER_WORK for decay). asOf: paged from
  // the derived tables (13–44 ms at 5k and 25k alike) and the page's 50 streams replayed, or every stream when the
  // rows cannot answer (REPLAY_WORK).
  relationships: { plain: NO_WORK, asOf: { fixed: 35, perThousand: 0.5 }, knownAt: REPLAY_WORK },
  // One stream replayed: a few milliseconds.
  relationship: { plain: NO_WORK, asOf: { fixed: 2, perThousand: 0 }, knownAt: { fixed: 2, perThousand: 0 } },
};

/** A page of relationships now filtered on decay status: every marriage the rest of the filter leaves is scored (147 ms at 25k; 1,026 at 100k before the references). */
export const DECAY_FILTER_WORK: Work = { fixed: 0, perThousand: 8.5 };

/**
 * A page now ordered by decay score, without a decay status filter: read best first from the decay references
 * (docs/DECAY.md), the tenant's married rows counted (unfiltered: 20–40 ms at 25k, 44–53 ms at 100k).
 */
export const DECAY_ORDER_WORK: Work = { fixed: 2, perThousand: 1.3 };

/** An `events` page whose filter (actors, types, time) makes it scan the log: up to 10,000 events (25–68 ms), whatever the tenant's size. */
export const EVENT_SCAN_WORK: Work = { fixed: 55, perThousand: 0 };

/** Work of `Query.<fieldName>` called with `args` (coerced), beyond its own complexity and its selection's; NO_WORK for other types. */
export function rootFieldWork(typeName: string, fieldName: string, args: Record<string, unknown>): Work {
  if (typeName !== 'Query') return NO_WORK;
  if (fieldName === 'events') return scansTheLog(args.filter) ? EVENT_SCAN_WORK : NO_WORK;
  const work = ROOT_FIELD_WORK[fieldName];
  if (work === undefined) return NO_WORK;
  if (given(args.knownAt)) return work.knownAt;
  if (fieldName === 'relationships') return relationshipsWork(args, work);
  return given(args.asOf) ? work.asOf : work.plain;
}

/** Cost units of `work` on a tenant of `relationships`. */
export function workAt(work: Work, relationships: number): number {
  return work.fixed + (work.perThousand * relationships) / 1_000;
}

/** Work that makes a call heavy: some, i.e. worth capping how many copies of it one operation asks for (index.ts). */
export function isHeavy(work: Work): boolean {
  return work.fixed > 0 || work.perThousand > 0;
}

function relationshipsWork(args: Record<string, unknown>, work: FieldWork): Work {
  const filter = args.filter as Parameters<typeof outlinesAnswer>[0];
  const orderBy = args.orderBy as Parameters<typeof outlinesAnswer>[1];
  if (given(args.asOf)) return outlinesAnswer(filter ?? undefined, orderBy ?? undefined) ? work.asOf : REPLAY_WORK;
  if (filterReads(filter, 'decayStatus')) return DECAY_FILTER_WORK;
  return orderedByDecay(orderBy) ? DECAY_ORDER_WORK : work.plain;
}

function orderedByDecay(orderBy: unknown): boolean {
  return Array.isArray(orderBy) && orderBy.some((order) => (order as { field?: unknown } | null)?.field === 'DECAY_SCORE');
}

function filterReads(filter: unknown, key: string): boolean {
  if (typeof filter !== 'object' || filter === null) return false;
  const record = filter as Record<string, unknown>;
  if (given(record[key])) return true;
  const nested = [...(Array.isArray(record.and) ? record.and : []), ...(Array.isArray(record.or) ? record.or : []), record.not];
  return nested.some((each) => filterReads(each, key));
}

function given(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** A filter on actors, types or time alone makes the page scan the tenant's log; a list of relationships reads their streams. */
function scansTheLog(filter: unknown): boolean {
  if (typeof filter !== 'object' || filter === null) return false;
  const entries = Object.entries(filter).filter(([, value]) => value !== undefined && value !== null);
  const byRelationships = entries.some(([key, value]) => key === 'relationshipIds' && Array.isArray(value) && value.length > 0);
  return !byRelationships && entries.some(([key]) => key !== 'relationshipIds');
}
