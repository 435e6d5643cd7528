/**
 * The statistics over a whole tenant from the tallies the writers keep
 * (latest-cycle-tallies.ts), instead of a pass over its rows. The tallies
 * hold the latest cycles as they read now; an answer at an instant T is
 * - the tallies,
 * - less the latest cycles that read otherwise at T or are left out there:
 *   those whose row records something after T (`changed`, opened or started
 *   after T included), or with a deadline due by the instant (read back
 *   through their indexes);
 * - plus, as they read at T (milestones cut at T), those of them in scope at
 *   T and the older cycles current at T (a relationship reopened since),
 *   except the relationships the caller replayed or evaluated, whose facts
 *   it gives.
 * SQLite sums the two (latest-cycle-deltas.ts): only the shapes' and
 * endings' counts and the values that differ come back.
 * Now, only the few rows with a deadline due or opened after the instant
 * differ; at a past T, the cycles changed since T. The counts are sums; an
 * order statistic walks a measure's hour-wide buckets to the one holding
 * its rank and reads only that bucket's values, so a median reads a few
 * thousand bucket rows and one bucket, however many relationships the
 * tenant has. When more than a fraction of the latest cycles changed since
 * T, the rows are aggregated instead (cycle-aggregates.ts).
 *
 * Only the questions the tallies cover: no segment, owner or window of
 * cycle starts, ungrouped, no window of endings. The property tests hold
 * both readings equal to the pure functions over replayed states.
 */
import type Database from 'better-sqlite3';
import type { AnalyticsAnswers, AnalyticsRequest } from '../../app/read-side.js';
import { distributionOfRanked, type RankedValues } from '../../analytics/distribution.js';
import { HISTOGRAM_WEEKS, weekOf, weeklyHistogramOfCounts, wholeSeconds, type DurationStats } from '../../analytics/durations.js';
import type { CohortFacts, OutcomeReason } from '../../analytics/facts.js';
import { FUNNEL_PHASES, funnelStages, type Funnel } from '../../analytics/funnel.js';
import { OutcomeTally, type OutcomeCount, type OutcomeReasonKind } from '../../analytics/outcomes.js';
import type { ClosedPhase } from '../../domain/events.js';
import type { CycleMilestones } from '../../domain/state.js';
import { cutOf } from './cycle-facts.js';
import { ChangedCycles, type Changes } from './latest-cycle-deltas.js';
import { BucketedValues } from './bucketed-values.js';
import { BUCKET_SECONDS, MEASURES, type Measure } from './latest-cycle-tallies.js';

type KeptKind = 'FUNNEL' | 'TIME_TO_PROPOSAL' | 'TIME_TO_MARRIAGE' | 'OUTCOMES';

/** Whether the kept tallies can answer `request` (see the module comment). */
export function keptTalliesAnswer(request: AnalyticsRequest): request is AnalyticsRequest & { question: { kind: KeptKind } } {
  const { question, scope } = request;
  if (scope.segment != null || scope.owner != null || scope.from != null || scope.to != null) return false;
  switch (question.kind) {
    case 'FUNNEL':
    case 'TIME_TO_PROPOSAL':
    case 'TIME_TO_MARRIAGE':
      return question.groupBy === 'NONE';
    case 'OUTCOMES':
      return question.ended.from == null && question.ended.to == null;
    default:
      return false;
  }
}

/** Above this share of the latest cycles changed since the instant (and this many), a pass over the rows costs less. */
const CHANGED_SHARE = 1 / 8;
const CHANGED_AT_LEAST = 4_096;

/**
 * The answer from the kept tallies, with `extra`: the facts of the
 * relationships the caller replayed (`skip`) or evaluated; null when too
 * many cycles changed since the instant (CHANGED_SHARE, CHANGED_AT_LEAST).
 */
