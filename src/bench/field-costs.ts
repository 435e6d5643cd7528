/**
 * `node dist/bench/field-costs.js [--relationships 5000] [--runs 7] [--data DIR]`: how
 * long each expensive field takes on its own against a server process with a
 * generated log, next to a trivial query (whose time is the HTTP and
 * GraphQL overhead, subtracted). The query-cost weights in
 * src/server/limits/weights.ts come from these numbers (docs/LIMITS.md).
 * `--data DIR` keeps the generated log there and reuses it on the next run
 * (a 25k log takes minutes to write). Not part of CI: the machine's load
 * changes the figures, not their ratios.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadLog } from './load-log.js';
import { nowMs, quantile } from './measure.js';
import { startServerProcess } from './server-process.js';

const { values } = parseArgs({
  options: {
    relationships: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '7' },
    data: { type: 'string' },
    // Only the probes whose name contains this (the overhead is always measured).
    only: { type: 'string' },
    // Not the probes whose name contains one of these (comma-separated): e.g. `knownAt,UPDATED_AT` on a 100k log.
    skip: { type: 'string' },
    // The past instant of the asOf and knownAt probes (the analytics section's is 2022-07-01, mid-way through the log).
    'as-of': { type: 'string', default: '2025-07-01T00:00:00Z' },
  },
  strict: true,
});
const relationships = Number(values.relationships);
const runs = Number(values.runs);

const AS_OF = JSON.stringify(values['as-of']);
// Every statistic selected in full: some parts are computed only when asked for (decay's weeks to first neglect).
const STATS = 'overall { count median p75 p90 } weeklyHistogram { count }';
const FUNNEL = 'total stages { phase reached entered skipped countToNext conversionToNext medianSecondsToNext p90SecondsToNext }';
const DECAY = 'currentlyMarried currentlyDecaying currentlyImproving currentlyStable endedMarriages medianWeeksToFirstNeglect currentScoreBuckets { count }';
const STATISTICS = [`funnel { ${FUNNEL} }`, 'outcomes { outcome count }', `decaySummary { ${DECAY} }`, `timeToProposalStats { ${STATS} }`, `timeToMarriageStats { ${STATS} }`];
const DASHBOARD = [
  ...STATISTICS.map((field, i) => `now${i}: ${field}`),
  ...STATISTICS.map((field, i) => `then${i}: ${field.replace(' {', `(asOf: ${AS_OF}) {`)}`),
  'recent: relationships(first: 50) { edges { node { id accountName phase flags stakeholders { name } } } }',
  'then: relationships(first: 50, asOf: ' + AS_OF + ') { edges { node { id phase } } }',
].join(' ');
const PROBES: Record<string, string> = {
  'whoami (overhead)': '{ whoami { tenant } }',
  'relationship(id)': '{ relationship(id: "$ID") { id phase version } }',
  'relationship(id, asOf)': `{ relationship(id: "$ID", asOf: ${AS_OF}) { id phase } }`,
  'relationships(first: 50)': '{ relationships(first: 50) { edges { node { id phase } } } }',
  'relationships(first: 50, asOf)': `{ relationships(first: 50, asOf: ${AS_OF}) { edges { node { id phase } } } }`,
  funnel: `{ funnel { ${FUNNEL} } }`,
  'funnel(asOf)': `{ funnel(asOf: ${AS_OF}) { ${FUNNEL} } }`,
  outcomes: '{ outcomes { outcome count reasons { count } } }',
  'outcomes(asOf)': `{ outcomes(asOf: ${AS_OF}) { outcome count reasons { count } } }`,
  cohortRetention: '{ cohortRetention { cohorts { size } } }',
  'cohortRetention(asOf)': `{ cohortRetention(asOf: ${AS_OF}) { cohorts { size } } }`,
  'funnel(knownAt)': `{ funnel(knownAt: ${AS_OF}) { ${FUNNEL} } }`,
  decaySummary: `{ decaySummary { ${DECAY} } }`,
  'decaySummary(asOf)': `{ decaySummary(asOf: ${AS_OF}) { ${DECAY} } }`,
  timeToProposalStats: `{ timeToProposalStats { ${STATS} } }`,
  'timeToProposalStats(asOf)': `{ timeToProposalStats(asOf: ${AS_OF}) { ${STATS} } }`,
  timeToMarriageStats: `{ timeToMarriageStats { ${STATS} } }`,
  'timeToMarriageStats(asOf)': `{ timeToMarriageStats(asOf: ${AS_OF}) { ${STATS} } }`,
  'events(first: 50)': '{ events(first: 50) { edges { cursor } } }',
  'events(first: 50, relationshipIds)': '{ events(first: 50, filter: { relationshipIds: ["$ID"] }) { edges { cursor } } }',
  'events(first: 3, rare filter)': '{ events(first: 3, filter: { actors: [SYSTEM], occurredTo: "2000-01-01T00:00:00Z" }) { edges { cursor } } }',
  'relationships(first: 50, by DECAY_SCORE)': '{ relationships(first: 50, orderBy: [{ field: DECAY_SCORE, direction: DESC }]) { edges { node { id } } } }',
  'relationships(first: 50, decayStatus filter)': '{ relationships(first: 50, filter: { decayStatus: { eq: DECAYING } }) { edges { node { id } } } }',
  'relationships(first: 50, asOf, by UPDATED_AT)': `{ relationships(first: 50, asOf: ${AS_OF}, orderBy: [{ field: UPDATED_AT, direction: DESC }]) { edges { node { id } } } }`,
  // What a dashboard asks at once (docs/LIMITS.md): the five statistics now and as of a past instant, and two lists.
  dashboard: `{ ${DASHBOARD} }`,
};

const kept = values.data === undefined ? undefined : path.resolve(values.data);
const dir = kept ?? fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-field-costs-'));
const log = await keptLog(path.join(dir, 'data'));
// Measuring the weights must not be cut short by the limits they feed: no operation is too costly or counts as expensive.
const server = await startServerProcess(log.dataDir, [], { COURTSHIP_MAX_COST: String(2 ** 31 - 1), COURTSHIP_EXPENSIVE_COST: String(2 ** 31 - 1) });
const { url, token } = server.ready;
const id = log.relationshipIds[0]!;

async function timed(query: string): Promise<number> {
  const begun = nowMs();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: query.replaceAll('$ID', id) }),
  });
  const body = (await response.json()) as { errors?: unknown[] };
  if (body.errors) throw new Error(`${query}: ${JSON.stringify(body.errors)}`);
  return nowMs() - begun;
}

const skipped = (values.skip ?? '').split(',').filter((part) => part !== '');
const wanted = (name: string): boolean =>
  (values.only === undefined || name.includes(values.only)) && !skipped.some((part) => name.includes(part));

const medians = new Map<string, number>();
for (const [name, query] of Object.entries(PROBES)) {
  if (name !== 'whoami (overhead)' && !wanted(name)) continue;
  await timed(query);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timed(query));
  medians.set(name, quantile(times, 0.5));
}
await server.close();
if (kept === undefined) fs.rmSync(dir, { recursive: true, force: true });

const overhead = medians.get('whoami (overhead)')!;
const lines = [
  `${log.relationships} relationships, ${log.events} events; median of ${runs} sequential requests each, overhead ${overhead.toFixed(2)} ms`,
  '',
  '| field | median ms | work ms (minus overhead) |',
  '| --- | ---: | ---: |',
];
for (const [name, ms] of medians) lines.push(`| ${name} | ${ms.toFixed(2)} | ${Math.max(0, ms - overhead).toFixed(2)} |`);
process.stdout.write(`${lines.join('\n')}\n`);

/** The log of a previous run in `dataDir` when `--data` names one of the same size, else a new one (described for the next run). */
async function keptLog(dataDir: string): Promise<{ dataDir: string; relationships: number; events: number; relationshipIds: string[] }> {
  const described = path.join(dataDir, '..', 'log.json');
  if (kept !== undefined && fs.existsSync(described)) {
    const log = JSON.parse(fs.readFileSync(described, 'utf8')) as { relationships: number; events: number; firstId: string };
    if (log.relationships === relationships) return { dataDir, relationships, events: log.events, relationshipIds: [log.firstId] };
    throw new Error(`${kept} holds a log of ${log.relationships} relationships, not ${relationships}`);
  }
  const log = await loadLog(dataDir, { relationships });
  fs.writeFileSync(described, JSON.stringify({ relationships: log.relationships, events: log.events, firstId: log.relationshipIds[0] }));
  return log;
}
