/**
 * Import/export section: `courtship export` of the generated log to NDJSON
 * and `courtship import` of that file into an empty data dir, each as the CLI
 * runs (a child process, timed from spawn to exit, peak RSS from the child
 * itself), next to raw better-sqlite3 doing the same file ↔ table work with
 * no validation: select + JSON.parse + one line per row to a file, and
 * JSON.parse per line + inserts in transactions of 100.
 *
 * Each CSV table is measured against the NDJSON export in alternating rounds
 * (NDJSON, table, NDJSON, table, …): on a shared machine a neighbour's burst
 * during one run would otherwise decide the ratio. The row shows the round
 * with the median ratio, and every round's ratio.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { SQLITE_FILE_NAME } from '../store/sqlite.js';
import { alternateRounds, mb, nowMs } from './measure.js';
import type { BenchRow } from './report.js';
import { WORKLOAD_TENANT } from './workload.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const PEAK_RSS = fileURLToPath(new URL('./peak-rss.js', import.meta.url));

export interface ImportExportOptions {
  /** A data dir holding the generated log; no server may hold it open. */
  readonly dataDir: string;
  /** Scratch directory for the NDJSON files and the import target. */
  readonly dir: string;
  readonly events: number;
}

interface CliRun {
  readonly seconds: number;
  readonly peakRss: number;
  /** User + system CPU time of the child, start-up included. */
  readonly cpuSeconds: number;
}

export async function runImportExportBench(options: ImportExportOptions): Promise<BenchRow[]> {
  fs.mkdirSync(options.dir, { recursive: true });
  const file = path.join(options.dir, 'export.ndjson');
  const exported = await runCli(['export', '--tenant', WORKLOAD_TENANT, '--data-dir', options.dataDir, '--out', file], options.dir);
  const rawExport = await rawExportRate(path.join(options.dataDir, SQLITE_FILE_NAME), path.join(options.dir, 'raw.ndjson'));
  const imported = await runCli(['import', file, '--tenant', WORKLOAD_TENANT, '--data-dir', path.join(options.dir, 'imported')], options.dir);
  const rawImport = await rawImportRate(file, path.join(options.dir, 'raw-import.db'));

  const importRate = options.events / imported.seconds;
  const exportRate = options.events / exported.seconds;
  const memory = (peakRss: number) => `peak RSS ${Math.round(mb(peakRss))} MB`;
  const tables: BenchRow[] = [];
  const ndjsonAgain = () =>
    runCli(['export', '--tenant', WORKLOAD_TENANT, '--data-dir', options.dataDir, '--out', path.join(options.dir, 'export-again.ndjson')], options.dir, 'export-again');
  for (const [format, extra] of EXPORT_TABLES) {
    const out = path.join(options.dir, `export-${format}.csv`);
    const table = () => runCli(['export', '--format', format, ...extra, '--tenant', WORKLOAD_TENANT, '--data-dir', options.dataDir, '--out', out], options.dir, format);
    const { median, rounds } = await alternateRounds(EXPORT_ROUNDS, ndjsonAgain, table, (ndjson, run) => ndjson.seconds / run.seconds);
    const rate = options.events / median.subject.seconds;
    const ndjsonRate = options.events / median.baseline.seconds;
    // Peak RSS is a bound, not a rate: the largest of the rounds.
    const peakRss = Math.max(...rounds.map((round) => round.subject.peakRss));
    tables.push({
      section: 'import/export',
      name: `\`courtship export --format ${[format, ...extra].join(' ')}\``,
      courtship: { value: rate, unit: 'log events/s', detail: `${median.ratio.toFixed(2)}× · ${memory(peakRss)}` },
      baseline: { name: '`courtship export` NDJSON, same round', value: ndjsonRate, unit: 'events/s' },
      goal: { text: '≥ 0.5× NDJSON export (median round), peak RSS < 500 MB', met: median.ratio >= 0.5 && mb(peakRss) < 500 },
      note:
        `the round with the median ratio of ${EXPORT_ROUNDS} alternating rounds (ratios ${rounds.map((round) => round.ratio.toFixed(2)).join(', ')}; ` +
        `NDJSON ${rounds.map((round) => Math.round(options.events / round.baseline.seconds / 1000)).join(', ')}k events/s); ` +
        `by CPU time (user + system, start-up included), NDJSON's over the table's: ${rounds.map((round) => (round.baseline.cpuSeconds / round.subject.cpuSeconds).toFixed(2)).join(', ')}`,
    });
  }
  return [
    {
      section: 'import/export',
      name: '`courtship import` (NDJSON → store)',
      courtship: { value: importRate, unit: 'events/s', detail: memory(imported.peakRss) },
      baseline: { name: 'raw parse + insert', value: rawImport, unit: 'events/s' },
      goal: { text: '≥ 50,000 events/s, peak RSS < 500 MB', met: importRate >= 50_000 && mb(imported.peakRss) < 500 },
      note: `${options.events.toLocaleString('en-US')} events; the CLI figures include process start-up and import's validation pass`,
    },
    {
      section: 'import/export',
      name: '`courtship export` (store → NDJSON)',
      courtship: { value: exportRate, unit: 'events/s', detail: memory(exported.peakRss) },
      baseline: { name: 'raw select + stringify', value: rawExport, unit: 'events/s' },
      goal: { text: '≥ 200,000 events/s, peak RSS < 500 MB', met: exportRate >= 200_000 && mb(exported.peakRss) < 500 },
    },
    ...tables,
  ];
}

