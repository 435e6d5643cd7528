/**
 * The cohort facts (src/analytics/facts.ts) of a tenant's relationships at an
 * instant, read from the rows of `cycles` (cycles.ts) instead of replayed
 * states:
 * - the cycle each relationship was in at T is the one started by T whose
 *   successor (if any) started after T; its milestones at T are those at or
 *   before T (now: every recorded one, as the rows are);
 * - a relationship whose latest cycle has a deadline due by T that was not
 *   recorded yet is evaluated from the analytics' part of its state with the
 *   domain's `advanceTo` (the recorded rows lag the clock by moments);
 * - the decay trend of a marriage in its latest cycle is scored from its
 *   decay inputs (decay-inputs.ts), a few hundred bytes, not a state.
 * What the rows cannot answer at a past instant (an older cycle's decay or
 * churn/withdrawal reason, a veto holder's stance changed since T) is listed
 * by `replaysNeeded` and replayed by the caller.
 */
import type Database from 'better-sqlite3';
import type { AnalyticsQuestion, AnalyticsRequest } from '../../app/read-side.js';
import { cohort } from '../../analytics/cohort.js';
import type { DecayTally } from '../../analytics/decay.js';
import { factsOf, type CohortFacts } from '../../analytics/facts.js';
import type { Rules } from '../../domain/rules.js';
import { stateOfAnalytics, type AnalyticsState } from './analytics-state.js';
import { tallyDecayRows } from './decay-inputs.js';

/** The instant milestones are cut at: T for a past instant, none (every recorded one) now. */
export function cutOf(request: AnalyticsRequest): number {
  return request.asOf ? request.scope.at : Number.MAX_SAFE_INTEGER;
}

export interface Where {
  readonly sql: string;
  readonly params: Record<string, unknown>;
}

/** The rows of the cycle each relationship in scope was in at the instant (deadline rows included). */
function inScope(tenant: string, request: AnalyticsRequest): Where {
  const { scope } = request;
  const params: Record<string, unknown> = { tenant, at: scope.at, cut: cutOf(request) };
  // Now, the cycle each relationship is in is its latest: a range of the index cycles_analytics.
  let sql = request.asOf
    ? 'tenant = @tenant AND opened_at <= @at AND started <= @cut AND (next_started IS NULL OR next_started > @cut)'
    : 'tenant = @tenant AND opened_at <= @at AND next_started IS NULL';
  if (scope.segment != null) (sql += ' AND segment = @segment'), (params.segment = scope.segment);
  if (scope.owner != null) (sql += ' AND owner = @owner'), (params.owner = scope.owner);
  if (scope.from != null) (sql += ' AND started >= @from'), (params.from = scope.from);
  if (scope.to != null) (sql += ' AND started <= @to'), (params.to = scope.to);
  return { sql, params };
}

/** Only the members a question counts (the others add nothing to it). */
function counted(question: AnalyticsQuestion): string {
  switch (question.kind) {
    case 'DECAY':
    case 'TIME_TO_MARRIAGE':
      return ' AND married <= @cut';
    case 'TIME_TO_PROPOSAL':
      return ' AND first_proposal <= @cut';
    case 'OUTCOMES':
      return ' AND ended <= @cut';
    case 'RETENTION':
      return question.by === 'MARRIAGE' ? ' AND married <= @cut' : '';
    case 'FUNNEL':
      return '';
  }
}

/**
 * The rows a question reads: of the cycles in scope at the instant, those it
 * counts, without a deadline due by then (`dueDeadlineFacts` gives those),
 * and not among `skip` (replayed by the caller).
 */
export function rowsOf(tenant: string, request: AnalyticsRequest, skip: readonly string[] = []): Where {
  const { sql, params } = inScope(tenant, request);
  let where = `${sql}${counted(request.question)} AND (next_deadline IS NULL OR next_deadline > @at)`;
  if (skip.length > 0) {
    where += ' AND relationship_id NOT IN (SELECT value FROM json_each(@skip))';
    params.skip = JSON.stringify(skip);
  }
  return { sql: where, params };
}

