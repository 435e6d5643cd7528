import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultRules } from '../../src/domain/rules.js';
import type { PhaseChangeRecord, RelationshipRow } from '../../src/app/read-side.js';
import { Projector } from '../../src/projections/projector.js';
import { openMemoryStore } from '../../src/store/memory.js';
import { READ_MODEL_FILE_NAME } from '../../src/projections/read-model-schema.js';
import { ProjectionTimeoutError } from '../../src/app/errors.js';
import { days, opened, prospectInterest, T0, vendorInterest } from '../support/events.js';
import { inThreeDays, married } from '../support/fixtures.js';
import { record, recordGenerated } from '../support/record.js';
import { Workspace } from '../support/workspace.js';
import { snapshotOf } from './helpers.js';

let ws: Workspace;
beforeEach(() => {
  ws = new Workspace();
});
afterEach(async () => {
  await ws.cleanup();
});

function countRows(dir: string, table: string): number {
  const db = new Database(path.join(ws.readModelDir(dir), READ_MODEL_FILE_NAME), { readonly: true });
  try {
    return Number(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
  } finally {
    db.close();
  }
}

describe('the projector', () => {
  it('pages the log only once its checkpoint is known to belong to the log, never answering an empty page meanwhile', async () => {
    await record(ws.store, 'acme', 'r1', married(inThreeDays(T0)));
    const before = ws.projector('gated');
    before.start();
    await before.catchUp();
    const expected = (await before.listEvents('acme', { first: 10 })).items.map(({ node }) => node.position);
    expect(expected).toHaveLength(5);
    await before.close();

    // At the next start the store is slow to answer (unreachable for a while).
    let release!: () => void;
    const reachable = new Promise<void>((resolve) => (release = resolve));
    const store = Object.create(ws.store, {
      headPosition: { value: async () => (await reachable, ws.store.headPosition()) },
    }) as typeof ws.store;
    const projector = new Projector({ store, dataDir: ws.readModelDir('gated') });
    ws.onCleanup(() => projector.close());
    // Cleanup runs last-registered first: the store comes back before the projector is closed.
    ws.onCleanup(() => release());
    projector.start();
    let answered = false;
    const page = projector.listEvents('acme', { first: 10 }).then((result) => ((answered = true), result));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    release();
    expect((await page).items.map(({ node }) => node.position)).toEqual(expected);
  });

  it('folds a courtship into its relationship, phase changes and event log', async () => {
    const head = await record(ws.store, 'acme', 'r1', married({ ...inThreeDays(T0), accountName: 'Globex' }));
    const projector = ws.projector();
    projector.start();
    await projector.waitFor(head);

    const row = projector.getRelationship('acme', 'r1')!;
    expect(row.state.phase).toBe('MARRIED');
    expect(row.state.accountName).toBe('Globex');
    expect(row.state.version).toBe(4);
    expect(row.position).toBe(head);
    expect(projector.listPhaseChanges('acme', { first: 10 }).map((c) => c.to)).toEqual(['DATING', 'PROPOSED', 'MARRIED']);
    expect((await projector.listRelationshipEvents('acme', 'r1', { first: 10 })).items).toHaveLength(5);
    expect(projector.checkpoint()).toBe(head);
  });

  it('resumes after a restart from its checkpoint: nothing applied twice, nothing skipped', async () => {
    await record(ws.store, 'acme', 'r1', [opened(T0), vendorInterest(T0 + days(1))]);
    const first = ws.projector('models');
    first.start();
    await first.catchUp();
    await first.close();

    // Appended while no projector runs.
    const head = await record(ws.store, 'acme', 'r1', [prospectInterest(T0 + days(2))]);
    await record(ws.store, 'acme', 'r2', [opened(T0 + days(2))]);

    const second = ws.projector('models');
    expect(second.rebuiltAtOpen).toBe(false);
    // The snapshot is there before following resumes.
    expect(second.getRelationship('acme', 'r1')!.state.version).toBe(1);
    second.start();
    await second.catchUp();

    const r1 = second.getRelationship('acme', 'r1')!;
    expect(r1.state.version).toBe(2);
    expect(r1.state.phase).toBe('DATING');
    expect(r1.state.phaseHistory).toHaveLength(1);
    expect(second.getRelationship('acme', 'r2')).not.toBeNull();
    expect(second.checkpoint()).toBeGreaterThan(head);
    await second.close();
    expect(countRows('models', 'phase_changes')).toBe(1);
  });

  it('starts over when the rules it projected under change', async () => {
    await record(ws.store, 'acme', 'r1', [opened(T0)]);
    const first = ws.projector('models');
    first.start();
    await first.catchUp();
    await first.close();

    const other = ws.projector('models', { rules: { ...defaultRules, neglectDays: 30 } });
    expect(other.rebuiltAtOpen).toBe(true);
    expect(other.checkpoint()).toBeNull();
    other.start();
    await other.catchUp();
    expect(other.getRelationship('acme', 'r1')!.state.phase).toBe('ATTRACTION');
  });

  it('starts over when the file is from another read-model schema version', async () => {
    await record(ws.store, 'acme', 'r1', [opened(T0)]);
    const first = ws.projector('models');
    first.start();
    await first.catchUp();
    await first.close();
    const db = new Database(path.join(ws.readModelDir('models'), READ_MODEL_FILE_NAME));
    db.pragma('user_version = 999');
    db.close();

    const reopened = ws.projector('models');
    expect(reopened.rebuiltAtOpen).toBe(true);
    expect(reopened.size).toBe(0);
  });

  it('starts over when its checkpoint lies past the end of the log (another store)', async () => {
    await record(ws.store, 'acme', 'r1', [opened(T0), vendorInterest(T0)]);
    const first = ws.projector('models');
    first.start();
    await first.catchUp();
    await first.close();

    const otherStore = openMemoryStore();
    ws.onCleanup(() => otherStore.close());
    const head = await record(otherStore, 'acme', 'r9', [opened(T0)]);
    const projector = new Projector({ store: otherStore, dataDir: ws.readModelDir('models') });
    ws.onCleanup(() => projector.close());
    projector.start();
    await projector.waitFor(head);
    expect(projector.getRelationship('acme', 'r1')).toBeNull();
    expect(projector.getRelationship('acme', 'r9')).not.toBeNull();
  });

  it('starts over when another log holds other events at the same positions, even past its checkpoint', async () => {
    await record(ws.store, 'acme', 'r1', [opened(T0), vendorInterest(T0)]);
    const first = ws.projector('models');
    first.start();
    await first.catchUp();
    await first.close();

    // Another store, longer than the first: a checkpoint-versus-head check alone would accept it.
    const otherStore = openMemoryStore();
    ws.onCleanup(() => otherStore.close());
    await record(otherStore, 'acme', 'r8', [opened(T0), vendorInterest(T0)]);
    const head = await record(otherStore, 'acme', 'r9', [opened(T0), vendorInterest(T0)]);
    const errors: string[] = [];
    const projector = new Projector({ store: otherStore, dataDir: ws.readModelDir('models'), logger: { error: (_details, message) => errors.push(message) } });
    ws.onCleanup(() => projector.close());
    projector.start();
    await projector.waitFor(head);
    expect(projector.getRelationship('acme', 'r1')).toBeNull();
    expect(projector.getRelationship('acme', 'r8')).not.toBeNull();
    expect(errors).toEqual([expect.stringMatching(/do not match the event log.*rebuilding/)]);
  });

  it('lets a writer wait until its write is readable', async () => {
    const projector = ws.projector();
    projector.start();
    const head = await record(ws.store, 'acme', 'r1', [opened(T0)]);
    await projector.waitFor(head);
    expect(projector.getRelationship('acme', 'r1')).not.toBeNull();
  });

  it('gives up waiting after the timeout when the projector is not following', async () => {
    const projector = ws.projector();
    const head = await record(ws.store, 'acme', 'r1', [opened(T0)]);
    await expect(projector.waitFor(head, 20)).rejects.toBeInstanceOf(ProjectionTimeoutError);
  });

  it('announces each batch after commit, and survives a listener that throws', async () => {
    const projector = ws.projector();
    const seen: PhaseChangeRecord[] = [];
    projector.onApplied(() => {
      throw new Error('a broken subscriber');
    });
    projector.onApplied((batch) => seen.push(...batch.phaseChanges));
    projector.start();
    await projector.waitFor(await record(ws.store, 'acme', 'r1', [opened(T0), vendorInterest(T0)]));
    const head = await record(ws.store, 'acme', 'r1', [prospectInterest(T0 + days(1))]);
    await projector.waitFor(head);
    expect(seen.map((c) => [c.relationshipId, c.from, c.to])).toEqual([['r1', 'ATTRACTION', 'DATING']]);
    expect(seen[0]!.cause).toMatchObject({ kind: 'EVENT', eventType: 'InterestSignaled', revision: 2 });
    expect(seen[0]!.position).toBe(head);
  });

  it('lets requests run between the pages of a rebuild', async () => {
    // Given a log of several pages of the projector's batch size
    for (let i = 0; i < 4; i++) await record(ws.store, 'acme', `r${i}`, married(inThreeDays(T0)));
    const projector = ws.projector('paged', { maxBatch: 3, parallel: false });
    projector.start();
    await projector.catchUp();
    // When it rebuilds while other work (a request's I/O) keeps arriving
    let turns = 0;
    let ticking = true;
    const tick = (): void => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const turnsAtPage: number[] = [];
    await projector.rebuild(() => turnsAtPage.push(turns));
    ticking = false;
    // Then that work ran between every two pages
    expect(turnsAtPage.length).toBeGreaterThan(3);
    for (let i = 1; i < turnsAtPage.length; i++) expect(turnsAtPage[i]).toBeGreaterThan(turnsAtPage[i - 1]!);
  });

  it('reports its lag behind the log', async () => {
    const projector = ws.projector();
    const head = await record(ws.store, 'acme', 'r1', [opened(T0)]);
    expect(await projector.lag()).toEqual({ checkpoint: null, head, caughtUp: false });
    projector.start();
    await projector.waitFor(head);
    expect(await projector.lag()).toEqual({ checkpoint: head, head, caughtUp: true });
  });

  it('passes over events of streams that are not relationships', async () => {
    await ws.store.append('other-stream', [{ id: crypto.randomUUID(), type: 'Something', data: {} }]);
    const head = await record(ws.store, 'acme', 'r1', [opened(T0)]);
    const projector = ws.projector();
    projector.start();
    await projector.waitFor(head);
    expect(projector.size).toBe(1);
    expect(fs.existsSync(path.join(ws.readModelDir('main'), READ_MODEL_FILE_NAME))).toBe(true);
  });
});

describe('the projector on a generated history of thousands of relationships', () => {
  let history: Workspace;
  beforeAll(async () => {
    history = new Workspace();
    await recordGenerated(history.store, 'acme', 1000, 11);
    await recordGenerated(history.store, 'globex', 1000, 12);
  }, 180_000);
  afterAll(async () => {
    await history.cleanup();
  });

  // How much faster is measured by `npm run bench` (projector: start from the snapshot).
  it('starts from its snapshot without replaying a single event, with the same result as a full replay', async () => {
    const live = history.projector('snapshot');
    live.start();
    await live.catchUp(120_000);
    await live.close();

    const replay = history.projector('replay');
    replay.start();
    await replay.catchUp(120_000);

    const restarted = history.projector('snapshot');
    // Everything is there before it reads the log at all.
    expect(restarted.rebuiltAtOpen).toBe(false);
    expect(restarted.checkpoint()).toBe(await history.store.headPosition());
    expect(restarted.size).toBe(2000);
    expect(snapshotOf(restarted)).toEqual(snapshotOf(replay));

    const applied: bigint[] = [];
    restarted.onApplied((notice) => applied.push(notice.checkpoint));
    restarted.start();
    await restarted.catchUp(120_000);
    expect(applied).toEqual([]);
    expect(snapshotOf(restarted)).toEqual(snapshotOf(replay));
  }, 180_000);

  it('rebuilds from the log into read models equal to the live ones', async () => {
    const projector = history.projector('rebuild');
    projector.start();
    await projector.catchUp(120_000);
    const live = snapshotOf(projector);
    const liveChanges = projector.listPhaseChanges('acme', { first: 1_000_000 });
    const liveEvents = (await projector.listEvents('globex', { first: 1_000_000 })).items.map((i) => i.node);

    let progress = 0;
    await projector.rebuild((applied) => (progress = applied));

    expect(progress).toBeGreaterThan(2000);
    expect(Object.keys(live)).toHaveLength(2000);
    expect(liveChanges.length).toBeGreaterThan(1000);
    expect(snapshotOf(projector)).toEqual(live);
    expect(projector.listPhaseChanges('acme', { first: 1_000_000 })).toEqual(liveChanges);
    expect((await projector.listEvents('globex', { first: 1_000_000 })).items.map((i) => i.node)).toEqual(liveEvents);
    // And it keeps following after the swap.
    const head = await record(history.store, 'acme', 'late', [opened(T0)]);
    await projector.waitFor(head);
    expect(projector.getRelationship('acme', 'late')).not.toBeNull();
  }, 180_000);
});
