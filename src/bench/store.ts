/**
 * Embedded store benchmark: append (batched and single) and full-log read
 * rates of the SQLite event store, each next to raw better-sqlite3 doing the
 * same inserts and select+parse on the same machine, in the same run, with the
 * same durability setting. Run with `npm run bench:store`, or directly:
 * `node dist/bench/store.js [--events N]`.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import type { NewEvent } from '../store/port.js';
import { openSqliteStore, type SynchronousLevel } from '../store/sqlite.js';

export interface StoreBenchOptions {
  /** Events appended in the batched phase (and read back). Default 100,000. */
  readonly events?: number;
  /** Events per batch. Default 100. */
  readonly batchSize?: number;
  /** Appends of one event each in the single phase. Default 1,000. */
  readonly singles?: number;
  readonly synchronous?: SynchronousLevel;
}

export interface StoreBenchRow {
  readonly name: string;
  /** Events per second. */
  readonly store: number;
  readonly raw: number;
  /** store / raw. */
  readonly ratio: number;
}

const STREAMS = 1_000;

export async function runStoreBench(options: StoreBenchOptions = {}): Promise<StoreBenchRow[]> {
  const total = options.events ?? 100_000;
  const batchSize = options.batchSize ?? 100;
  const singles = options.singles ?? 1_000;
  const synchronous = options.synchronous ?? 'FULL';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-bench-store-'));
  try {
    const batches = makeBatches(total, batchSize);
    const singleEvents = makeBatches(singles, 1);

    // Phases alternate raw and store so that both see the same machine noise.
    const raw = openRaw(path.join(dir, 'raw.db'), synchronous);
    const store = openSqliteStore({ dataDir: path.join(dir, 'store'), synchronous });

    const rawBatched = rate(total, () => batches.forEach((batch, i) => raw.insertBatch(`s-${i % STREAMS}`, batch)));
    const storeBatched = await rateAsync(total, async () => {
      for (let i = 0; i < batches.length; i++) await store.append(`s-${i % STREAMS}`, batches[i]!);
    });
    const rawSingle = rate(singles, () => singleEvents.forEach((batch, i) => raw.insertBatch(`one-${i % STREAMS}`, batch)));
    const storeSingle = await rateAsync(singles, async () => {
      for (let i = 0; i < singleEvents.length; i++) await store.append(`one-${i % STREAMS}`, singleEvents[i]!);
    });
    const rawRead = rate(total + singles, () => raw.readAll());
    const storeRead = await rateAsync(total + singles, async () => {
      let after: bigint | undefined;
      for (;;) {
        const page = await store.readAll({ after, maxCount: 10_000 });
        if (page.length === 0) break;
        after = page[page.length - 1]!.position;
      }
    });
    raw.close();
    await store.close();

    return [
      row(`append, batches of ${batchSize}`, storeBatched, rawBatched),
      row('append, one event per call', storeSingle, rawSingle),
      row('read the full log (select + parse)', storeRead, rawRead),
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function formatStoreBench(rows: readonly StoreBenchRow[], synchronous: SynchronousLevel = 'FULL'): string {
  const lines = [
    `| embedded store (synchronous=${synchronous}) | store events/s | raw better-sqlite3 events/s | store / raw |`,
    '| --- | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.name} | ${fmt(r.store)} | ${fmt(r.raw)} | ${(r.ratio * 100).toFixed(0)} % |`),
  ];
  return lines.join('\n');
}

/** Same row shape as the store writes, in a table with no index but the key. */
function openRaw(file: string, synchronous: SynchronousLevel) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec(`CREATE TABLE events (
    position INTEGER PRIMARY KEY, stream_id TEXT, revision INTEGER, event_id TEXT,
    type TEXT, data TEXT, metadata TEXT, recorded_at INTEGER)`);
  const insert = db.prepare(
    'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const select = db.prepare('SELECT * FROM events ORDER BY position');
  const revisions = new Map<string, number>();
  const insertBatch = db.transaction((streamId: string, batch: NewEvent[]) => {
    let revision = revisions.get(streamId) ?? -1;
    const now = Date.now();
    for (const event of batch) {
      insert.run(streamId, ++revision, event.id, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata ?? {}), now);
    }
    revisions.set(streamId, revision);
  });
  return {
    insertBatch: (streamId: string, batch: NewEvent[]) => insertBatch.immediate(streamId, batch),
    readAll: () => {
      for (const r of select.iterate() as Iterable<{ data: string; metadata: string }>) {
        JSON.parse(r.data);
        JSON.parse(r.metadata);
      }
    },
    close: () => db.close(),
  };
}

/** Events shaped like Courtship's: a domain envelope in data, tenant and ids in metadata. */
function makeBatches(total: number, batchSize: number): NewEvent[][] {
  const batches: NewEvent[][] = [];
  for (let n = 0; n < total; n += batchSize) {
    batches.push(
      Array.from({ length: Math.min(batchSize, total - n) }, (_, i) => ({
        id: randomUUID(),
        type: 'InteractionLogged',
        data: {
          occurredAt: new Date(Date.UTC(2025, 0, 1) + (n + i) * 60_000).toISOString(),
          actor: (n + i) % 2 ? 'VENDOR' : 'PROSPECT',
          data: { channel: 'MEETING', purpose: 'quarterly business review' },
        },
        metadata: { tenant: 'bench', relationshipId: `r${(n / batchSize) % STREAMS}`, schemaVersion: 1 },
      })),
    );
  }
  return batches;
}

function rate(count: number, run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return count / seconds(start);
}

async function rateAsync(count: number, run: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return count / seconds(start);
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function row(name: string, store: number, raw: number): StoreBenchRow {
  return { name, store, raw, ratio: store / raw };
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const eventsFlag = process.argv.indexOf('--events');
  const events = eventsFlag > 0 ? Number(process.argv[eventsFlag + 1]) : undefined;
  const synchronous = process.env.COURTSHIP_SQLITE_SYNCHRONOUS === 'NORMAL' ? 'NORMAL' : 'FULL';
  console.log(formatStoreBench(await runStoreBench({ events, synchronous }), synchronous));
}