export function keptAnswer(
  db: Database.Database,
  tenant: string,
  request: AnalyticsRequest & { question: { kind: KeptKind } },
  skip: readonly string[],
  extra: readonly CohortFacts[],
): AnalyticsAnswers[KeptKind] | null {
  const cut = cutOf(request);
  if (request.asOf && changedSince(db, tenant, cut) > Math.max(CHANGED_AT_LEAST, keptTotal(db, tenant) * CHANGED_SHARE)) return null;
  const kind = request.question.kind;
  const measures: Measure[] = kind === 'FUNNEL' ? ['GAP_0', 'GAP_1', 'GAP_2', 'GAP_3'] : kind === 'OUTCOMES' ? [] : [kind];
  const kept = new KeptTallies(db, tenant, new ChangedCycles(db, tenant, request, skip), measures, kind === 'FUNNEL', extra);
  switch (kind) {
    case 'FUNNEL':
      return funnelOf(kept);
    case 'TIME_TO_PROPOSAL':
      return durationsOf(kept, 'TIME_TO_PROPOSAL');
    case 'TIME_TO_MARRIAGE':
      return durationsOf(kept, 'TIME_TO_MARRIAGE');
    case 'OUTCOMES':
      return outcomesOf(kept);
  }
}

/** What the kept statistics read of a relationship's facts at an instant (a CohortFacts, or a row's columns). */
interface KeptFacts {
  readonly entered: readonly (number | null)[];
  readonly reason: OutcomeReason | null;
  readonly cycle: Pick<CycleMilestones, 'startedAt' | 'firstProposalAt' | 'marriedAt' | 'endedAt' | 'outcome'>;
}

const ENTERED = FUNNEL_PHASES.map((_, k) => `entered${k}`);
const REACHED = FUNNEL_PHASES.map((_, k) => `reached${k}`);

/**
 * Adds `n` to the counters of a relationship's facts (latest-cycle-tallies.ts's
 * triggers count a row's columns alike: the property tests hold the two
 * equal): the funnel's total, entered and reached per phase, its ending.
 */
function countInto(counts: Map<string, number>, { entered, reason, cycle }: KeptFacts, n: number): void {
  const bump = (name: string): void => void counts.set(name, (counts.get(name) ?? 0) + n);
  bump('total');
  let reachedLater = false;
  for (let k = entered.length - 1; k >= 0; k--) {
    if (entered[k] !== null) bump(ENTERED[k]!), (reachedLater = true);
    if (reachedLater) bump(REACHED[k]!);
  }
  if (reason !== null && cycle.outcome !== null && cycle.endedAt !== null) bump(JSON.stringify([cycle.outcome, reason.kind, reason.value]));
}

/** The value of MEASURES[m] for a relationship's facts (null: not reached), as the triggers compute it from a row. */
function measureOf({ entered, cycle }: KeptFacts, m: number): number | null {
  if (m < 2) {
    const reachedAt = m === 0 ? cycle.firstProposalAt : cycle.marriedAt;
    return reachedAt === null ? null : wholeSeconds(reachedAt - cycle.startedAt);
  }
  const [at, next] = [entered[m - 2]!, entered[m - 1]!];
  return at === null || next === null ? null : Math.floor((next - at) / 1000);
}

function keptTotal(db: Database.Database, tenant: string): number {
  return (db.prepare('SELECT sum(n) FROM latest_cycle_shapes WHERE tenant = ?').safeIntegers(false).pluck().get(tenant) as number | null) ?? 0;
}

/** How many latest cycles changed since the instant (a range of cycles_latest_changed). */
function changedSince(db: Database.Database, tenant: string, cut: number): number {
  return db.prepare('SELECT count(*) FROM cycles WHERE tenant = ? AND next_started IS NULL AND changed > ?').safeIntegers(false).pluck().get(tenant, cut) as number;
}

/**
 * The tallies plus the changes at the instant (ChangedCycles, summed by
 * SQLite in one pass: the funnel shapes' when `shapes`, `measures`' values)
 * and the facts the caller gives.
 */
class KeptTallies {
  private readonly changes: Changes;

  constructor(
    private readonly db: Database.Database,
    private readonly tenant: string,
    private readonly changed: ChangedCycles,
    measures: readonly Measure[],
    shapes: boolean,
    private readonly extra: readonly KeptFacts[],
  ) {
    this.changes = changed.changes(
      measures.map((measure) => MEASURES.indexOf(measure)),
      shapes,
    );
  }