/** At a past instant: the relationships whose facts the rows cannot give (see the module comment). */
export function replaysNeeded(db: Database.Database, tenant: string, request: AnalyticsRequest): string[] {
  if (!request.asOf) return [];
  const { sql, params } = inScope(tenant, request);
  const { question } = request;
  const older: string[] = [];
  if (question.kind === 'DECAY') older.push('married <= @cut');
  if (question.kind === 'OUTCOMES') older.push('(ended <= @cut AND reason_kind IS NULL)');
  if (older.length === 0) return [];
  // Decay: the latest cycles whose veto holder's stance changed since (read from decay_inputs, whose rows are small).
  const latestStance = question.kind === 'DECAY' ? ` UNION ALL SELECT relationship_id FROM decay_inputs WHERE ${decayWhere(request)} AND veto_stance_changed > @cut` : '';
  return db
    .prepare(`SELECT relationship_id FROM cycles WHERE ${sql} AND next_started IS NOT NULL AND (${older.join(' OR ')})${latestStance}`)
    .pluck()
    .all(params) as string[];
}

/**
 * The decay summary's marriages in scope at the instant, except `skip`,
 * counted into `tally` straight from the rows of `decay_inputs`
 * (tallyDecayRows: no object per marriage); the ones with a deadline due
 * by then from the analytics' part of their state, as `cohortFactsFromRows`.
 */
export function tallyDecayFromRows(
  db: Database.Database,
  tenant: string,
  request: AnalyticsRequest,
  rules: Rules,
  skip: ReadonlySet<string>,
  tally: DecayTally,
): void {
  const only: Where =
    skip.size > 0 ? { sql: 'relationship_id NOT IN (SELECT value FROM json_each(@skip))', params: { skip: JSON.stringify([...skip]) } } : { sql: '', params: {} };
  tallyDecayRowsWhere(db, tenant, request, rules, tally, only);
  for (const member of dueDeadlineFacts(db, tenant, request, rules)) {
    if (!skip.has(member.id)) tally.addFacts(member.facts);
  }
}

/** Counts into `tally` the rows of decay_inputs in scope that also meet `only` (none: ''), without those with a deadline due; read by `indexedBy` when given. */
export function tallyDecayRowsWhere(
  db: Database.Database,
  tenant: string,
  request: AnalyticsRequest,
  rules: Rules,
  tally: DecayTally,
  only: Where,
  indexedBy?: string,
): void {
  const { params } = inScope(tenant, request);
  const sql = only.sql === '' ? decayWhere(request) : `${decayWhere(request)} AND ${only.sql}`;
  const where = { sql, params: { ...params, ...only.params }, ...(indexedBy === undefined ? {} : { indexedBy }) };
  tallyDecayRows(db, where, request.scope.at, cutOf(request), rules, tally);
}

/**
 * The rows of decay_inputs in scope, with inScope's parameters. It holds the
 * latest cycle of each relationship whose latest cycle married: the one in
 * scope when it started by the cut (an older one is replayed:
 * replaysNeeded), counted when married by then; those with a deadline due
 * by the instant are left to dueDeadlineFacts.
 */
function decayWhere(request: AnalyticsRequest): string {
  const { scope } = request;
  let sql = 'tenant = @tenant AND opened_at <= @at AND started <= @cut AND married <= @cut';
  if (scope.segment != null) sql += ' AND segment = @segment';
  if (scope.owner != null) sql += ' AND owner = @owner';
  if (scope.from != null) sql += ' AND started >= @from';
  if (scope.to != null) sql += ' AND started <= @to';
  // next_deadline: the latest cycle's, as in `cycles` (written from the same state).
  return `${sql} AND (next_deadline IS NULL OR next_deadline > @at)`;
}

/** Relationships whose latest cycle has a deadline due by the instant, not recorded yet: `advanceTo` applies it. */
export function dueDeadlineFacts(db: Database.Database, tenant: string, request: AnalyticsRequest, rules: Rules): { id: string; facts: CohortFacts }[] {
  const { scope } = request;
  const parts = db
    .prepare(
      `SELECT analytics_state FROM cycles WHERE tenant = ? AND next_started IS NULL AND next_deadline <= ?` +
        (scope.segment != null ? ' AND segment = ?' : '') +
        (scope.owner != null ? ' AND owner = ?' : ''),
    )
    .safeIntegers(false)
    .pluck()
    .all(tenant, scope.at, ...(scope.segment != null ? [scope.segment] : []), ...(scope.owner != null ? [scope.owner] : [])) as string[];
  const states = parts.map((part) => stateOfAnalytics(JSON.parse(part) as AnalyticsState));
  const withTrend = request.question.kind === 'DECAY';
  return [...cohort(states, scope, rules)].map((member) => ({ id: member.state.id, facts: factsOf(member, scope.at, rules, withTrend) }));
}
