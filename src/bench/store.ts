/**
 * Store section: batched and single-event appends and the full-log read of
 * Courtship's embedded store, each next to raw better-sqlite3 doing the same
 * inserts and select+parse, and next to the Emmett SQLite store (the peer) on
 * the same events, with the same durability (WAL, synchronous=FULL).
 */
import path from 'node:path';
import type { NewEvent } from '../store/port.js';
import { openSqliteStore, type SynchronousLevel } from '../store/sqlite.js';
import { openEmmett } from './emmett.js';
import { rate } from './measure.js';
import { openRaw } from './raw-log.js';
import type { BenchRow } from './report.js';
import { workloadStreams } from './workload.js';

export interface StoreBenchOptions {
  /** Events appended in the batched phase (and read back). */
  readonly events: number;
  /** Directory for the three databases; removed by the caller. */
  readonly dir: string;
  readonly batchSize?: number;
  /** Appends of one event each in the single phase. */
  readonly singles?: number;
  readonly synchronous?: SynchronousLevel;
}

const SECTION = 'store';
const STREAMS = 1_000;
const READ_PAGE = 10_000;
const CONCURRENT_WRITERS = 50;

export async function runStoreBench(options: StoreBenchOptions): Promise<BenchRow[]> {
  const batchSize = options.batchSize ?? 100;
  const singles = Math.min(options.singles ?? 1_000, options.events);
  const synchronous = options.synchronous ?? 'FULL';
  const events = generatedEvents(options.events + 2 * singles);
  const batches = chunk(events.slice(0, options.events), batchSize);
  const singleEvents = chunk(events.slice(options.events, options.events + singles), 1);
  const concurrentEvents = chunk(events.slice(options.events + singles), 1);
  const total = options.events + singles;

  const raw = openRaw(path.join(options.dir, 'raw.db'), synchronous);
  const groups = { commits: 0, appends: 0 };
  const store = openSqliteStore({
    dataDir: path.join(options.dir, 'store'),
    synchronous,
    onGroupCommit: (group) => {
      groups.commits++;
      groups.appends += group.appends;
    },
  });
  const emmett = openEmmett(path.join(options.dir, 'emmett.db'));
  try {
    // Phases alternate raw, store and peer so that all three see the same machine noise.
    const rawBatched = await rate(options.events, () => batches.forEach((b, i) => raw.insertBatch(`s-${i % STREAMS}`, b)));
    const storeBatched = await rate(options.events, async () => {
      for (let i = 0; i < batches.length; i++) await store.append(`s-${i % STREAMS}`, batches[i]!);
    });
    const emmettBatched = await rate(options.events, async () => {
      for (let i = 0; i < batches.length; i++) await emmett.append(`s-${i % STREAMS}`, batches[i]!);
    });
    const rawSingle = await rate(singles, () => singleEvents.forEach((b, i) => raw.insertBatch(`one-${i % STREAMS}`, b)));
    const storeSingle = await rate(singles, async () => {
      for (let i = 0; i < singleEvents.length; i++) await store.append(`one-${i % STREAMS}`, singleEvents[i]!);
    });
    const emmettSingle = await rate(singles, async () => {
      for (let i = 0; i < singleEvents.length; i++) await emmett.append(`one-${i % STREAMS}`, singleEvents[i]!);
    });
    // The same single-event appends from CONCURRENT_WRITERS callers at once (requests in flight on a server): group commit.
    const before = { ...groups };
    let next = 0;
    const storeConcurrent = await rate(singles, () =>
      Promise.all(
        Array.from({ length: CONCURRENT_WRITERS }, async () => {
          for (let i = next++; i < concurrentEvents.length; i = next++) await store.append(`many-${i % STREAMS}`, concurrentEvents[i]!);
        }),
      ),
    );
    const perCommit = (groups.appends - before.appends) / Math.max(1, groups.commits - before.commits);
    const rawRead = await rate(total, () => raw.readAll());
    const storeRead = await rate(total, async () => {
      let after: bigint | undefined;
      for (;;) {
        const page = await store.readAll({ after, maxCount: READ_PAGE });
        if (page.length === 0) break;
        after = page[page.length - 1]!.position;
      }
    });
    const emmettRead = await rate(total, () => emmett.readAll(READ_PAGE));

    const appendGoal = (r: number, e: number) => ({ text: '≥ 50 % of raw and ≥ 1.5× Emmett', met: r >= 0.5 && e >= 1.5 });
    return [
      row(`append, batches of ${batchSize}`, storeBatched, 'raw better-sqlite3', rawBatched, appendGoal(storeBatched / rawBatched, storeBatched / emmettBatched)),
      row(`append, batches of ${batchSize}`, storeBatched, 'Emmett SQLite', emmettBatched),
      row('append, one event per call', storeSingle, 'raw better-sqlite3', rawSingle),
      row('append, one event per call', storeSingle, 'Emmett SQLite', emmettSingle),
      {
        ...row(`append, one event per call, ${CONCURRENT_WRITERS} callers at once`, storeConcurrent, 'raw better-sqlite3, one event per transaction', rawSingle),
        note: `group commit: ${perCommit.toFixed(1)} appends per commit on average`,
      },
      row('read the full log (select + parse)', storeRead, 'raw select + JSON.parse', rawRead),
      row('read the full log (select + parse)', storeRead, 'Emmett SQLite', emmettRead),
    ].map((r) =>
      r.goal
        ? { ...r, note: `synchronous=${synchronous} for Courtship and raw, Emmett's defaults (WAL); ${fmtCount(total)} events; Emmett commits retried after SQLITE_BUSY: ${emmett.retries}` }
        : r,
    );
  } finally {
    raw.close();
    emmett.close();
    await store.close();
  }
}

function row(name: string, store: number, baselineName: string, baseline: number, goal?: BenchRow['goal']): BenchRow {
  return {
    section: SECTION,
    name,
    courtship: { value: store, unit: 'events/s' },
    baseline: { name: baselineName, value: baseline, unit: 'events/s' },
    ...(goal ? { goal } : {}),
  };
}

/** The workload's events in store shape, in log order. */
function generatedEvents(count: number): NewEvent[] {
  const out: NewEvent[] = [];
  for (const stream of workloadStreams({ events: count })) out.push(...stream.stored);
  return out.slice(0, count);
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function fmtCount(n: number): string {
  return n.toLocaleString('en-US');
}
