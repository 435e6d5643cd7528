/**
 * The tenant's relationships as they stood at a past business instant T,
 * read from the rows instead of replayed: for each one opened by T, the
 * cycle it was in (cycles.ts), that cycle's milestones by T, and its phase
 * (the interval containing T, phase-intervals.ts; or, when its latest
 * cycle's deadline is due by T and not recorded yet, `advanceTo` over the
 * analytics' part of its state). Each becomes an outline: a state holding
 * exactly what the list's row filters and orderings read (`OUTLINE_FIELDS`),
 * so the list's one pass (relationship-query.ts) pages the outlines, and
 * only the page's rows are replayed in full.
 */
import type Database from 'better-sqlite3';
import type { RelationshipFilter, RelationshipOrder, RelationshipRow } from '../../app/read-side.js';
import { advanceTo } from '../../domain/deadlines.js';
import type { Phase } from '../../domain/events.js';
import type { Rules } from '../../domain/rules.js';
import type { CycleMilestones, RelationshipState } from '../../domain/state.js';
import type { PageWindow, RelationshipQuery, Tally } from '../relationship-query.js';
import { stateOfAnalytics, type AnalyticsState } from './analytics-state.js';

/** Filter fields an outline answers exactly (the others need the whole state at T). */
const OUTLINE_FILTERS = new Set<keyof RelationshipFilter>([
  'id',
  'accountName',
  'segment',
  'owner',
  'source',
  'openedAt',
  'phase',
  'cycle',
  'phaseSince',
  'timeToProposalDays',
  'timeToMarriageDays',
  'and',
  'or',
  'not',
]);
const OUTLINE_ORDERS = new Set<RelationshipOrder['field']>(['ID', 'ACCOUNT_NAME', 'OPENED_AT', 'PHASE', 'PHASE_SINCE', 'TIME_TO_PROPOSAL']);
/** Filter fields set at the opening that never change (cycles.ts): a relationship opened by T has them at T. */
const STATIC_FILTERS = new Set<keyof RelationshipFilter>(['id', 'accountName', 'segment', 'owner', 'source', 'openedAt', 'and', 'or', 'not']);
const STATIC_ORDERS = new Set<RelationshipOrder['field']>(['ID', 'ACCOUNT_NAME', 'OPENED_AT']);

/** True when outlines answer the filter and the ordering (not: updatedAt, decayStatus, flags, UPDATED_AT, DECAY_SCORE). */
export function outlinesAnswer(filter: RelationshipFilter | undefined, orderBy: readonly RelationshipOrder[] | undefined): boolean {
  return filterAnswered(filter) && (orderBy ?? []).every((order) => OUTLINE_ORDERS.has(order.field));
}

/**
 * True when the filter and the ordering read only what never changes after
 * the opening (the default list among them): then the relationships at T are
 * the ones opened by T, and their static outlines (`staticOutlinesAt`) page them.
 */
export function staticsAnswer(filter: RelationshipFilter | undefined, orderBy: readonly RelationshipOrder[] | undefined): boolean {
  return filterWithin(filter, STATIC_FILTERS) && (orderBy ?? []).every((order) => STATIC_ORDERS.has(order.field));
}

function filterAnswered(filter: RelationshipFilter | undefined): boolean {
  return filterWithin(filter, OUTLINE_FILTERS);
}

function filterWithin(filter: RelationshipFilter | undefined, fields: ReadonlySet<keyof RelationshipFilter>): boolean {
  if (filter === undefined) return true;
  for (const key of Object.keys(filter) as (keyof RelationshipFilter)[]) {
    if (filter[key] === undefined) continue;
    if (!fields.has(key)) return false;
  }
  return (filter.and ?? []).every((each) => filterWithin(each, fields)) && (filter.or ?? []).every((each) => filterWithin(each, fields)) && filterWithin(filter.not, fields);
}

type OutlineValues = [
  id: string,
  accountName: string | null,
  segment: string | null,
  owner: string | null,
  source: string | null,
  openedAt: number,
  cycle: number,
  started: number,
  firstProposal: number | null,
  married: number | null,
  ended: number | null,
  outcome: CycleMilestones['outcome'],
  phase: Phase,
  phaseSince: number,
];

