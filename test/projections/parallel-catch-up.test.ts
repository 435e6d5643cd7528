/**
 * A catch-up spread over worker threads gives exactly the read models of the
 * sequential fold: the same rows (in memory and on disk), the same phase
 * changes in the same order, the same checkpoint; from nothing, when resuming
 * from a checkpoint, and in a rebuild. The log interleaves relationships and
 * holds a stream that is not a relationship, and chunks are small, so streams
 * cross chunk boundaries.
 *
 * The workers run the build (dist/), which `npm test` makes first, and read
 * the embedded SQLite store's file by partition: only that store offers
 * partitioned reads, so this file keeps it (the in-memory store would fall
 * back to a batch-by-batch catch-up).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourtshipEvent } from '../../src/domain/events.js';
import { generateHistories } from '../../src/domain/generator/index.js';
import { workerChunkListeners, type WorkerChunk } from '../../src/projections/parallel-catch-up.js';
import { defaultRules } from '../../src/domain/rules.js';
import type { Projector } from '../../src/projections/projector.js';
import type { SqliteEventStore } from '../../src/store/sqlite.js';
import { T0 } from '../support/events.js';
import { record } from '../support/record.js';
import { Workspace } from '../support/workspace.js';
import { snapshotOf } from './helpers.js';

const BULK = { workers: 2, minEvents: 1, chunkEvents: 997 };
/** The default on one or two cores: chunks folded on the projector's thread alone. */
const ONE_THREAD = { workers: 0, minEvents: 1, chunkEvents: 997 };
let ws: Workspace<SqliteEventStore>;
let middle: bigint;

/** Appends each relationship's history in slices of a few events, round-robin over relationships. */
async function recordInterleaved(tenant: string, count: number, seed: number): Promise<void> {
  const histories = [...generateHistories({ seed, relationships: count, start: T0 })].map((h) => ({ id: h.id, events: [...h.events] }));
  for (let slice = 0; histories.some((h) => h.events.length > 0); slice++) {
    for (const history of histories) {
      const events: CourtshipEvent[] = history.events.splice(0, 3 + ((slice + history.id.length) % 5));
      if (events.length > 0) await record(ws.store, tenant, history.id, events, events[events.length - 1]!.occurredAt);
    }
    if (slice === 2) await ws.store.append('other-stream', [{ id: randomUUID(), type: 'Something', data: { slice } }]);
  }
}

function phaseChangesOf(projector: Projector): unknown[] {
  return ['acme', 'globex'].flatMap((tenant) => projector.listPhaseChanges(tenant, { first: 1_000_000 }));
}

async function caughtUp(name: string, parallel: ConstructorParameters<typeof Projector>[0]['parallel']): Promise<Projector> {
  const projector = ws.projector(name, { parallel });
  projector.start();
  await projector.catchUp(120_000);
  return projector;
}

/** What `run` caught up, with the chunks the worker threads sent meanwhile. */
async function withWorkerChunks<T>(run: () => Promise<T>): Promise<{ result: T; chunks: WorkerChunk[] }> {
  const chunks: WorkerChunk[] = [];
  const listener = (chunk: WorkerChunk): void => void chunks.push(chunk);
  workerChunkListeners.add(listener);
  try {
    return { result: await run(), chunks };
  } finally {
    workerChunkListeners.delete(listener);
  }
}

/** Every worker sent every chunk, and the workers together folded events and changed rows. */
function expectWorkersFolded(chunks: readonly WorkerChunk[], workers: number): void {
  const ends = [...new Set(chunks.map((chunk) => chunk.chunkEnd))];
  expect(ends.length).toBeGreaterThan(1);
  expect(chunks).toHaveLength(ends.length * workers);
  expect(chunks.reduce((sum, chunk) => sum + chunk.events, 0)).toBeGreaterThan(0);
  expect(chunks.some((chunk) => chunk.rows.length > 0)).toBe(true);
}

/** The same rows (in memory) and the same phase changes, in the same order. */
function expectSameReadModels(actual: Projector, expected: Projector): void {
  expect(snapshotOf(actual)).toEqual(snapshotOf(expected));
  expect(phaseChangesOf(actual)).toEqual(phaseChangesOf(expected));
}

/** Read models `name` projected batch by batch up to the middle of the log, then closed. */
async function stoppedAtMiddle(name: string): Promise<void> {
  const first = ws.projector(name, { parallel: false });
  first.start();
  await first.waitFor(middle, 60_000);
  await first.close();
}

beforeAll(async () => {
  ws = Workspace.onSqlite();
  await recordInterleaved('acme', 150, 31);
  middle = (await ws.store.headPosition())!;
  await recordInterleaved('globex', 150, 32);
}, 120_000);
afterAll(async () => {
  await ws.cleanup();
});

