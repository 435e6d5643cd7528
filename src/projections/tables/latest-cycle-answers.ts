/**
 * The statistics now over a whole tenant from the tallies the writers keep
 * (latest-cycle-tallies.ts), instead of a pass over its rows: the latest
 * cycles' counters and measures, less the few rows a statistic leaves out
 * now (opened after the instant, or a deadline due by it but not recorded:
 * read back through their indexes with the tallies' own SQL), plus the facts
 * of those the caller evaluated (dueDeadlineFacts). The counts are sums; an
 * order statistic walks a measure's hour-wide buckets to the one holding its
 * rank and reads only that bucket's values, so a median reads a few hundred
 * bucket rows and one bucket, however many relationships the tenant has.
 *
 * Only the questions the tallies cover: now, no segment, owner or window of
 * cycle starts, ungrouped, no window of endings (the others are aggregated
 * over the rows: cycle-aggregates.ts). The property tests hold both equal to
 * the pure functions over replayed states.
 */
import type Database from 'better-sqlite3';
import type { AnalyticsAnswers, AnalyticsRequest } from '../../app/read-side.js';
import { distributionOfRanked, type RankedValues } from '../../analytics/distribution.js';
import { HISTOGRAM_WEEKS, secondsTo, weekOf, weeklyHistogramOfCounts, type DurationStats } from '../../analytics/durations.js';
import type { CohortFacts } from '../../analytics/facts.js';
import { FUNNEL_PHASES, funnelStages, type Funnel } from '../../analytics/funnel.js';
import { OutcomeTally, type OutcomeCount, type OutcomeReasonKind } from '../../analytics/outcomes.js';
import type { ClosedPhase } from '../../domain/events.js';
import { BUCKET_SECONDS, countersSelect, MEASURES, measuresSelect, type Measure } from './latest-cycle-tallies.js';

type KeptKind = 'FUNNEL' | 'TIME_TO_PROPOSAL' | 'TIME_TO_MARRIAGE' | 'OUTCOMES';