  /** The funnel's counters (`funnel`) or the endings' (JSON arrays), of the tallies, the changes and the given facts. */
  counts(of: 'funnel' | 'endings'): Map<string, number> {
    const counts = new Map<string, number>();
    const shapes = this.db.prepare('SELECT entered, ending, n FROM latest_cycle_shapes WHERE tenant = ?').safeIntegers(false).raw().all(this.tenant) as [number, string, number][];
    const bump = (name: string, n: number): void => void counts.set(name, (counts.get(name) ?? 0) + n);
    const changed = of === 'funnel' ? this.changes.shapes.map(([entered, n]): [number, string, number] => [entered, '', n]) : [];
    for (const [entered, ending, n] of [...shapes, ...changed]) {
      // The shape's counters, as countInto counts a relationship's: an ending written by SQLite is keyed as JSON.stringify writes it.
      bump('total', n);
      for (let k = 0; k < FUNNEL_PHASES.length; k++) {
        if (entered & (1 << k)) bump(ENTERED[k]!, n);
        if (entered >> k !== 0) bump(REACHED[k]!, n);
      }
      if (ending !== '') bump(JSON.stringify(JSON.parse(ending)), n);
    }
    if (of === 'endings') for (const [name, n] of this.changed.endingCounts()) bump(name, n);
    for (const facts of this.extra) countInto(counts, facts, 1);
    return counts;
  }

  /** Each of `measures`' values (among the constructor's), read by rank. */
  values(measures: readonly Measure[]): KeptValues[] {
    return measures.map((measure) => {
      const m = MEASURES.indexOf(measure);
      const { left, added: changed } = this.changes.values.get(m)!;
      const added = [...changed];
      for (const f of this.extra) {
        const value = measureOf(f, m);
        if (value !== null) added.push(value);
      }
      return new KeptValues(this.db, this.tenant, m, left, added);
    });
  }
}

/** A measure's values read by rank through its buckets (bucketed-values.ts), and its weekly histogram. */
class KeptValues extends BucketedValues implements RankedValues {
  constructor(db: Database.Database, tenant: string, measure: number, left: readonly number[], added: readonly number[]) {
    super(
      {
        width: BUCKET_SECONDS,
        counts: () =>
          db
            .prepare('SELECT bucket, n, total FROM latest_cycle_buckets WHERE tenant = ? AND measure = ? AND n > 0 ORDER BY bucket')
            .safeIntegers(false)
            .raw()
            .all(tenant, measure) as [number, number, number][],
        valuesIn: (bucket) =>
          db
            .prepare('SELECT seconds FROM latest_cycle_values WHERE tenant = ? AND measure = ? AND seconds >= ? AND seconds < ?')
            .safeIntegers(false)
            .pluck()
            .all(tenant, measure, bucket * BUCKET_SECONDS, (bucket + 1) * BUCKET_SECONDS) as number[],
      },
      left,
      added,
    );
  }

  /** How many values fall in each bucket of the weekly histogram (weekOf; the values are durations, never negative). */
  weekCounts(): number[] {
    const counts = Array.from({ length: HISTOGRAM_WEEKS + 1 }, () => 0);
    for (const { bucket, n } of this.buckets) counts[weekOf(bucket * BUCKET_SECONDS)]! += n;
    return counts;
  }
}

function funnelOf(kept: KeptTallies): Funnel {
  const counts = kept.counts('funnel');
  const count = (name: string): number => counts.get(name) ?? 0;
  const phases = FUNNEL_PHASES.map((_, k) => k);
  const keptGaps = kept.values(phases.slice(0, -1).map((k) => `GAP_${k}` as Measure));
  const gaps = phases.map((k) => keptGaps[k] ?? { length: 0, at: () => Number.NaN });
  return {
    total: count('total'),
    stages: funnelStages(
      phases.map((k) => count(`reached${k}`)),
      phases.map((k) => count(`entered${k}`)),
      gaps,
    ),
    groups: [],
  };
}

function durationsOf(kept: KeptTallies, measure: 'TIME_TO_PROPOSAL' | 'TIME_TO_MARRIAGE'): DurationStats {
  const [values] = kept.values([measure]) as [KeptValues];
  return { overall: distributionOfRanked(values), weeklyHistogram: weeklyHistogramOfCounts(values.weekCounts()), groups: [] };
}

function outcomesOf(kept: KeptTallies): OutcomeCount[] {
  const tally = new OutcomeTally();
  for (const [name, n] of kept.counts('endings')) {
    if (!name.startsWith('[') || n === 0) continue;
    const [outcome, kind, value] = JSON.parse(name) as [ClosedPhase, OutcomeReasonKind, string | null];
    tally.add(outcome, { kind, value }, n);
  }
  return tally.result();
}