describe('a parallel catch-up', () => {
  it('gives the sequential fold, row for row and change for change, in memory and on disk', async () => {
    const sequential = await caughtUp('sequential', false);
    const { result: parallel, chunks } = await withWorkerChunks(() => caughtUp('parallel', BULK));
    expectWorkersFolded(chunks, BULK.workers);
    expect(parallel.size).toBe(300);
    expectSameReadModels(parallel, sequential);
    expect(phaseChangesOf(parallel).length).toBeGreaterThan(300);
    expect(parallel.checkpoint()).toBe(sequential.checkpoint());
    await parallel.close();
    // What it committed is what it held.
    const reopened = ws.projector('parallel', { parallel: false });
    expectSameReadModels(reopened, sequential);
  }, 120_000);

  it('resumes from a checkpoint, starting each worker from the committed states', async () => {
    const sequential = await caughtUp('resume-sequential', false);
    // A projector that stopped at the middle of the log catches up the rest with workers.
    await stoppedAtMiddle('resume');
    const { result: resumed, chunks } = await withWorkerChunks(() => caughtUp('resume', BULK));
    expectWorkersFolded(chunks, BULK.workers);
    expect(chunks.every((chunk) => chunk.chunkEnd > middle)).toBe(true);
    expectSameReadModels(resumed, sequential);
  }, 120_000);

  it('on the projector thread alone (no worker), in chunks, gives the sequential fold too, from nothing and when resuming', async () => {
    const sequential = await caughtUp('one-sequential', false);
    const { result: chunked, chunks } = await withWorkerChunks(() => caughtUp('one-thread', ONE_THREAD));
    expect(chunks).toEqual([]);
    expectSameReadModels(chunked, sequential);
    expect(chunked.checkpoint()).toBe(sequential.checkpoint());
    await stoppedAtMiddle('one-resume');
    const resumed = await caughtUp('one-resume', ONE_THREAD);
    expectSameReadModels(resumed, sequential);
  }, 120_000);

  it('rebuilds with workers into the sequential read models, and tells subscribers to read unlisted events from the log', async () => {
    const sequential = await caughtUp('rebuild-sequential', false);
    const projector = await caughtUp('rebuild', BULK);
    const notices: { events: unknown; rows: number }[] = [];
    projector.onApplied((notice) => notices.push({ events: notice.events, rows: notice.rows.length }));
    let progress = 0;
    const { chunks } = await withWorkerChunks(() => projector.rebuild((applied) => (progress = applied)));
    expectWorkersFolded(chunks, BULK.workers);
    expect(progress).toBeGreaterThan(Number(middle));
    expectSameReadModels(projector, sequential);

    // A later bulk catch-up (after a restart far behind) announces its chunks without their events.
    await projector.close();
    const restarted = ws.projector('bulk-notices', { parallel: BULK });
    restarted.onApplied((notice) => notices.push({ events: notice.events, rows: notice.rows.length }));
    restarted.start();
    await restarted.catchUp(120_000);
    expect(notices.length).toBeGreaterThan(1);
    expect(notices.every((notice) => notice.events === null && notice.rows > 0)).toBe(true);
  }, 120_000);
});

describe('stopping a chunked catch-up', () => {
  it('commits nothing more once the projector is stopped, even right after it was started', async () => {
    for (const parallel of [ONE_THREAD, BULK]) {
      const projector = ws.projector(`stopped-${parallel.workers}`, { parallel });
      projector.start();
      await projector.stop();
      expect(projector.checkpoint()).toBeNull();
      expect(projector.size).toBe(0);
    }
  });

  it('stops a rebuild when the projector closes, leaving the models in use as they were', async () => {
    const projector = await caughtUp('closed-while-rebuilding', ONE_THREAD);
    const before = snapshotOf(projector);
    const checkpoint = projector.checkpoint();
    const rebuilding = projector.rebuild();
    await projector.close();
    await expect(rebuilding).rejects.toThrow(/the rebuild was stopped: the projector is closing/);

    const reopened = ws.projector('closed-while-rebuilding', { parallel: false });
    expect(reopened.checkpoint()).toBe(checkpoint);
    expect(snapshotOf(reopened)).toEqual(before);
  }, 120_000);
});

describe('folding one partition over one chunk', () => {
  it('starts its next chunk at the end of the last one, even when the partition had no event in it', async () => {
    const { foldPartitionChunk } = await import('../../src/projections/partition-fold.js');
    const reads: (bigint | undefined)[] = [];
    const empty = { readPartition: (range: { after?: bigint }) => (reads.push(range.after), []), readStreamNow: () => [] };
    const partition = { modulus: 60, from: 0, to: 1 };
    const none = { get: () => undefined };
    const first = await foldPartitionChunk(empty, none, partition, { after: undefined, upTo: 1000n }, defaultRules);
    const second = await foldPartitionChunk(empty, none, partition, { after: first.after, upTo: 2000n }, defaultRules);
    expect([first.after, second.after]).toEqual([1000n, 2000n]);
    expect(reads).toEqual([undefined, 1000n]);
  });
});

describe('sharing the streams between threads', () => {
  it('gives this thread every stream when there is no worker', async () => {
    const { sharePartitions } = await import('../../src/projections/parallel-catch-up.js');
    expect(sharePartitions(0)).toEqual([{ modulus: 60, from: 0, to: 60 }]);
  });

  it('gives every stream to exactly one thread, this one the smallest share', async () => {
    const { sharePartitions } = await import('../../src/projections/parallel-catch-up.js');
    for (const workers of [1, 2, 3]) {
      const partitions = sharePartitions(workers);
      expect(partitions).toHaveLength(workers + 1);
      expect(partitions[0]!.from).toBe(0);
      for (let i = 1; i < partitions.length; i++) expect(partitions[i]!.from).toBe(partitions[i - 1]!.to);
      expect(partitions.at(-1)!.to).toBe(partitions[0]!.modulus);
      const sizes = partitions.map((p) => p.to - p.from);
      expect(Math.min(...sizes)).toBe(sizes[0]);
      expect(sizes[0]).toBeGreaterThan(0);
    }
  });
});
