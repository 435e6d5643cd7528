/**
 * The live projector's batches committed on a write thread (write-thread.ts):
 * the same read models as the batches committed on the projector's thread;
 * a position is announced (and waits on it released) only once its batch is
 * committed; restarts, rebuilds and a writer that dies after its COMMIT
 * apply nothing twice and skip nothing.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Projector } from '../../src/projections/projector.js';
import { READ_MODEL_FILE_NAME } from '../../src/projections/read-model-schema.js';
import { WriteThread } from '../../src/projections/write-thread.js';
import { days, opened, prospectInterest, T0, vendorInterest } from '../support/events.js';
import { record, recordGenerated } from '../support/record.js';
import { Workspace } from '../support/workspace.js';
import { snapshotOf } from './helpers.js';

let ws: Workspace;
beforeEach(() => {
  ws = new Workspace();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await ws.cleanup();
});

/** A projector following live, its batches committed on a write thread. */
function threaded(name = 'threaded'): Projector {
  const projector = ws.projector(name, { writeThread: true, retryDelayMs: 10 });
  projector.start();
  return projector;
}

function committedCheckpoint(name: string): bigint | null {
  const db = new Database(path.join(ws.readModelDir(name), READ_MODEL_FILE_NAME), { readonly: true });
  try {
    return db.prepare('SELECT checkpoint FROM projector WHERE id = 1').safeIntegers(true).pluck().get() as bigint | null;
  } finally {
    db.close();
  }
}

function phaseChangeRows(name: string): number {
  const db = new Database(path.join(ws.readModelDir(name), READ_MODEL_FILE_NAME), { readonly: true });
  try {
    return Number(db.prepare('SELECT count(*) FROM phase_changes').pluck().get());
  } finally {
    db.close();
  }
}

describe('live batches committed on a write thread', () => {
  it('give the read models of batches committed on the projector thread', async () => {
    // Given a projector committing on its own thread and one committing on a write thread
    const inline = ws.projector('inline');
    inline.start();
    const commit = vi.spyOn(WriteThread.prototype, 'commit');
    const projector = threaded();
    // When a tenant's relationships are appended while both follow the log
    const head = await recordGenerated(ws.store, 'acme', 40);
    await Promise.all([inline.waitFor(head), projector.waitFor(head)]);
    // Then the write thread committed the batches, and both hold the same rows, phase changes and lists
    expect(commit).toHaveBeenCalled();
    expect(snapshotOf(projector)).toEqual(snapshotOf(inline));
    expect(projector.listPhaseChanges('acme', { first: 100_000 })).toEqual(inline.listPhaseChanges('acme', { first: 100_000 }));
    expect(projector.checkpoint()).toBe(head);
    expect(committedCheckpoint('threaded')).toBe(head);
  });

  it('announces a position, and releases its waits, only once the batch is committed', async () => {
    // Given a projector following with a write thread, and a listener that reads the file when told
    const projector = threaded();
    const committedWhenAnnounced: (bigint | null)[] = [];
    projector.onApplied((notice) => {
      if (notice.checkpoint !== null) committedWhenAnnounced.push(committedCheckpoint('threaded'));
    });
    // When a relationship is opened and the writer waits for its position
    const head = await record(ws.store, 'acme', 'r1', [opened(T0), vendorInterest(T0 + days(1))]);
    await projector.waitFor(head);
    // Then the row is readable, and the file held the position when it was announced
    expect(projector.getRelationship('acme', 'r1')!.state.version).toBe(1);
    expect(committedWhenAnnounced.at(-1)).toBe(head);
  });

  it('resumes after a restart from its checkpoint: nothing applied twice, nothing skipped', async () => {
    // Given a projector that followed part of the log on a write thread, then closed
    const first = threaded('models');
    await first.waitFor(await record(ws.store, 'acme', 'r1', [opened(T0), vendorInterest(T0 + days(1))]));
    await first.close();
    const head = await record(ws.store, 'acme', 'r1', [prospectInterest(T0 + days(2))]);
    // When it is opened again and follows the rest
    const second = threaded('models');
    await second.waitFor(head);
    // Then the relationship moved on exactly once
    const r1 = second.getRelationship('acme', 'r1')!;
    expect(r1.state.version).toBe(2);
    expect(r1.state.phaseHistory).toHaveLength(1);
    await second.close();
    expect(phaseChangeRows('models')).toBe(1);
  });

  it('rebuilds while following, then follows on with a new write thread', async () => {
    // Given a projector following on a write thread
    const projector = threaded();
    await projector.waitFor(await recordGenerated(ws.store, 'acme', 10));
    const before = snapshotOf(projector);
    // When its read models are rebuilt, and more is appended after
    await projector.rebuild();
    const head = await record(ws.store, 'acme', 'late-comer', [opened(T0)]);
    await projector.waitFor(head);
    // Then the rebuilt rows are the same, and the new one is applied
    const after = snapshotOf(projector);
    expect(after).toMatchObject(before);
    expect(projector.getRelationship('acme', 'late-comer')).not.toBeNull();
    expect(committedCheckpoint('threaded')).toBe(head);
  });

  it('resumes from the file when the writer committed a batch but its answer was lost', async () => {
    // Given a projector whose write thread commits the next batch but fails before answering
    const projector = threaded();
    await projector.waitFor(await record(ws.store, 'acme', 'r1', [opened(T0), vendorInterest(T0 + days(1))]));
    const commit = WriteThread.prototype.commit;
    const lost = vi.spyOn(WriteThread.prototype, 'commit').mockImplementationOnce(async function (this: WriteThread, ...args) {
      await commit.apply(this, args);
      throw new Error('the write thread died after its COMMIT');
    });
    const committed = await record(ws.store, 'acme', 'r1', [prospectInterest(T0 + days(2))]);
    await vi.waitFor(() => expect(committedCheckpoint('threaded')).toBe(committed));
    // When more is appended to the same relationship
    const head = await record(ws.store, 'acme', 'r2', [opened(T0 + days(3))]);
    await projector.waitFor(head, 10_000);
    // Then the lost batch is not applied twice: one phase change, the relationship at its version
    expect(lost).toHaveBeenCalled();
    expect(projector.getRelationship('acme', 'r1')!.state.version).toBe(2);
    expect(projector.listPhaseChanges('acme', { first: 100 }).map((c) => c.to)).toEqual(['DATING']);
    expect(projector.getRelationship('acme', 'r2')).not.toBeNull();
  });
});