/** Whether the kept tallies answer `request` (see the module comment); `skip`: relationships the caller replayed. */
export function keptTalliesAnswer(request: AnalyticsRequest, skip: readonly string[]): request is AnalyticsRequest & { question: { kind: KeptKind } } {
  const { question, scope } = request;
  if (request.asOf || skip.length > 0 || scope.segment != null || scope.owner != null || scope.from != null || scope.to != null) return false;
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

/** The answer from the kept tallies, with `extra`: the facts of the left-out relationships the caller evaluated. */
export function keptAnswer(
  db: Database.Database,
  tenant: string,
  request: AnalyticsRequest & { question: { kind: KeptKind } },
  extra: readonly CohortFacts[],
): AnalyticsAnswers[KeptKind] {
  const kept = new KeptTallies(db, tenant, request.scope.at);
  switch (request.question.kind) {
    case 'FUNNEL':
      return funnelOf(kept, extra);
    case 'TIME_TO_PROPOSAL':
      return durationsOf(kept, 'TIME_TO_PROPOSAL', extra);
    case 'TIME_TO_MARRIAGE':
      return durationsOf(kept, 'TIME_TO_MARRIAGE', extra);
    case 'OUTCOMES':
      return outcomesOf(kept, extra);
  }
}

/** The tenant's latest cycles, now: those opened after the instant or with a deadline due by it are left out. */
const LEFT_OUT = `left_out AS MATERIALIZED (
  SELECT * FROM cycles WHERE tenant = @tenant AND next_started IS NULL AND relationship_id IN (
    SELECT relationship_id FROM cycles WHERE tenant = @tenant AND next_started IS NULL AND next_deadline <= @at
    UNION SELECT relationship_id FROM cycles WHERE tenant = @tenant AND next_started IS NULL AND cycle >= 1 AND opened_at > @at))`;

class KeptTallies {
  constructor(
    readonly db: Database.Database,
    readonly tenant: string,
    readonly at: number,
  ) {}

  /** The counters, less the left-out rows'. */
  counts(): Map<string, number> {
    const counts = new Map<string, number>();
    const kept = this.db.prepare('SELECT name, n FROM latest_cycle_counts WHERE tenant = ?').safeIntegers(false).raw().all(this.tenant) as [string, number][];
    for (const [name, n] of kept) counts.set(name, n);
    const left = this.db
      .prepare(`WITH ${LEFT_OUT} SELECT name FROM (${countersSelect('left_out.', 'left_out')}) WHERE counted`)
      .pluck()
      .all({ tenant: this.tenant, at: this.at }) as string[];
    for (const name of left) counts.set(name, (counts.get(name) ?? 0) - 1);
    return counts;
  }

  /** A measure's values, less the left-out rows', plus `added`. */
  values(measure: Measure, added: readonly number[]): KeptValues {
    const m = MEASURES.indexOf(measure);
    const left = this.db
      .prepare(`WITH ${LEFT_OUT} SELECT seconds FROM (${measuresSelect('left_out.', 'left_out')}) WHERE measure = @m AND seconds IS NOT NULL`)
      .safeIntegers(false)
      .pluck()
      .all({ tenant: this.tenant, at: this.at, m }) as number[];
    return new KeptValues(this.db, this.tenant, m, left, added);
  }
}

/** A measure's values read by rank through its buckets: only the bucket holding a rank is read. */
class KeptValues implements RankedValues {
  readonly length: number;
  readonly sum: number;
  /** Buckets in order, with their counts (the left-out and added values applied). */
  private readonly buckets: { readonly bucket: number; readonly n: number }[];
  private readonly loaded = new Map<number, Float64Array>();

  constructor(
    private readonly db: Database.Database,
    private readonly tenant: string,
    private readonly measure: number,
    private readonly left: readonly number[],
    private readonly added: readonly number[],
  ) {
    const rows = db
      .prepare('SELECT bucket, n, total FROM latest_cycle_buckets WHERE tenant = ? AND measure = ? AND n > 0')
      .safeIntegers(false)
      .raw()
      .all(tenant, measure) as [number, number, number][];
    const counts = new Map<number, number>();
    let sum = 0;
    for (const [bucket, n, total] of rows) counts.set(bucket, n), (sum += total);
    for (const seconds of left) counts.set(bucketOf(seconds), counts.get(bucketOf(seconds))! - 1), (sum -= seconds);
    for (const seconds of added) counts.set(bucketOf(seconds), (counts.get(bucketOf(seconds)) ?? 0) + 1), (sum += seconds);
    this.buckets = [...counts].filter(([, n]) => n > 0).map(([bucket, n]) => ({ bucket, n })).sort((a, b) => a.bucket - b.bucket);
    this.length = this.buckets.reduce((total, { n }) => total + n, 0);
    this.sum = sum;
  }

  at(rank: number): number {
    let before = 0;
    for (const { bucket, n } of this.buckets) {
      if (rank < before + n) return this.bucketValues(bucket)[rank - before]!;
      before += n;
    }
    throw new RangeError(`rank ${rank} of ${this.length} values`);
  }

  /** How many values fall in each bucket of the weekly histogram (weekOf; the values are durations, never negative). */
  weekCounts(): number[] {
    const counts = Array.from({ length: HISTOGRAM_WEEKS + 1 }, () => 0);
    for (const { bucket, n } of this.buckets) counts[weekOf(bucket * BUCKET_SECONDS)]! += n;
    return counts;
  }

  /** A bucket's values in order: the kept ones in it, less the left-out, plus the added. */
  private bucketValues(bucket: number): Float64Array {
    let values = this.loaded.get(bucket);
    if (values !== undefined) return values;
    const kept = this.db
      .prepare('SELECT seconds FROM latest_cycle_values WHERE tenant = ? AND measure = ? AND seconds >= ? AND seconds < ?')
      .safeIntegers(false)
      .pluck()
      .all(this.tenant, this.measure, bucket * BUCKET_SECONDS, (bucket + 1) * BUCKET_SECONDS) as number[];
    for (const seconds of this.left) {
      if (bucketOf(seconds) === bucket) kept.splice(kept.indexOf(seconds), 1);
    }
    for (const seconds of this.added) if (bucketOf(seconds) === bucket) kept.push(seconds);
    this.loaded.set(bucket, (values = Float64Array.from(kept).sort()));
    return values;
  }
}

function bucketOf(seconds: number): number {
  return Math.floor(seconds / BUCKET_SECONDS);
}

function funnelOf(kept: KeptTallies, extra: readonly CohortFacts[]): Funnel {
  const counts = kept.counts();
  const gapsAdded: number[][] = FUNNEL_PHASES.slice(1).map(() => []);
  for (const { entered } of extra) {
    // The counters' meaning (latest-cycle-tallies.ts), for one relationship's facts.
    counts.set('total', (counts.get('total') ?? 0) + 1);
    entered.forEach((at, k) => {
      if (at !== null) counts.set(`entered${k}`, (counts.get(`entered${k}`) ?? 0) + 1);
      if (entered.slice(k).some((later) => later !== null)) counts.set(`reached${k}`, (counts.get(`reached${k}`) ?? 0) + 1);
      const next = entered[k + 1];
      if (at !== null && next !== undefined && next !== null) gapsAdded[k]!.push(Math.floor((next - at) / 1000));
    });
  }
  const count = (name: string): number => counts.get(name) ?? 0;
  const phases = FUNNEL_PHASES.map((_, k) => k);
  const gaps = phases.map((k) => (k < gapsAdded.length ? kept.values(`GAP_${k}` as Measure, gapsAdded[k]!) : { length: 0, at: () => Number.NaN }));
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

function durationsOf(kept: KeptTallies, measure: 'TIME_TO_PROPOSAL' | 'TIME_TO_MARRIAGE', extra: readonly CohortFacts[]): DurationStats {
  const added: number[] = [];
  for (const { cycle } of extra) {
    const seconds = secondsTo(cycle, measure === 'TIME_TO_PROPOSAL' ? 'PROPOSAL' : 'MARRIAGE');
    if (seconds !== null) added.push(seconds);
  }
  const values = kept.values(measure, added);
  return { overall: distributionOfRanked(values), weeklyHistogram: weeklyHistogramOfCounts(values.weekCounts()), groups: [] };
}

function outcomesOf(kept: KeptTallies, extra: readonly CohortFacts[]): OutcomeCount[] {
  const counts = new Map<string, number>();
  for (const [name, n] of kept.counts()) {
    // The endings' counters are JSON arrays; the others are words.
    if (!name.startsWith('[')) continue;
    const key = JSON.stringify(JSON.parse(name));
    counts.set(key, (counts.get(key) ?? 0) + n);
  }
  for (const { cycle, reason } of extra) {
    if (reason === null || cycle.outcome === null || cycle.endedAt === null) continue;
    const name = JSON.stringify([cycle.outcome, reason.kind, reason.value]);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const tally = new OutcomeTally();
  for (const [name, n] of counts) {
    if (n === 0) continue;
    const [outcome, kind, value] = JSON.parse(name) as [ClosedPhase, OutcomeReasonKind, string | null];
    tally.add(outcome, { kind, value }, n);
  }
  return tally.result();
}
