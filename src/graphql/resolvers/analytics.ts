import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { AnalyticsAnswers, AnalyticsQuestion, RelationshipFilter } from '../../app/read-side.js';
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
const PAGE = 1000;

const MAX_RETENTION_MONTHS = 120;

/**
 * Pipeline analytics for the caller's tenant (docs/ANALYTICS.md): computed
 * by the read side from its rows of cycles, now or as of a past instant;
 * with `knownAt`, from every stream re-folded as it was known then.
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
    return this.answer(ctx, filter, asOf, knownAt, { kind: 'FUNNEL', groupBy }, (states, scope) => funnel(states, scope, this.services.rules, groupBy));
  }

  @Query(() => DurationStats, { description: "Cycle start → the cycle's first proposal, in seconds." })
  async timeToProposalStats(
    @Arg('filter', () => AnalyticsFilter, { nullable: true, description: 'Which relationships to count; all of them when absent.' }) filter: AnalyticsFilter | null,
    @Arg('groupBy', () => AnalyticsGroupBy, { defaultValue: 'NONE', description: 'How to split the distribution into groups.' }) groupBy: GroupBy,
    @Arg('asOf', () => DateTime, { nullable: true, description: 'Count as the pipeline stood at this past instant; now when absent.' }) asOf: Date | null,
    @Arg('knownAt', () => DateTime, { nullable: true, description: KNOWN_AT_DESCRIPTION }) knownAt: Date | null,
    @Ctx() ctx: RequestContext,
  ): Promise<DurationStats> {
    return this.answer(ctx, filter, asOf, knownAt, { kind: 'TIME_TO_PROPOSAL', groupBy }, (states, scope) =>
      timeToProposalStats(states, scope, this.services.rules, groupBy),
    );
  }

  @Query(() => DurationStats, { description: 'Cycle start → the contract, in seconds.' })
  async timeToMarriageStats(
    @Arg('filter', () => AnalyticsFilter, { nullable: true, description: 'Which relationships to count; all of them when absent.' }) filter: AnalyticsFilter | null,
    @Arg('groupBy', () => AnalyticsGroupBy, { defaultValue: 'NONE', description: 'How to split the distribution into groups.' }) groupBy: GroupBy,
    @Arg('asOf', () => DateTime, { nullable: true, description: 'Count as the pipeline stood at this past instant; now when absent.' }) asOf: Date | null,
    @Arg('knownAt', () => DateTime, { nullable: true, description: KNOWN_AT_DESCRIPTION }) knownAt: Date | null,
    @Ctx() ctx: RequestContext,
  ): Promise<DurationStats> {
    return this.answer(ctx, filter, asOf, knownAt, { kind: 'TIME_TO_MARRIAGE', groupBy }, (states, scope) =>
      timeToMarriageStats(states, scope, this.services.rules, groupBy),
    );
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
    return this.answer(ctx, filter, asOf, knownAt, { kind: 'DECAY' }, (states, scope) => decaySummary(states, scope, this.services.rules));
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
    return this.answer(ctx, filter, asOf, knownAt, { kind: 'OUTCOMES', ended: { from, to } }, (states, scope) =>
      outcomes(states, scope, this.services.rules, { from, to }),
    );
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
    return this.answer(ctx, filter, asOf, knownAt, { kind: 'RETENTION', by, months }, (states, scope) =>
      cohortRetention(states, scope, this.services.rules, by, months),
    );
  }

  /**
   * The statistic now or as of a past business instant, from the read side's
   * rows; with `knownAt` (what was recorded by a record instant, which the
   * rows do not keep), from every stream of the tenant replayed.
   */
  private async answer<Q extends AnalyticsQuestion>(
    ctx: RequestContext,
    filter: AnalyticsFilter | null,
    asOf: Date | null,
    knownAt: Date | null,
    question: Q,
    fromStates: (states: RelationshipState[], scope: AnalyticsScope) => AnalyticsAnswers[Q['kind']],
  ): Promise<AnalyticsAnswers[Q['kind']]> {
    const now = this.services.clock.now();
    const known = recordInstant(knownAt);
    const at = describedInstant(asOf, known, now) ?? now;
    const scope = scopeOf(filter, at);
    if (known === undefined) return this.services.readSide.analytics(ctx.tenant, { question, scope, asOf: at !== now });
    const { states } = await this.replayed(ctx, scope, known);
    return fromStates(states, scope);
  }

  /** The tenant's relationships as they stood at `scope.at`, known at `known`: each stream re-folded with `stateAsOf`. */
  private async replayed(ctx: RequestContext, scope: AnalyticsScope, known: number): Promise<{ states: RelationshipState[] }> {
    const at = scope.at;
    const readFilter: RelationshipFilter = {
      ...(scope.segment == null ? {} : { segment: { eq: scope.segment } }),
      ...(scope.owner == null ? {} : { owner: { eq: scope.owner } }),
      openedAt: { lte: at },
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
        const then = stateAsOf(await loaders.history.load(node.id), { asOf: at, knownAt: known }, this.services.rules, node.id);
        // Opened by then, but not yet known to be (its opening was recorded after knownAt).
        if (then.phase !== null) states.push(then);
      }
      if (!page.hasNextPage || page.endCursor === null) break;
      after = page.endCursor;
    }
    return { states };
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

