/**
 * `npm run bench`: Courtship's benchmark report. Every figure is measured next
 * to a baseline in the same run on the same machine (see bench/README.md for
 * how to read it); the workload comes from the domain's seeded generator.
 * Prints a Markdown table and writes bench/results.json.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBareServer } from './bare-server.js';
import { runDomainBench } from './domain.js';
import { runFanoutBench } from './fanout.js';
import { workloadTime } from './graphql-client.js';
import { runContendedBench } from './contended.js';
import { runAnalyticsBench } from './analytics.js';
import { runHttpBench } from './http.js';
import { runImportExportBench } from './import-export.js';
import { runLateFactsBench } from './late-facts.js';
import { loadLog, type LoadedLog } from './load-log.js';
import { peakRssOf, rssOf } from './measure.js';
import { memoryRows } from './memory.js';
import { parseBenchOptions, USAGE, UsageError, type BenchOptions, type Section } from './options.js';
import { runProjectorBench } from './projector.js';
import { formatReport, machine, writeReport, type BenchReport, type BenchRow } from './report.js';
import { startServerProcess, startServerProcessOf } from './server-process.js';
import { runStoreBench } from './store.js';
import { FULL_RELATIONSHIPS, WORKLOAD_NOW } from './workload.js';

function scaleMode(options: BenchOptions): BenchReport['scale']['mode'] {
  if (options.relationships === null) return 'quick';
  return options.relationships >= FULL_RELATIONSHIPS ? 'full' : 'relationships';
}

/** The store section appends this many at most: the peer store appends a few thousand events/s, and the section must stay short. */
const STORE_EVENTS_CAP = 50_000;
const DOMAIN_EVENTS_CAP = 1_000_000;

async function main(options: BenchOptions): Promise<void> {
  const startedAt = new Date();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-bench-'));
  const rows: BenchRow[] = [];
  const progress = (message: string): void => void process.stderr.write(`bench: ${message}\n`);
  const has = (section: Section): boolean => options.only.has(section);
  let log: LoadedLog | null = null;
  try {
    if (has('store')) {
      progress('store');
      rows.push(...(await runStoreBench({ events: Math.min(options.events, STORE_EVENTS_CAP), singles: 500, dir: path.join(dir, 'store') })));
      fs.rmSync(path.join(dir, 'store'), { recursive: true, force: true });
    }
    if (has('domain')) {
      progress('domain');
      rows.push(...(await runDomainBench({ events: Math.min(options.events, DOMAIN_EVENTS_CAP) })));
    }
    if (has('late')) {
      progress('late facts');
      rows.push(...(await runLateFactsBench({ dir: path.join(dir, 'late') })));
      fs.rmSync(path.join(dir, 'late'), { recursive: true, force: true });
    }
    const needsLog = (['projector', 'io', 'memory', 'http', 'analytics', 'fanout'] as const).some(has);
    if (needsLog) {
      const size = options.relationships === null ? { events: options.events } : { relationships: options.relationships };
      progress(size.relationships === undefined ? `generating ${size.events} events` : `generating ${size.relationships} relationships`);
      log = await loadLog(path.join(dir, 'log'), size);
      progress(`log: ${log.events} events in ${log.relationships} relationships`);
    }
    // Export reads the log before anything else writes to it, so its count is the generated one.
    if (log && has('io')) {
      progress('import/export');
      rows.push(...(await runImportExportBench({ dataDir: log.dataDir, dir: path.join(dir, 'io'), events: log.events })));
    }
    if (log && has('projector')) {
      progress('projector');
      rows.push(...(await runProjectorBench({ dataDir: log.dataDir, events: log.events })));
    }
    if (log && (has('memory') || has('http') || has('analytics') || has('fanout'))) rows.push(...(await serverSections(options, log, dir, progress)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const report = {
    startedAt: startedAt.toISOString(),
    durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
    machine: machine(),
    scale: { mode: scaleMode(options), events: log?.events ?? options.events, relationships: log?.relationships ?? 0 },
    rows,
  };
  writeReport(path.resolve(options.out), report);
  process.stdout.write(`${formatReport(report)}\n`);
}

async function serverSections(options: BenchOptions, log: LoadedLog, dir: string, progress: (m: string) => void): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const origin = Date.now();
  const eventTime = workloadTime(WORKLOAD_NOW, origin);
  let emptyPeak = 0;
  let emptyNow = 0;
  if (options.only.has('memory')) {
    progress('memory: empty server');
    const empty = await startServerProcess(path.join(dir, 'empty'));
    emptyPeak = peakRssOf(empty.pid) ?? 0;
    emptyNow = rssOf(empty.pid) ?? 0;
    await empty.close();
  }
  // The base build gets a copy of the log as it is now, before a server writes next to it.
  const baseDir = path.join(dir, 'base-log');
  if (options.only.has('analytics') && options.baseDist !== null) fs.cpSync(log.dataDir, baseDir, { recursive: true });
  progress('starting the server on the generated log');
  const server = await startServerProcess(log.dataDir, [], UNMETERED);
  const bare = await startBareServer();
  try {
    if (options.only.has('memory')) {
      rows.push(
        ...memoryRows({ loaded: peakRssOf(server.pid) ?? 0, empty: emptyPeak, loadedNow: rssOf(server.pid) ?? 0, emptyNow, relationships: log.relationships, events: log.events, catchUpMs: server.ready.catchUpMs }),
      );
    }
    const courtship = { url: server.ready.url, token: server.ready.token };
    if (options.only.has('http')) {
      progress('http');
      rows.push(
        ...(await runHttpBench({
          courtship,
          bareUrl: bare.ready.url,
          relationshipIds: log.relationshipIds,
          seconds: options.seconds,
          eventTime,
          rawDir: path.join(dir, 'raw-appends'),
        })),
      );
      progress('http: relationship(id) while analytics run');
      rows.push(...(await runContendedBench({ courtship, relationshipIds: log.relationshipIds, seconds: options.seconds })));
    }
    if (options.only.has('analytics')) {
      progress('analytics');
      const base = options.baseDist === null ? null : await startServerProcessOf(path.resolve(options.baseDist), baseDir, UNMETERED);
      try {
        const baseServer = base === null ? null : { url: base.ready.url, token: base.ready.token };
        rows.push(...(await runAnalyticsBench({ courtship, base: baseServer, samples: 9, baseSamples: 1, relationships: log.relationships })));
      } finally {
        await base?.close();
      }
    }
    if (options.only.has('fanout')) {
      progress('fan-out');
      rows.push(...(await runFanoutBench({ courtship, bareUrl: bare.ready.url, subscribers: options.subscribers, eventTime })));
    }
  } finally {
    await Promise.all([server.close(), bare.close()]);
  }
  return rows;
}

/**
 * The servers under test do not meter expensive operations per token: the
 * analytics section sends them back to back on one token, and measures
 * their latency, not the limiter (test/server/limits tests it).
 */
const UNMETERED = { COURTSHIP_EXPENSIVE_COST_PER_MINUTE: String(2 ** 31 - 1) };

let options: BenchOptions;
try {
  options = parseBenchOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError) && !(error instanceof TypeError)) throw error;
  process.stderr.write(`${error.message ? `bench: ${error.message}\n\n` : ''}${USAGE}`);
  process.exit(error.message ? 2 : 0);
}
await main(options);
