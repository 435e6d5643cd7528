import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/app/clock.js';
import { DeadlineScheduler } from '../../src/app/deadline-scheduler.js';
import { deadlineEventId } from '../../src/app/deadline-id.js';
import type { PhaseChangeRecord } from '../../src/app/read-side.js';
import type { Phase } from '../../src/domain/events.js';
import { defaultRules } from '../../src/domain/rules.js';
import { streamIdFor } from '../../src/app/relationship-stream.js';
import type { Projector } from '../../src/projections/projector.js';
import { days, interaction, T0 } from '../support/events.js';
import { inThreeDays, married } from '../support/fixtures.js';
import { record } from '../support/record.js';
import { Workspace } from '../support/workspace.js';

let ws: Workspace;
beforeEach(() => {
  ws = new Workspace();
});
afterEach(async () => {
  await ws.cleanup();
});

/** Married at T0 + 3 days, never exclusive; the vendor's last event is the proposal at T0 + 2 days. */
const IN_THREE_DAYS = inThreeDays(T0);
const NEGLECT_AT = T0 + days(3) + days(60);

async function runningPair(
  name: string,
  clock: ManualClock,
  beforeStart: (projector: Projector) => void = () => {},
): Promise<{ projector: Projector; scheduler: DeadlineScheduler }> {
  const projector = ws.projector(name);
  beforeStart(projector);
  projector.start();
  await projector.catchUp();
  const scheduler = new DeadlineScheduler({ store: ws.store, source: projector, clock, rules: defaultRules });
  ws.onCleanup(() => scheduler.stop());
  scheduler.start();
  return { projector, scheduler };
}

function nextChangeTo(projector: Projector, to: Phase): Promise<PhaseChangeRecord> {
  return new Promise((resolve) => {
    const off = projector.onApplied((batch) => {
      const change = batch.phaseChanges.find((c) => c.to === to);
      if (change) {
        off();
        resolve(change);
      }
    });
  });
}

async function deadlineEvents(id: string): Promise<{ occurredAt: string; data: unknown }[]> {
  const events = await ws.store.readStream(streamIdFor('acme', id));
  return events.filter((e) => e.type === 'DeadlineReached').map((e) => e.data as { occurredAt: string; data: unknown });
}

