/**
 * Analytics section: each statistic now and as of a past instant, and a page
 * of relationships as of that instant, one request at a time (the goal is a
 * latency, not a throughput), against the server under test and, when a
 * base build is given (--base-dist), a server of that build on a copy of the
 * same log, in alternating samples.
 */
import { performance } from 'node:perf_hooks';
import { post } from './graphql-client.js';
import type { BenchRow } from './report.js';

export interface AnalyticsServer {
  readonly url: string;
  readonly token: string;
}

const GOAL_RELATIONSHIPS = 100_000;

/** The past instant the `asOf` rows describe: mid-way through the generated log. */
const AS_OF = new Date(Date.UTC(2022, 6, 1)).toISOString();

const STATISTICS: { name: string; query: string }[] = [
  { name: 'funnel', query: 'funnel(asOf: $asOf) { total stages { phase reached entered medianSecondsToNext } }' },
  { name: 'timeToProposalStats', query: 'timeToProposalStats(asOf: $asOf) { overall { count median p90 } }' },
  { name: 'timeToMarriageStats', query: 'timeToMarriageStats(asOf: $asOf) { overall { count median p90 } }' },
  { name: 'decaySummary', query: 'decaySummary(asOf: $asOf) { currentlyMarried currentlyDecaying endedMarriages medianWeeksToFirstNeglect }' },
  { name: 'outcomes', query: 'outcomes(asOf: $asOf) { outcome count reasons { kind value count } }' },
];
const AS_OF_PAGE = 'relationships(first: 50, asOf: $asOf) { totalCount edges { cursor node { id phase phaseSince } } pageInfo { hasNextPage endCursor } }';

interface Request {
  readonly name: string;
  readonly source: string;
  readonly variables: Record<string, unknown>;
  readonly goalMs: number;
}

function requests(): Request[] {
  const list: Request[] = [];
  for (const { name, query } of STATISTICS) {
    list.push({ name: `\`${name}\` now`, source: `query Q($asOf: DateTime) { ${query} }`, variables: {}, goalMs: 250 });
    list.push({ name: `\`${name}\` asOf`, source: `query Q($asOf: DateTime) { ${query} }`, variables: { asOf: AS_OF }, goalMs: 250 });
  }
  list.push({ name: '`relationships(first: 50, asOf)`', source: `query Q($asOf: DateTime) { ${AS_OF_PAGE} }`, variables: { asOf: AS_OF }, goalMs: 100 });
  return list;
}

export async function runAnalyticsBench(options: {
  readonly courtship: AnalyticsServer;
  readonly base: AnalyticsServer | null;
  /** Timed requests per row on the server under test (the base gets fewer: it takes seconds each). */
  readonly samples: number;
  readonly baseSamples: number;
  /** Relationships in the log: the goals are set at 100k, and judged only there. */
  readonly relationships: number;
}): Promise<BenchRow[]> {
  const atGoalScale = options.relationships >= GOAL_RELATIONSHIPS;
  const rows: BenchRow[] = [];
  for (const request of requests()) {
    // A warm-up on the server under test; the base build takes seconds a request, its first counts.
    await timed(options.courtship, request);
    const ours: number[] = [];
    const base: number[] = [];
    for (let i = 0; i < options.samples; i++) {
      ours.push(await timed(options.courtship, request));
      if (options.base && i < options.baseSamples) base.push(await timed(options.base, request));
    }
    const p50 = median(ours);
    rows.push({
      section: 'analytics',
      name: request.name,
      courtship: { value: p50, unit: 'ms', detail: `p50 of ${ours.length}, max ${Math.max(...ours).toFixed(0)} ms` },
      baseline:
        options.base === null
          ? { name: 'no base build given (--base-dist)', value: Number.NaN, unit: 'ms' }
          : { name: 'the base build, same log', value: median(base), unit: 'ms', detail: `p50 of ${base.length}` },
      ...(atGoalScale ? { goal: { text: `p50 < ${request.goalMs} ms`, met: p50 < request.goalMs } } : {}),
      note: `one request at a time, over HTTP${atGoalScale ? '' : `; the goal (p50 < ${request.goalMs} ms) is set at ${GOAL_RELATIONSHIPS.toLocaleString('en-US')} relationships`}`,
    });
  }
  return rows;
}

async function timed(server: AnalyticsServer, request: Request): Promise<number> {
  const started = performance.now();
  await post(server.url, server.token, request.source, request.variables);
  return performance.now() - started;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor((sorted.length - 1) / 2)]!;
}