/**
 * Outlines of the tenant's relationships at T (`at`), keyed by id. An
 * outline's activity is dated T so that the list's `advanceTo` finds no
 * deadline due: the ones due by T are already in its phase.
 */
export function outlinesAt(db: Database.Database, tenant: string, at: number, rules: Rules): Map<string, RelationshipRow> {
  const rows = db
    .prepare(
      `SELECT c.relationship_id, c.account_name, c.segment, c.owner, c.source, c.opened_at, c.cycle, c.started,
         c.first_proposal, c.married, c.ended, c.outcome, i.phase, i.entered
       FROM cycles c JOIN phase_intervals i ON i.tenant = c.tenant AND i.relationship_id = c.relationship_id
       WHERE c.tenant = @tenant AND c.opened_at <= @at AND c.started <= @at AND (c.next_started IS NULL OR c.next_started > @at)
         AND (c.next_deadline IS NULL OR c.next_deadline > @at)
         AND i.entered <= @at AND (i.left_at IS NULL OR i.left_at > @at)`,
    )
    .safeIntegers(false)
    .raw()
    .all({ tenant, at }) as OutlineValues[];
  const by = (t: number | null): number | null => (t !== null && t <= at ? t : null);
  const outlines = new Map<string, RelationshipRow>();
  for (const row of rows) {
    const endedAt = by(row[10]);
    const milestones: CycleMilestones = {
      cycle: row[6],
      startedAt: row[7],
      firstProposalAt: by(row[8]),
      marriedAt: by(row[9]),
      endedAt,
      outcome: endedAt === null ? null : row[11],
    };
    outlines.set(row[0], outline(tenant, row[0], { accountName: row[1], segment: row[2], owner: row[3], source: row[4], openedAt: row[5] }, milestones, row[12], row[13], at));
  }
  const due = db
    .prepare(
      `SELECT account_name, source, analytics_state FROM cycles
       WHERE tenant = ? AND next_started IS NULL AND next_deadline <= ? AND opened_at <= ?`,
    )
    .safeIntegers(false)
    .raw()
    .all(tenant, at, at) as [string | null, string | null, string][];
  for (const [accountName, source, part] of due) {
    const state = advanceTo(stateOfAnalytics(JSON.parse(part) as AnalyticsState), at, rules).state;
    const milestones = state.cycles[state.cycle - 1]!;
    const statics = { accountName, segment: state.segment, owner: state.owner, source, openedAt: state.openedAt! };
    outlines.set(state.id, outline(tenant, state.id, statics, milestones, state.phase!, state.phaseSince!, at));
  }
  return outlines;
}

/**
 * Outlines of the relationships opened by T holding only what never changes
 * (id, account name, segment, owner, source, opening): one read of each
 * latest cycle's plain columns, no phase interval joined and no state
 * parsed, for the lists `staticsAnswer` accepts (once opened, a relationship
 * has a phase at every later instant).
 */
export function staticOutlinesAt(db: Database.Database, tenant: string, at: number): Map<string, RelationshipRow> {
  const rows = db
    .prepare(
      `SELECT relationship_id, account_name, segment, owner, source, opened_at FROM cycles
       WHERE tenant = ? AND next_started IS NULL AND opened_at <= ?`,
    )
    .safeIntegers(false)
    .raw()
    .all(tenant, at) as StaticValues[];
  const outlines = new Map<string, RelationshipRow>();
  for (const row of rows) outlines.set(row[0], staticOutline(tenant, row));
  return outlines;
}

/**
 * The tally (relationship-query.ts) of a list as of T with no filter,
 * ordered by id alone, read by SQL along the primary key: the page's rows
 * (`keep` of them past the cursor), the count, and whether rows lie beyond
 * either cursor, without an outline per relationship. Null for any other
 * list, or a cursor whose key is not an id (the one pass answers those).
 * Ids are ASCII (stream ids), so SQLite orders them as JS compares them.
 */
