/**
 * Projector section.
 * - Catch-up: a fresh projector folds the whole generated log into its read
 *   models, next to a raw read of the same file with JSON.parse of every row
 *   (what any consumer of the log pays before doing any work).
 * - Lag: while a writer appends whole relationships at a steady pace, the time
 *   from an append being acknowledged to the projector having applied it,
 *   next to the time the store's own catch-up subscription takes to deliver it.
 */
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Projector, type ProjectorOptions } from '../projections/projector.js';
import type { EventStore } from '../store/port.js';
import { streamIdFor } from '../app/relationship-stream.js';
import { SQLITE_FILE_NAME, openSqliteStore } from '../store/sqlite.js';
import { nowMs, quantile, rate } from './measure.js';
import type { BenchRow } from './report.js';
import { workloadStreams } from './workload.js';

const SECTION = 'projector';
const LAG_TENANT = 'benchlag';
const LAG_SECONDS = 5;
/** One relationship (~40 events) per append, this often. */
const LAG_INTERVAL_MS = 20;

export interface ProjectorBenchOptions {
  /** A data dir holding the generated log (see load-log.ts); read models are written next to it. */
  readonly dataDir: string;
  readonly events: number;
}

export async function runProjectorBench(options: ProjectorBenchOptions): Promise<BenchRow[]> {
  const raw = await rate(options.events, () => readAndParse(path.join(options.dataDir, SQLITE_FILE_NAME)));
  const store = openSqliteStore({ dataDir: options.dataDir, synchronous: 'FULL' });
  const workers = Math.max(1, os.availableParallelism() - 1);
  try {
    // Both ways the projector can catch up (the default on this machine is one of them: see projector.ts).
    const oneThread = await catchUpRate(store, path.join(options.dataDir, 'projector-bench-1'), { workers: 0 }, options.events);
    const parallel = await catchUpRate(store, path.join(options.dataDir, 'projector-bench-n'), { workers }, options.events);
    // A restart on the read models the one-thread catch-up left: loads the snapshot, replays nothing.
    const restartedAt = nowMs();
    const projector = new Projector({ store, dataDir: path.join(options.dataDir, 'projector-bench-1') });
    let lag: Lag;
    let restartMs: number;
    let loaded: number;
    try {
      projector.start();
      await projector.catchUp(60_000);
      restartMs = nowMs() - restartedAt;
      loaded = projector.size;
      lag = await measureLag(store, projector);
    } finally {
      await projector.close();
    }
    const replayMs = (options.events / oneThread) * 1000;
    const scale =
      options.events >= 1_000_000
        ? `${options.events.toLocaleString('en-US')} events`
        : `${options.events.toLocaleString('en-US')} events (quick scale; the goal names ≥ 1M: run with --full or --events 1000000)`;
    const catchUpRow = (name: string, value: number, note: string): BenchRow => ({
      section: SECTION,
      name,
      courtship: { value, unit: 'events/s' },
      baseline: { name: 'raw select + JSON.parse', value: raw, unit: 'events/s' },
      goal: { text: '≥ 250,000 events/s', met: value >= 250_000 },
      note: `${scale}; ${note}`,
    });
    return [
      catchUpRow('catch-up over the generated log, one thread', oneThread, 'COURTSHIP_CATCH_UP_WORKERS=0, the default on one or two cores: chunks of 100,000 positions, one commit each'),
      catchUpRow(
        `catch-up over the generated log, + ${workers} worker thread${workers === 1 ? '' : 's'}`,
        parallel,
        `COURTSHIP_CATCH_UP_WORKERS=${workers}; streams split between the threads (docs/ARCHITECTURE.md)`,
      ),
      {
        section: SECTION,
        name: 'start from the read models of the whole log (the snapshot)',
        courtship: { value: restartMs, unit: 'ms' },
        baseline: { name: 'full replay on one thread (above)', value: replayMs, unit: 'ms' },
        goal: { text: 'faster than a full replay', met: restartMs < replayMs },
        note: `${loaded.toLocaleString('en-US')} relationships loaded from read-models.sqlite, then caught up with the log (nothing left to replay)`,
      },
      {
        section: SECTION,
        name: `lag under ${Math.round(lag.eventsPerSecond).toLocaleString('en-US')} events/s of writes`,
        courtship: { value: lag.projectedP99, unit: 'ms p99', detail: `p50 ${lag.projectedP50.toFixed(1)} ms` },
        baseline: { name: 'store subscription delivery', value: lag.deliveredP99, unit: 'ms p99', detail: `p50 ${lag.deliveredP50.toFixed(1)} ms` },
        note: `${LAG_SECONDS} s of appends, one relationship per append every ${LAG_INTERVAL_MS} ms, projector in the writer's process`,
      },
    ];
  } finally {
    await store.close();
  }
}

/** A fresh projector's rate over the whole log. */
async function catchUpRate(store: EventStore, dataDir: string, parallel: ProjectorOptions['parallel'], events: number): Promise<number> {
  const projector = new Projector({ store, dataDir, parallel });
  try {
    return await rate(events, async () => {
      projector.start();
      await projector.catchUp(60 * 60 * 1000);
    });
  } finally {
    await projector.close();
  }
}

function readAndParse(file: string): void {
  const db = new Database(file, { readonly: true });
  try {
    for (const r of db.prepare('SELECT data, metadata FROM events ORDER BY position').iterate() as Iterable<{ data: string; metadata: string }>) {
      JSON.parse(r.data);
      JSON.parse(r.metadata);
    }
  } finally {
    db.close();
  }
}

interface Lag {
  readonly eventsPerSecond: number;
  readonly projectedP50: number;
  readonly projectedP99: number;
  readonly deliveredP50: number;
  readonly deliveredP99: number;
}

async function measureLag(store: EventStore, projector: Projector): Promise<Lag> {
  const acked = new Map<bigint, number>();
  const projected: number[] = [];
  const delivered: number[] = [];
  const pending = new Set<bigint>();
  const stopListening = projector.onApplied((notice) => {
    const at = nowMs();
    for (const position of pending) {
      if (position <= notice.checkpoint) {
        projected.push(at - acked.get(position)!);
        pending.delete(position);
      }
    }
  });
  const head = (await store.headPosition()) ?? undefined;
  const subscription = store.subscribeToAll(head === undefined ? {} : { after: head });
  const following = (async () => {
    for await (const event of subscription) {
      const ack = acked.get(event.position);
      if (ack !== undefined) delivered.push(nowMs() - ack);
    }
  })();

  const streams = workloadStreams({ events: (LAG_SECONDS * 1000 * 40) / LAG_INTERVAL_MS });
  const started = nowMs();
  let written = 0;
  let appends = 0;
  for (const stream of streams) {
    const wait = started + appends++ * LAG_INTERVAL_MS - nowMs();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (nowMs() - started > LAG_SECONDS * 1000) break;
    const events = stream.stored.map((e) => ({ ...e, metadata: { ...e.metadata, tenant: LAG_TENANT } }));
    const result = await store.append(streamIdFor(LAG_TENANT, stream.relationshipId), events, 'no_stream');
    acked.set(result.position, nowMs());
    pending.add(result.position);
    written += events.length;
  }
  const elapsed = (nowMs() - started) / 1000;
  await projector.catchUp(60_000);
  await subscription.stop();
  await following;
  stopListening();
  return {
    eventsPerSecond: written / elapsed,
    projectedP50: quantile(projected, 0.5),
    projectedP99: quantile(projected, 0.99),
    deliveredP50: quantile(delivered, 0.5),
    deliveredP99: quantile(delivered, 0.99),
  };
}
