/**
 * The work a root field does beyond what its selection costs: analytics read
 * every relationship of the tenant, `asOf` replays every stream of it, and an
 * event page with a filter the log cannot index scans up to 10,000 events to
 * fill itself. These weights are added to the field's cost (cost.ts).
 *
 * Measured with `node dist/bench/field-costs.js` (tenant of 5,000
 * relationships, 193,731 events): one cost unit is about 1.25 ms of server
 * time on that (shared, loaded) machine, i.e. weight = 0.8 × the field's
 * median time minus a trivial query's. The figures are in docs/LIMITS.md.
 * Analytics scale with the tenant: a tenant ten times larger takes about ten
 * times longer at the same cost, so lower COURTSHIP_MAX_COST or the
 * per-token budget (rate.ts) for large tenants.
 */

/** Work of a field without and with `asOf` or `knownAt`, in cost units. */
interface Work {
  readonly plain: number;
  readonly asOf: number;
}

const ROOT_FIELD_WORK: Readonly<Record<string, Work>> = {
  funnel: { plain: 50, asOf: 1_560 },
  outcomes: { plain: 20, asOf: 3_570 },
  decaySummary: { plain: 230, asOf: 4_330 },
  timeToProposalStats: { plain: 70, asOf: 3_350 },
  timeToMarriageStats: { plain: 20, asOf: 2_110 },
  // Measured later, in a run with the same overhead (docs/LIMITS.md): 50.6 ms and 2,890.5 ms of work.
  cohortRetention: { plain: 40, asOf: 2_310 },
  // Relationships are answered from memory; with asOf every stream of the tenant is replayed.
  relationships: { plain: 0, asOf: 1_980 },
  // One stream replayed: under a millisecond.
  relationship: { plain: 0, asOf: 1 },
};

/** An `events` page whose filter (actors, types, time) makes it scan the log: up to 10,000 events. */
export const EVENT_SCAN_WORK = 110;

/** Extra cost of `Query.<fieldName>` called with `args` (coerced), beyond its own complexity and its selection's. */
export function extraWork(typeName: string, fieldName: string, args: Record<string, unknown>): number {
  if (typeName !== 'Query') return 0;
  if (fieldName === 'events') return scansTheLog(args.filter) ? EVENT_SCAN_WORK : 0;
  const work = ROOT_FIELD_WORK[fieldName];
  if (work === undefined) return 0;
  // knownAt replays every stream as asOf does (the events recorded by then, in business order).
  return given(args.asOf) || given(args.knownAt) ? work.asOf : work.plain;
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