export function tallyOpenedById(db: Database.Database, tenant: string, query: RelationshipQuery, window: PageWindow): Tally | null {
  const filtered = query.filter !== undefined && Object.values(query.filter).some((value) => value !== undefined);
  const [first, ...others] = window.ordering.fields;
  if (filtered || others.length > 0 || first?.field !== 'ID') return null;
  const after = window.after?.[0];
  const before = window.before?.[0];
  if ((after !== undefined && typeof after !== 'string') || (before !== undefined && typeof before !== 'string')) return null;
  const descending = first.direction === 'DESC';
  // Past a cursor in the list's order; up to it (inclusive) the other way.
  const past = descending ? '<' : '>';
  const upTo = descending ? '>=' : '<=';
  const from = descending ? '<=' : '>=';
  const opened = `FROM cycles WHERE tenant = @tenant AND next_started IS NULL AND opened_at <= @at`;
  const pastAfter = after === undefined ? '' : ` AND relationship_id ${past} @after`;
  const beforeBefore = before === undefined ? '' : ` AND relationship_id ${descending ? '>' : '<'} @before`;
  const ascending = window.backwards === descending;
  const parameters = { tenant, at: query.at, after: after ?? null, before: before ?? null, keep: window.keep };
  const statement = (sql: string): Database.Statement => db.prepare(sql).safeIntegers(false);
  const rows = statement(
    `SELECT relationship_id, account_name, segment, owner, source, opened_at ${opened}${pastAfter}${beforeBefore}
     ORDER BY relationship_id ${ascending ? 'ASC' : 'DESC'} LIMIT @keep`,
  )
    .raw()
    .all(parameters) as StaticValues[];
  const exists = (sql: string): boolean => statement(`SELECT EXISTS (SELECT 1 ${opened}${sql})`).pluck().get(parameters) === 1;
  return {
    best: rows.map((row) => ({ key: [row[0]], row: staticOutline(tenant, row) })),
    // `cycle >= 1` (always true) lets the count read the small index cycles.ts keeps for it, not every latest cycle's row.
    totalCount: statement(`SELECT count(*) ${opened} AND cycle >= 1`).pluck().get(parameters) as number,
    rowsUpToAfter: after !== undefined && exists(` AND relationship_id ${upTo} @after`),
    rowsFromBefore: before !== undefined && exists(` AND relationship_id ${from} @before${pastAfter}`),
  };
}

type StaticValues = [id: string, accountName: string | null, segment: string | null, owner: string | null, source: string | null, openedAt: number];

function staticOutline(tenant: string, [id, accountName, segment, owner, source, openedAt]: StaticValues): RelationshipRow {
  // Only what STATIC_FILTERS, STATIC_ORDERS and `evaluationInstant` read: a static outline is paged, never shown.
  const state: StaticFields = { id, accountName, segment, owner, source, openedAt, lastEventAt: null };
  return { tenant, id, state: state as RelationshipState, position: 0n };
}

type StaticFields = Pick<RelationshipState, 'id' | 'accountName' | 'segment' | 'owner' | 'source' | 'openedAt' | 'lastEventAt'>;

function outline(
  tenant: string,
  id: string,
  statics: Pick<RelationshipState, 'accountName' | 'segment' | 'owner' | 'source'> & { openedAt: number },
  milestones: CycleMilestones,
  phase: Phase,
  phaseSince: number,
  at: number,
): RelationshipRow {
  const cycles: CycleMilestones[] = [];
  cycles[milestones.cycle - 1] = milestones;
  // Only what OUTLINE_FILTERS, OUTLINE_ORDERS and `advanceTo` read: an outline is paged, never shown.
  const state: OutlineFields = {
    id,
    ...statics,
    cycle: milestones.cycle,
    cycleStartedAt: milestones.startedAt,
    phase,
    phaseSince,
    cycles,
    lastEventAt: null,
    lastProspectActivityAt: at,
    lastVendorActivityAt: at,
    contractEndsAt: null,
  };
  return { tenant, id, state: state as RelationshipState, position: 0n };
}

type OutlineFields = Pick<
  RelationshipState,
  | 'id'
  | 'accountName'
  | 'segment'
  | 'owner'
  | 'source'
  | 'openedAt'
  | 'cycle'
  | 'cycleStartedAt'
  | 'phase'
  | 'phaseSince'
  | 'cycles'
  | 'lastEventAt'
  | 'lastProspectActivityAt'
  | 'lastVendorActivityAt'
  | 'contractEndsAt'
>;
