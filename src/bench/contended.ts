/**
 * "No request waits behind another" (issue 14): `relationship(id)` latency
 * while analysts run the analytics back to back on other connections,
 * against the same on the idle server, in alternating rounds (the machine is
 * shared: a neighbour's burst during one long run would decide the ratio).
 *
 * The analysts send the GraphQL analytics queries themselves (`funnel`,
 * `timeToProposalStats`, …), so the row measures whatever runs them: on the
 * request thread, or as read tasks on the read workers.
 */
import { run, WARMUP_SECONDS, type Run, type Target } from './http.js';
import type { BenchRow } from './report.js';

/** Connections asking for one relationship (latency, not saturation: well under the 50 of the throughput rows). */
const READERS = 10;
/** Connections running analytics back to back, each waiting for its answer before the next. */
const ANALYSTS = 2;
const ROUNDS = 3;
const STATS = 'overall { count median p90 }';
const ANALYTICS = [
  '{ funnel { total stages { phase reached } } }',
  `{ timeToProposalStats { ${STATS} } }`,
  `{ timeToMarriageStats { ${STATS} } }`,
  '{ decaySummary { currentlyDecaying marriagesEverNeglected } }',
  '{ outcomes { outcome count } }',
];
const RELATIONSHIP = `query R($id: ID!) { relationship(id: $id) { id accountName phase phaseSince cycle version flags } }`;

export interface ContendedBenchOptions {
  readonly courtship: { readonly url: string; readonly token: string };
  readonly relationshipIds: readonly string[];
  readonly seconds: number;
}

interface AnalystTally {
  sent: number;
  failures: number;
  firstError: string | null;
  readonly times: number[];
}

export async function runContendedBench(options: ContendedBenchOptions): Promise<BenchRow[]> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${options.courtship.token}` };
  let next = 0;
  const reader: Target = {
    url: options.courtship.url,
    headers,
    body: () => JSON.stringify({ query: RELATIONSHIP, variables: { id: options.relationshipIds[next++ % options.relationshipIds.length] } }),
  };
  const tally: AnalystTally = { sent: 0, failures: 0, firstError: null, times: [] };
  await run(reader, WARMUP_SECONDS, READERS);
  // Each analytics query once: the first one starts a read worker and loads its modules.
  for (const query of ANALYTICS) await fetch(options.courtship.url, { method: 'POST', headers, body: JSON.stringify({ query }) }).then((response) => response.text());
  const rounds: { idle: Run; contended: Run; ratio: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const idle = await run(reader, options.seconds, READERS);
    const contended = await whileAnalysing(options, headers, tally, () => run(reader, options.seconds, READERS));
    rounds.push({ idle, contended, ratio: contended.p99 / Math.max(idle.p99, 1) });
  }
  const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(ROUNDS / 2)]!;
  const failures = rounds.reduce((sum, r) => sum + r.contended.failures + r.idle.failures, 0);
  const times = [...tally.times].sort((a, b) => a - b);
  const analyticsP50 = times.length > 0 ? times[Math.floor(times.length / 2)]! : NaN;
  return [
    {
      section: 'http',
      name: `\`relationship(id)\` p99 while analytics run back to back (${ANALYSTS} connections)`,
      courtship: { value: median.contended.p99, unit: 'ms p99', detail: `p50 ${median.contended.p50} ms · ${Math.round(median.contended.rps)} req/s` },
      baseline: { name: 'the same on the idle server', value: Math.max(median.idle.p99, 1), unit: 'ms p99', detail: `p50 ${median.idle.p50} ms · ${Math.round(median.idle.rps)} req/s` },
      goal: { text: '< 3× its p99 on the idle server', met: median.ratio < 3 && failures === 0 && tally.failures === 0 },
      note:
        `${READERS} connections asking for relationship(id); the round with the median ratio of ${ROUNDS} alternating rounds ` +
        `(ratios ${rounds.map((r) => r.ratio.toFixed(2)).join(', ')}); ${failures} relationship(id) requests failed; ` +
        `analytics (${ANALYTICS.length} queries in turn): ${tally.sent} sent, p50 ${analyticsP50.toFixed(0)} ms, ${tally.failures} failed` +
        (tally.firstError ? `; first error: ${tally.firstError}` : ''),
    },
  ];
}

/** Runs `measure` while ANALYSTS connections send analytics back to back; waits for the analytics in flight to end. */
async function whileAnalysing<T>(
  options: ContendedBenchOptions,
  headers: Record<string, string>,
  tally: AnalystTally,
  measure: () => Promise<T>,
): Promise<T> {
  let stopped = false;
  const analyst = async (offset: number): Promise<void> => {
    for (let i = offset; !stopped; i++) {
      const started = performance.now();
      try {
        const response = await fetch(options.courtship.url, {
          method: 'POST',
          headers,
          body: JSON.stringify({ query: ANALYTICS[i % ANALYTICS.length] }),
        });
        const body = await response.text();
        if (!response.ok || body.includes('"errors"')) {
          tally.failures++;
          tally.firstError ??= body.slice(0, 300);
        } else tally.times.push(performance.now() - started);
      } catch (error) {
        tally.failures++;
        tally.firstError ??= error instanceof Error ? error.message : String(error);
      }
      tally.sent++;
    }
  };
  const analysts = Array.from({ length: ANALYSTS }, (_, n) => analyst(n * 2));
  try {
    return await measure();
  } finally {
    stopped = true;
    await Promise.all(analysts);
  }
}
