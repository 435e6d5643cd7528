import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { RelationshipFilter } from '../../app/read-side.js';
import type { AnalyticsScope, GroupBy } from '../../analytics/cohort.js';
import { decaySummary } from '../../analytics/decay.js';
import { timeToMarriageStats, timeToProposalStats } from '../../analytics/durations.js';
import { funnel } from '../../analytics/funnel.js';
import { outcomes } from '../../analytics/outcomes.js';
import { cohortRetention, DEFAULT_RETENTION_MONTHS, type RetentionCohortBy as RetentionCohortByValue } from '../../analytics/retention.js';
import type { RelationshipState } from '../../domain/state.js';
import { stateAsOf } from '../../app/state-as-of.js';
import type { RequestContext } from '../context.js';
import { badUserInput } from '../errors.js';
import type { CourtshipServices } from '../services.js';
import {
  AnalyticsFilter,
  AnalyticsGroupBy,
  CohortRetention,
  DecaySummary,
  DurationStats,
  Funnel,
  Outcome,
  RetentionCohortBy,
} from '../types/analytics.js';
import { DateTime } from '../types/scalars.js';
import { describedInstant, KNOWN_AT_DESCRIPTION, recordInstant } from './as-of.js';
import { loadersFor } from './loaders.js';

/** Rows are read from the read side in pages of this size. */
const PAGE = 100;

const MAX_RETENTION_MONTHS = 120;

/**
 * Pipeline analytics for the caller's tenant (docs/ANALYTICS.md): computed
 * from the read models now, or from every stream re-folded up to `asOf`.
 */
@Authorized('read')
@Resolver()
export class AnalyticsQueries {
  constructor(private readonly services: CourtshipServices) {}

