/**
 * `node dist/bench/field-costs.js [--relationships 5000] [--runs 7]`: how
 * long each expensive field takes on its own against a server process with a
 * generated log, next to a trivial query (whose time is the HTTP and
 * GraphQL overhead, subtracted). The query-cost weights in
 * src/server/limits/weights.ts come from these numbers (docs/LIMITS.md).
 * Not part of CI: the machine's load changes the figures, not their ratios.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadLog } from './load-log.js';
import { nowMs, quantile } from './measure.js';
import { startServerProcess } from './server-process.js';

const { values } = parseArgs({ options: { relationships: { type: 'string', default: '5000' }, runs: { type: 'string', default: '7' } }, strict: true });
const relationships = Number(values.relationships);
const runs = Number(values.runs);

const AS_OF = '"2025-07-01T00:00:00Z"';
const STATS = 'overall { count median p90 }';
const PROBES: Record<string, string> = {
  'whoami (overhead)': '{ whoami { tenant } }',
  'relationship(id)': '{ relationship(id: "$ID") { id phase version } }',
  'relationship(id, asOf)': `{ relationship(id: "$ID", asOf: ${AS_OF}) { id phase } }`,
  'relationships(first: 50)': '{ relationships(first: 50) { edges { node { id phase } } } }',
  'relationships(first: 50, asOf)': `{ relationships(first: 50, asOf: ${AS_OF}) { edges { node { id phase } } } }`,
  funnel: '{ funnel { total stages { phase reached } } }',
  'funnel(asOf)': `{ funnel(asOf: ${AS_OF}) { total stages { phase reached } } }`,
  outcomes: '{ outcomes { outcome count } }',
  'outcomes(asOf)': `{ outcomes(asOf: ${AS_OF}) { outcome count } }`,
  cohortRetention: '{ cohortRetention { cohorts { size } } }',
  'cohortRetention(asOf)': `{ cohortRetention(asOf: ${AS_OF}) { cohorts { size } } }`,
  'funnel(knownAt)': `{ funnel(knownAt: ${AS_OF}) { total stages { phase reached } } }`,
  decaySummary: '{ decaySummary { currentlyDecaying marriagesEverNeglected } }',
  'decaySummary(asOf)': `{ decaySummary(asOf: ${AS_OF}) { currentlyDecaying marriagesEverNeglected } }`,
  timeToProposalStats: `{ timeToProposalStats { ${STATS} } }`,
  'timeToProposalStats(asOf)': `{ timeToProposalStats(asOf: ${AS_OF}) { ${STATS} } }`,
  timeToMarriageStats: `{ timeToMarriageStats { ${STATS} } }`,
  'timeToMarriageStats(asOf)': `{ timeToMarriageStats(asOf: ${AS_OF}) { ${STATS} } }`,
  'events(first: 50)': '{ events(first: 50) { edges { cursor } } }',
  'events(first: 50, relationshipIds)': '{ events(first: 50, filter: { relationshipIds: ["$ID"] }) { edges { cursor } } }',
  'events(first: 3, rare filter)': '{ events(first: 3, filter: { actors: [SYSTEM], occurredTo: "2000-01-01T00:00:00Z" }) { edges { cursor } } }',
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-field-costs-'));
const log = await loadLog(path.join(dir, 'data'), { relationships });
// Measuring the weights must not be cut short by the budget they feed: no operation counts as expensive.
const server = await startServerProcess(log.dataDir, [], { COURTSHIP_EXPENSIVE_COST: String(2 ** 31 - 1) });
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

const medians = new Map<string, number>();
for (const [name, query] of Object.entries(PROBES)) {
  await timed(query);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timed(query));
  medians.set(name, quantile(times, 0.5));
}
await server.close();
fs.rmSync(dir, { recursive: true, force: true });

const overhead = medians.get('whoami (overhead)')!;
const lines = [
  `${log.relationships} relationships, ${log.events} events; median of ${runs} sequential requests each, overhead ${overhead.toFixed(2)} ms`,
  '',
  '| field | median ms | work ms (minus overhead) |',
  '| --- | ---: | ---: |',
];
for (const [name, ms] of medians) lines.push(`| ${name} | ${ms.toFixed(2)} | ${Math.max(0, ms - overhead).toFixed(2)} |`);
process.stdout.write(`${lines.join('\n')}\n`);