/** Rounds of NDJSON export then table, per table. */
const EXPORT_ROUNDS = 3;

/** The CSV tables of `courtship export`, each timed over the same log as the NDJSON export. */
const EXPORT_TABLES: readonly (readonly [string, readonly string[]])[] = [
  ['csv', []],
  ['transitions', []],
  ['events', []],
  ['snapshots', ['--every', 'month']],
  ['retention', []],
];

async function runCli(args: string[], cwd: string, label: string = args[0]!): Promise<CliRun> {
  const rssFile = path.join(cwd, `peak-rss-${label}.txt`);
  const started = nowMs();
  const child = spawn(process.execPath, ['--import', PEAK_RSS, CLI, ...args], {
    cwd,
    env: { ...process.env, COURTSHIP_BENCH_PEAK_RSS_FILE: rssFile, COURTSHIP_STORE: 'sqlite' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  const seconds = (nowMs() - started) / 1000;
  if (code !== 0) throw new Error(`courtship ${args[0]} exited with ${code}: ${stderr.slice(-2000)}`);
  const [peakRss, cpuMicros] = fs.readFileSync(rssFile, 'utf8').split(' ').map(Number);
  return { seconds, peakRss: peakRss!, cpuSeconds: cpuMicros! / 1e6 };
}

async function rawExportRate(dbFile: string, out: string): Promise<number> {
  const started = nowMs();
  const db = new Database(dbFile, { readonly: true });
  const stream = fs.createWriteStream(out);
  let count = 0;
  const rows = db.prepare('SELECT stream_id, revision, event_id, type, data, metadata FROM events ORDER BY position').iterate() as Iterable<{
    stream_id: string;
    revision: number;
    event_id: string;
    type: string;
    data: string;
    metadata: string;
  }>;
  for (const row of rows) {
    const line = JSON.stringify({ stream: row.stream_id, revision: row.revision, eventId: row.event_id, type: row.type, data: JSON.parse(row.data), metadata: JSON.parse(row.metadata) });
    if (!stream.write(`${line}\n`)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
    count++;
  }
  db.close();
  await new Promise<void>((resolve) => stream.end(() => resolve()));
  return count / ((nowMs() - started) / 1000);
}

async function rawImportRate(file: string, dbFile: string): Promise<number> {
  const started = nowMs();
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE events (position INTEGER PRIMARY KEY, stream_id TEXT, event_id TEXT, type TEXT, data TEXT, metadata TEXT)');
  const insert = db.prepare('INSERT INTO events (stream_id, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?)');
  const insertAll = db.transaction((lines: string[]) => {
    for (const text of lines) {
      const line = JSON.parse(text) as { relationshipId: string; eventId?: string; type: string; data?: unknown; metadata?: unknown };
      insert.run(line.relationshipId, line.eventId ?? null, line.type, JSON.stringify(line.data ?? {}), JSON.stringify(line.metadata ?? {}));
    }
  });
  let batch: string[] = [];
  let count = 0;
  for await (const text of readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) {
    if (text === '') continue;
    batch.push(text);
    count++;
    if (batch.length === 100) {
      insertAll(batch);
      batch = [];
    }
  }
  if (batch.length > 0) insertAll(batch);
  db.close();
  return count / ((nowMs() - started) / 1000);
}