  @Query(() => Funnel, {
    description: 'How many relationships reached, entered and skipped each courtship phase, the conversion to the next, and the time between.',
  })
  async funnel(
    @Arg('filter', () => AnalyticsFilter, { nullable: true, description: 'Which relationships to count; all of them when absent.' }) filter: AnalyticsFilter | null,
    @Arg('groupBy', () => AnalyticsGroupBy, { defaultValue: 'NONE', description: 'Split the answer by this dimension; NONE gives one group.' }) groupBy: GroupBy,
    @Arg('asOf', () => DateTime, { nullable: true, description: 'Count as the pipeline stood at this past instant; now when absent.' }) asOf: Date | null,
    @Arg('knownAt', () => DateTime, { nullable: true, description: KNOWN_AT_DESCRIPTION }) knownAt: Date | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Funnel> {
    const { states, scope } = await this.cohort(ctx, filter, asOf, knownAt);
    return funnel(states, scope, this.services.rules, groupBy);
  }

  @Query(() => DurationStats, { description: "Cycle start → the cycle's first proposal, in seconds." })
  async timeToProposalStats(
    @Arg('filter', () => AnalyticsFilter, { nullable: true, description: 'Which relationships to count; all of them when absent.' }) filter: AnalyticsFilter | null,
    @Arg('groupBy', () => AnalyticsGroupBy, { defaultValue: 'NONE', description: 'How to split the distribution into groups.' }) groupBy: GroupBy,
    @Arg('asOf', () => DateTime, { nullable: true, description: 'Count as the pipeline stood at this past instant; now when absent.' }) asOf: Date | null,
    @Arg('knownAt', () => DateTime, { nullable: true, description: KNOWN_AT_DESCRIPTION }) knownAt: Date | null,
    @Ctx() ctx: RequestContext,
  ): Promise<DurationStats> {
    const { states, scope } = await this.cohort(ctx, filter, asOf, knownAt);
    return timeToProposalStats(states, scope, this.services.rules, groupBy);
  }

  @Query(() => DurationStats, { description: 'Cycle start → the contract, in seconds.' })
  async timeToMarriageStats(
    @Arg('filter', () => AnalyticsFilter, { nullable: true, description: 'Which relationships to count; all of them when absent.' }) filter: AnalyticsFilter | null,
    @Arg('groupBy', () => AnalyticsGroupBy, { defaultValue: 'NONE', description: 'How to split the distribution into groups.' }) groupBy: GroupBy,
    @Arg('asOf', () => DateTime, { nullable: true, description: 'Count as the pipeline stood at this past instant; now when absent.' }) asOf: Date | null,
    @Arg('knownAt', () => DateTime, { nullable: true, description: KNOWN_AT_DESCRIPTION }) knownAt: Date | null,
    @Ctx() ctx: RequestContext,
  ): Promise<DurationStats> {
    const { states, scope } = await this.cohort(ctx, filter, asOf, knownAt);
    return timeToMarriageStats(states, scope, this.services.rules, groupBy);
  }

  @Query(() => DecaySummary, {
    description: 'Current marriages by decay status, ended ones by the status they ended with, and the median weeks from signing to the first neglect.',
  })
  async decaySummary(
    @Arg('filter', () => AnalyticsFilter, { nullable: true, description: 'Which relationships to count; all of them when absent.' }) filter: AnalyticsFilter | null,
    @Arg('asOf', () => DateTime, { nullable: true, description: 'Count as the pipeline stood at this past instant; now when absent.' }) asOf: Date | null,
    @Arg('knownAt', () => DateTime, { nullable: true, description: KNOWN_AT_DESCRIPTION }) knownAt: Date | null,
    @Ctx() ctx: RequestContext,
  ): Promise<DecaySummary> {
    const { states, scope } = await this.cohort(ctx, filter, asOf, knownAt);
    return decaySummary(states, scope, this.services.rules);
  }

  @Query(() => [Outcome], { description: 'Courtships that ended, by ending (MOVED_ON, LEFT_AT_ALTAR, DIVORCED) and reason.' })
  async outcomes(
    @Arg('filter', () => AnalyticsFilter, { nullable: true, description: 'Which relationships to count; all of them when absent.' }) filter: AnalyticsFilter | null,
    @Arg('endedFrom', () => DateTime, { nullable: true, description: 'Courtships that ended at or after this instant.' }) endedFrom: Date | null,
    @Arg('endedTo', () => DateTime, { nullable: true, description: 'Courtships that ended at or before this instant.' }) endedTo: Date | null,
    @Arg('asOf', () => DateTime, { nullable: true, description: 'Count as the pipeline stood at this past instant; now when absent.' }) asOf: Date | null,
    @Arg('knownAt', () => DateTime, { nullable: true, description: KNOWN_AT_DESCRIPTION }) knownAt: Date | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Outcome[]> {
    const from = endedFrom?.getTime() ?? null;
    const to = endedTo?.getTime() ?? null;
    if (from !== null && to !== null && from > to) {
      throw badUserInput('endedFrom is after endedTo', { field: 'endedFrom', reason: 'EMPTY_RANGE' });
    }
    const { states, scope } = await this.cohort(ctx, filter, asOf, knownAt);
    return outcomes(states, scope, this.services.rules, { from, to });
  }

  @Query(() => CohortRetention, { description: 'Cohorts by month of marriage (or of opening) × whole months since → still married / churned.' })
  async cohortRetention(
    @Arg('by', () => RetentionCohortBy, { defaultValue: 'MARRIAGE', description: 'Which month starts a cohort: the marriage (default) or the opening.' }) by: RetentionCohortByValue,
    @Arg('months', () => Int, { defaultValue: DEFAULT_RETENTION_MONTHS, description: 'Months since, at most (0 to 120).' }) months: number,
    @Arg('filter', () => AnalyticsFilter, { nullable: true, description: 'Which relationships to count; all of them when absent.' }) filter: AnalyticsFilter | null,
    @Arg('asOf', () => DateTime, { nullable: true, description: 'Count as the pipeline stood at this past instant; now when absent.' }) asOf: Date | null,
    @Arg('knownAt', () => DateTime, { nullable: true, description: KNOWN_AT_DESCRIPTION }) knownAt: Date | null,
    @Ctx() ctx: RequestContext,
  ): Promise<CohortRetention> {
    if (!Number.isInteger(months) || months < 0 || months > MAX_RETENTION_MONTHS) {
      throw badUserInput(`months must be from 0 to ${MAX_RETENTION_MONTHS}`, { field: 'months', reason: 'OUT_OF_RANGE' });
    }
    const { states, scope } = await this.cohort(ctx, filter, asOf, knownAt);
    return cohortRetention(states, scope, this.services.rules, by, months);
  }

  /**
   * The tenant's relationships as they stood at the instant: read-model rows
   * now; each stream re-folded with `stateAt` for a past instant (the rows
   * hold what happened since).
   */
  private async cohort(
    ctx: RequestContext,
    filter: AnalyticsFilter | null,
    asOf: Date | null,
    knownAt: Date | null,
  ): Promise<{ states: RelationshipState[]; scope: AnalyticsScope }> {
    const now = this.services.clock.now();
    const known = recordInstant(knownAt);
    const at = describedInstant(asOf, known, now) ?? now;
    const scope = scopeOf(filter, at);
    const readFilter: RelationshipFilter = {
      ...(scope.segment == null ? {} : { segment: { eq: scope.segment } }),
      ...(scope.owner == null ? {} : { owner: { eq: scope.owner } }),
      ...(at === now && known === undefined ? {} : { openedAt: { lte: at } }),
    };
    const states: RelationshipState[] = [];
    const loaders = loadersFor(ctx, this.services);
    let after: string | undefined;
    for (;;) {
      const page = this.services.readSide.listRelationships(ctx.tenant, {
        first: PAGE,
        at,
        filter: readFilter,
        ...(after === undefined ? {} : { after }),
      });
      for (const { node } of page.items) {
        if (at === now && known === undefined) states.push(node.state);
        else {
          const then = stateAsOf(await loaders.history.load(node.id), { asOf: at, knownAt: known }, this.services.rules, node.id);
          // Opened by then, but not yet known to be (its opening was recorded after knownAt).
          if (then.phase !== null) states.push(then);
        }
      }
      if (!page.hasNextPage || page.endCursor === null) break;
      after = page.endCursor;
    }
    return { states, scope };
  }
}

function scopeOf(filter: AnalyticsFilter | null, at: number): AnalyticsScope {
  const from = filter?.from?.getTime() ?? null;
  const to = filter?.to?.getTime() ?? null;
  if (from !== null && to !== null && from > to) {
    throw badUserInput('filter.from is after filter.to', { field: 'filter.from', reason: 'EMPTY_RANGE' });
  }
  return { at, from, to, segment: filter?.segment ?? null, owner: filter?.owner ?? null };
}