/** The scheduler appends synchronously when its timer fires; one turn lets the projector apply it. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the deadline scheduler', () => {
  it('records neglect 60 days after the vendor last showed up, at that exact instant', async () => {
    await record(ws.store, 'acme', 'r1', married(IN_THREE_DAYS));
    const clock = new ManualClock(T0 + days(4));
    const { projector, scheduler } = await runningPair('a', clock);
    expect(scheduler.nextDueAt).toBe(NEGLECT_AT);

    clock.set(NEGLECT_AT - 1);
    await settle();
    expect(await deadlineEvents('r1')).toEqual([]);

    const neglected = nextChangeTo(projector, 'NEGLECTED');
    clock.set(NEGLECT_AT);
    const change = await neglected;

    expect(change).toMatchObject({ from: 'MARRIED', to: 'NEGLECTED', at: NEGLECT_AT, cause: { kind: 'DEADLINE', rule: 'NEGLECT' } });
    const recorded = await ws.store.readStream(streamIdFor('acme', 'r1'), { direction: 'backwards', maxCount: 1 });
    expect(recorded[0]).toMatchObject({
      type: 'DeadlineReached',
      revision: 5,
      data: { occurredAt: new Date(NEGLECT_AT).toISOString(), actor: 'SYSTEM' },
    });
    expect(projector.getRelationship('acme', 'r1')!.state.phase).toBe('NEGLECTED');
    expect(projector.listPhaseChanges('acme', { first: 10, phases: ['NEGLECTED'] })).toHaveLength(1);
  });

  it('records a deadline once when two replicas race for it, and both announce it', async () => {
    await record(ws.store, 'acme', 'r1', married(IN_THREE_DAYS));
    const clock = new ManualClock(T0 + days(4));
    const a = await runningPair('a', clock);
    const b = await runningPair('b', clock);
    const seenByA = nextChangeTo(a.projector, 'NEGLECTED');
    const seenByB = nextChangeTo(b.projector, 'NEGLECTED');

    clock.set(NEGLECT_AT);
    await Promise.all([seenByA, seenByB]);
    await settle();

    expect(await deadlineEvents('r1')).toHaveLength(1);
    expect(a.projector.listPhaseChanges('acme', { first: 10 })).toEqual(b.projector.listPhaseChanges('acme', { first: 10 }));
    expect(a.scheduler.pending).toBe(0);
  });

  it('records deadlines that fell due while the server was down, with their original instants', async () => {
    const lapse = T0 + days(80);
    await record(ws.store, 'acme', 'r1', married({ ...IN_THREE_DAYS, contractEnds: lapse }));
    const clock = new ManualClock(T0 + days(200));

    let divorced!: Promise<PhaseChangeRecord>;
    const { projector } = await runningPair('a', clock, (p) => (divorced = nextChangeTo(p, 'DIVORCED')));
    await divorced;

    expect(projector.getRelationship('acme', 'r1')!.state.phaseHistory.slice(-2)).toMatchObject([
      { from: 'MARRIED', to: 'NEGLECTED', at: NEGLECT_AT, cause: { kind: 'DEADLINE', rule: 'NEGLECT' } },
      { from: 'NEGLECTED', to: 'DIVORCED', at: lapse, cause: { kind: 'DEADLINE', rule: 'CONTRACT_LAPSE' } },
    ]);
    expect((await deadlineEvents('r1')).map((e) => e.occurredAt)).toEqual([
      new Date(NEGLECT_AT).toISOString(),
      new Date(lapse).toISOString(),
    ]);
  });

  it('postpones neglect when the vendor shows up before it falls due', async () => {
    await record(ws.store, 'acme', 'r1', married(IN_THREE_DAYS));
    const clock = new ManualClock(T0 + days(4));
    const { projector, scheduler } = await runningPair('a', clock);

    await projector.waitFor(await record(ws.store, 'acme', 'r1', [interaction('VENDOR', T0 + days(50), 'CALL')]));
    expect(scheduler.nextDueAt).toBe(T0 + days(110));

    clock.set(NEGLECT_AT);
    await settle();
    expect(await deadlineEvents('r1')).toEqual([]);
    expect(projector.getRelationship('acme', 'r1')!.state.phase).toBe('MARRIED');
  });

  it('says so, instead of dropping it in silence, when a deadline sits behind events this release cannot read', async () => {
    await record(ws.store, 'acme', 'r1', married(IN_THREE_DAYS));
    // Written by a newer release: a type this one does not know, which its fold passes over.
    await ws.store.append(
      streamIdFor('acme', 'r1'),
      [{ id: randomUUID(), type: 'FutureThing', data: { occurredAt: new Date(T0 + days(5)).toISOString(), actor: 'VENDOR', data: {} }, metadata: { tenant: 'acme', relationshipId: 'r1', schemaVersion: 1 } }],
      4,
    );
    const projector = ws.projector('a');
    projector.start();
    await projector.catchUp();
    expect(projector.getRelationship('acme', 'r1')!.state.version).toBe(4);
    const errors: { details: Record<string, unknown>; message: string }[] = [];
    const clock = new ManualClock(T0 + days(6));
    const scheduler = new DeadlineScheduler({
      store: ws.store,
      source: projector,
      clock,
      rules: defaultRules,
      logger: { error: (details, message) => errors.push({ details, message }) },
    });
    ws.onCleanup(() => scheduler.stop());
    scheduler.start();

    clock.set(NEGLECT_AT);
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]!.message).toMatch(/cannot be recorded: the stream ends with events this release cannot read/);
    expect(errors[0]!.details).toMatchObject({ relationshipId: 'r1', rule: 'NEGLECT', foldedRevision: 4, streamRevision: 5, unreadable: ['FutureThing'] });
    expect(await deadlineEvents('r1')).toEqual([]);
  });

  it('derives the same UUID for the same deadline on every replica', () => {
    const deadline = { rule: 'NEGLECT' as const, at: NEGLECT_AT };
    const id = deadlineEventId('rel-acme-r1', deadline);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deadlineEventId('rel-acme-r1', { ...deadline })).toBe(id);
    expect(deadlineEventId('rel-acme-r2', deadline)).not.toBe(id);
    expect(deadlineEventId('rel-acme-r1', { ...deadline, at: NEGLECT_AT + 1 })).not.toBe(id);
  });
});
