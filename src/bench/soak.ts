/**
 * `npm run soak` (not in CI): minutes of mixed reads, writes and
 * subscriptions on loopback against a Courtship server, then issue 18's
 * criteria (soak-criteria.ts) as PASS/FAIL lines. It starts its own server
 * (a child process on a temp data dir seeded with generated relationships)
 * and stops by itself; every loop is bounded (one request in flight per
 * loop, a fixed number of loops and subscribers).
 *
 *   node dist/bench/soak.js [--minutes 10] [--relationships 2000] [--hostile | --compare] [--json FILE]
 *                           [--heap-snapshots 2,12] [--cpu-prof] [--diagnostics-dir DIR]
 *
 * `--hostile` mixes in a hostile client on a read token of the same tenant
 * (hostile.ts): one refused attack a second. Its answers are reported apart;
 * the table's requests and errors are the other clients' only. `--compare`
 * runs a plain phase and then a hostile phase on the same server, so the
 * hostile client's effect on the others is measured in one run.
 * `--steady-data` keeps the listed tenant at its loaded size (see soak-options.ts).
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Scope } from '../auth/scopes.js';
import { TokenStore } from '../auth/token-store.js';
import { workloadTime } from './graphql-client.js';
import { heapDiff, heapDiffReport } from './heap-diff.js';
import { hostileReport, runHostileClient, type HostileTally } from './hostile.js';
import { loadLog } from './load-log.js';
import { readCpu, type CpuReading } from './machine-cpu.js';
import { mb, nowMs, quantile, rssOf } from './measure.js';
import { startServerProcess } from './server-process.js';
import { attacksRefusedCriterion, hostileP99Criterion, phaseCriteria, type Criterion, type MinuteFigures, type PhaseLatency } from './soak-criteria.js';
import { Recorder, runRequests, subscribe, type Workload } from './soak-load.js';
import { parseSoakOptions, SOAK_USAGE, type SoakOptions } from './soak-options.js';
import { criteriaLines, minuteFigures, minuteTable, type MemorySample } from './soak-report.js';
import { WORKLOAD_NOW, WORKLOAD_TENANT } from './workload.js';

const SAMPLE_MS = 5_000;
const STEADY_DATA_TENANT = 'soak_writers';

let options: SoakOptions;
try {
  const parsed = parseSoakOptions(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(SOAK_USAGE);
    process.exit(0);
  }
  options = parsed;
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${SOAK_USAGE}`);
  process.exit(2);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-soak-'));
const log = await loadLog(path.join(dir, 'data'), { relationships: options.relationships });
const diagnostics = path.resolve(options.diagnosticsDir);
const serverFlags = [
  ...(options.heapSnapshotsAt.length > 0 ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${diagnostics}`] : []),
  ...(options.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${diagnostics}`] : []),
];
if (serverFlags.length > 0) fs.mkdirSync(diagnostics, { recursive: true });
const server = await startServerProcess(log.dataDir, serverFlags);
const { url, token } = server.ready;
const totalMinutes = options.minutes * options.phases.length;
process.stderr.write(
  `soak: ${options.phases.join(' then ')}, ${options.minutes} min each, against ${url} (${log.relationships} relationships, ${log.events} events loaded)` +
    `${options.steadyData ? `; writers in tenant ${STEADY_DATA_TENANT}` : ''}\n`,
);

const started = nowMs();
const recorder = new Recorder(started, totalMinutes);
const writeToken = options.steadyData ? createToken(STEADY_DATA_TENANT, ['read', 'write'], 'soak writers') : token;
const workload: Workload = { url, token, writeToken, relationshipIds: log.relationshipIds, eventTime: workloadTime(WORKLOAD_NOW, Date.now()), recorder };
const samples: MemorySample[] = [];
const cpuReadings: CpuReading[] = [];
const sample = async () => {
  const atMs = nowMs() - started;
  const cpu = readCpu(atMs, server.pid);
  if (cpu !== null) cpuReadings.push(cpu);
  const [rss, memory] = [rssOf(server.pid), await server.memory()];
  if (rss === null || memory === null) return;
  samples.push({
    atMs,
    rssMb: mb(rss),
    heapTotalMb: mb(memory.heapTotal),
    heapUsedMb: mb(memory.heapUsed),
    externalMb: mb(memory.external),
    liveHeapMb: memory.oldGenerationAfterGc === null ? Number.NaN : mb(memory.oldGenerationAfterGc),
  });
};
const sampler = setInterval(() => void sample(), SAMPLE_MS);
const snapshotMinutes = new Set<number>();
const snapshotTimers = options.heapSnapshotsAt.map((minute) =>
  setTimeout(() => {
    snapshotMinutes.add(Math.floor(minute) + 1);
    process.kill(server.pid, 'SIGUSR2');
  }, minute * 60_000),
);

const clients = subscribe(workload);
let hostileTally: HostileTally | undefined;
for (const [index, phase] of options.phases.entries()) {
  const endsAt = started + (index + 1) * options.minutes * 60_000;
  await Promise.all([runRequests(workload, endsAt), phase === 'hostile' ? runHostile(endsAt) : undefined]);
}
clearInterval(sampler);
for (const timer of snapshotTimers) clearTimeout(timer);
await Promise.all(clients.map((c) => c.dispose()));
await server.close();
fs.rmSync(dir, { recursive: true, force: true });

let relationships = log.relationships;
const minutes: MinuteFigures[] = Array.from({ length: totalMinutes }, (_, i) => {
  relationships += recorder.minutes[i]?.opened ?? 0;
  return minuteFigures(i + 1, options.phases[Math.floor(i / options.minutes)]!, recorder.minutes[i], { memory: samples, cpu: cpuReadings }, snapshotMinutes.has(i + 1), relationships);
});
const byPhase = options.phases.map((phase) => minutes.filter((m) => m.phase === phase));
const criteria: Criterion[] = options.phases.flatMap((phase, i) => phaseCriteria(phase, byPhase[i]!));
const latencies: PhaseLatency[] = options.phases.map((phase, i) => ({ phase, p99Ms: phaseP99(byPhase[i]!) }));
if (options.phases.length === 2) criteria.push(hostileP99Criterion(latencies[0]!, latencies[1]!));
if (hostileTally) criteria.push(attacksRefusedCriterion(hostileTally.outcomes));

const snapshots = options.heapSnapshotsAt.length > 0 ? heapSnapshotFiles(server.pid) : [];
const diff = snapshots.length >= 2 ? heapDiff(snapshots[0]!, snapshots.at(-1)!) : undefined;
const lines = [...minuteTable(minutes), '', `Latency over each phase after its first minute: ${latencies.map((l) => `${l.phase} p99 ${l.p99Ms.toFixed(1)} ms`).join(', ')}.`];
if (hostileTally) lines.push(...hostileReport(hostileTally));
if (diff) lines.push('', `Heap snapshots: ${snapshots.join(', ')}`, ...heapDiffReport(diff));
if (options.cpuProfile) lines.push('', `CPU profile of the server in ${diagnostics}`);
lines.push(...criteriaLines(criteria));
process.stdout.write(`${lines.join('\n')}\n`);
if (options.json !== null) {
  const json = {
    options,
    minutes,
    phaseLatency: latencies,
    criteria,
    hostile: hostileTally && {
      outcomes: Object.fromEntries([...hostileTally.outcomes].map(([attack, outcomes]) => [attack, Object.fromEntries(outcomes)])),
      slowestMs: Object.fromEntries(hostileTally.slowestMs),
    },
    heapSnapshots: snapshots,
    heapDiff: diff && { totalBefore: diff.totalBefore, totalAfter: diff.totalAfter, groups: diff.groups.slice(0, 40) },
  };
  fs.writeFileSync(options.json, `${JSON.stringify(json, null, 2)}\n`);
}
process.exitCode = criteria.every((c) => c.pass) ? 0 : 1;

async function runHostile(endsAt: number): Promise<void> {
  const hostileToken = createToken(WORKLOAD_TENANT, ['read'], 'hostile');
  hostileTally = await runHostileClient({ url, token: hostileToken, endsAt, intervalMs: 1_000, frameBytes: 16 * 1024 * 1024 });
}

/** A token in the running server's token store (it reads the same file). */
function createToken(tenant: string, scopes: Scope[], label: string): string {
  const tokens = TokenStore.open(log.dataDir);
  try {
    return tokens.create({ tenant, scopes, label }).token;
  } finally {
    tokens.close();
  }
}

/** p99 of every request of the phase after its first minute, leaving out minutes with a heap snapshot. */
function phaseP99(phaseMinutes: readonly MinuteFigures[]): number {
  const all = phaseMinutes.slice(1).filter((m) => !m.snapshot).flatMap((m) => recorder.minutes[m.minute - 1]?.latencies ?? []);
  return quantile(all, 0.99);
}

/** The server's snapshots (Heap.<date>.<time>.<pid>.<thread>.<seq>.heapsnapshot), in order. */
function heapSnapshotFiles(pid: number): string[] {
  return fs
    .readdirSync(diagnostics)
    .filter((name) => name.endsWith('.heapsnapshot') && name.split('.')[3] === String(pid))
    .sort((a, b) => Number(a.split('.')[5]) - Number(b.split('.')[5]))
    .map((name) => path.join(diagnostics, name));
}
