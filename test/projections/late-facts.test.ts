/**
 * Late facts on the read side: the projector re-derives a relationship's
 * history when a late fact arrives, announces the correction (retracted
 * transitions, then the new ones), and ends where a fresh fold of the log
 * ends, whether it followed the log live, rebuilt it, or caught up in chunks.
 * The store is in memory, but for the chunked catch-ups: they read the
 * embedded SQLite store by partition, which only it offers.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PhaseChangeRecord } from '../../src/app/read-side.js';
import type { CourtshipEvent } from '../../src/domain/events.js';
import { advanceTo } from '../../src/domain/deadlines.js';
import { foldHistory } from '../../src/domain/history.js';
import { defaultRules } from '../../src/domain/rules.js';
import { initialState, type PhaseChange, type RelationshipState } from '../../src/domain/state.js';
import { streamIdFor, toStoredEvents } from '../../src/app/relationship-stream.js';
import type { Projector } from '../../src/projections/projector.js';
import { stateAsOf, stateKnownAt } from '../../src/app/state-as-of.js';
import { arrivalArbitrary, deliverPages } from '../domain/arrivals.js';
import type { EventStore } from '../../src/store/port.js';
import { days, T0, vendorCall } from '../support/events.js';
import { inThreeDays, married } from '../support/fixtures.js';
import { record, recordDeadlinesDue } from '../support/record.js';
import { Workspace } from '../support/workspace.js';

let ws: Workspace<EventStore>;
beforeEach(() => {
  ws = new Workspace();
});

/** Starts over on the SQLite store, whose partitioned reads a chunked catch-up needs. */
async function onSqlite(): Promise<void> {
  await ws.cleanup();
  ws = Workspace.onSqlite();
}
afterEach(async () => {
  await ws.cleanup();
});

const NOW = Date.UTC(2100, 0, 1);

/** A phase-history mirror fed by `phaseChanged`: a retraction removes its transition, anything else is appended. */
function mirrorOf(changes: readonly PhaseChangeRecord[]): Map<string, string[]> {
  const mirrors = new Map<string, string[]>();
  for (const change of changes) {
    const mirror = mirrors.get(change.relationshipId) ?? [];
    mirrors.set(change.relationshipId, mirror);
    const entry = describe_(change);
    if (!change.retracted) mirror.push(entry);
    else {
      const at = mirror.lastIndexOf(entry);
      expect(at, `retracting ${entry}, which the mirror does not hold`).toBeGreaterThanOrEqual(0);
      mirror.splice(at, 1);
    }
  }
  return mirrors;
}

function describe_(change: { from: string | null; to: string; at: number; cycle: number; cause: PhaseChange['cause'] | PhaseChangeRecord['cause'] }): string {
  const cause = change.cause.kind === 'EVENT' ? `${change.cause.eventType}@${String(change.cause.revision)}` : change.cause.rule;
  return `${change.cycle} ${change.from}→${change.to} ${new Date(change.at).toISOString()} ${cause}`;
}

async function following(name = 'main'): Promise<Projector> {
  const projector = ws.projector(name, { parallel: false });
  projector.start();
  await projector.catchUp();
  return projector;
}

describe('a late visit undoes a neglect, on the read side', () => {
  it('takes NEGLECTED out of the phase history and tells subscribers, the late visit as the cause of the correction', async () => {
    await record(ws.store, 'acme', 'r1', married(inThreeDays(T0)), NOW);
    await recordDeadlinesDue(ws.store, 'acme', 'r1', T0 + days(70));
    const projector = await following();
    expect(projector.getRelationship('acme', 'r1')!.state.phase).toBe('NEGLECTED');
    const before = projector.listPhaseChanges('acme', { first: 100 });

    const late = await record(ws.store, 'acme', 'r1', [vendorCall(T0 + days(50))], NOW);
    await projector.catchUp();

    const row = projector.getRelationship('acme', 'r1')!;
    expect(row.state.phase).toBe('MARRIED');
    expect(row.state.phaseHistory.map((c) => c.to)).toEqual(['DATING', 'PROPOSED', 'MARRIED']);
    const correction = projector.listPhaseChanges('acme', { first: 100, after: { position: before.at(-1)!.position, seq: before.at(-1)!.seq } });
    expect(correction).toMatchObject([
      {
        from: 'MARRIED',
        to: 'NEGLECTED',
        retracted: true,
        position: late,
        seq: 0,
        cause: { kind: 'DEADLINE', rule: 'NEGLECT' },
        correctedBy: { eventType: 'InteractionLogged', revision: 6 },
      },
    ]);
    expect(before.every((c) => c.correctedBy === null)).toBe(true);
    expect(correction[0]!.recordedAt).toBeGreaterThanOrEqual(before.at(-1)!.recordedAt);
    // Every phase-history entry says when it became known.
    expect(row.state.phaseHistory.every((c) => typeof c.recordedAt === 'number')).toBe(true);
  });

  it('keeps every event in the log: the recorded deadline stays, and stops counting', async () => {
    await record(ws.store, 'acme', 'r1', married(inThreeDays(T0)), NOW);
    await recordDeadlinesDue(ws.store, 'acme', 'r1', T0 + days(70));
    await record(ws.store, 'acme', 'r1', [vendorCall(T0 + days(50))], NOW);
    const types = (await ws.store.readStream(streamIdFor('acme', 'r1'))).map((r) => r.type);
    expect(types).toContain('DeadlineReached');
    const projector = await following();
    expect(projector.getRelationship('acme', 'r1')!.state.phase).toBe('MARRIED');
  });
});

/* ------------------------------------------------------------ properties */

/** A few random histories, their events cut into pages, some held back to arrive late. */
const deliveries = fc.array(
  arrivalArbitrary(25).map(({ pages }) => pages),
  { minLength: 1, maxLength: 3 },
);

/** Writes the pages (the scheduler recording what is due after each), relationships interleaved; returns what was written. */
async function deliver(relationships: readonly CourtshipEvent[][][], afterEachPage?: () => Promise<void>): Promise<string[]> {
  const written: string[] = [];
  const longest = Math.max(...relationships.map((pages) => pages.length));
  for (let p = 0; p < longest; p++) {
    for (const [n, pages] of relationships.entries()) {
      const page = pages[p];
      const id = `r${n}`;
      if (page === undefined || (p > 0 && !written.includes(id))) continue;
      try {
        await record(ws.store, 'acme', id, page, NOW);
      } catch {
        // An arrival order that refers to something not told yet is refused; the relationship stops there.
        relationships = relationships.map((pages, k) => (k === n ? pages.slice(0, p) : pages));
        continue;
      }
      if (!written.includes(id)) written.push(id);
      await recordDeadlinesDue(ws.store, 'acme', id, NOW);
      await afterEachPage?.();
    }
  }
  return written;
}

function comparable(state: RelationshipState): unknown {
  return { ...state, skippedDeadlines: state.skippedDeadlines.map((s) => s.revision) };
}

let retractions = 0;

describe('late facts on the read side, whatever the arrival order', () => {
  it('a phaseChanged mirror equals phaseHistory; live, rebuilt and chunked read models equal the fresh fold of the log', async () => {
    await fc.assert(
      fc.asyncProperty(deliveries, async (relationships) => {
        await onSqlite();
        const live = ws.projector('live', { parallel: false });
        live.start();
        const beliefs: { knownAt: number; rows: Map<string, RelationshipState> }[] = [];
        const ids = await deliver(relationships, async () => {
          await live.catchUp();
          const knownAt = Math.max(...(await ws.store.readAll({})).map((r) => r.recordedAt.getTime()));
          beliefs.push({ knownAt, rows: new Map([...live.relationships()].map((row) => [row.id, row.state])) });
          // The next write is recorded strictly later.
          await new Promise((resolve) => setTimeout(resolve, 2));
        });

        const changes = live.listPhaseChanges('acme', { first: 100_000 });
        retractions += changes.filter((c) => c.retracted).length;
        const mirrors = mirrorOf(changes);
        for (const id of ids) {
          const stream = toStoredEvents(await ws.store.readStream(streamIdFor('acme', id)));
          const row = live.getRelationship('acme', id)!;
          expect(mirrors.get(id) ?? []).toEqual(row.state.phaseHistory.map(describe_));
          expect(comparable(row.state)).toEqual(comparable(stateKnownAt(stream, undefined, defaultRules, id)));
          // What the projector believed after each page is what the log says was known then.
          for (const belief of beliefs) {
            const then = belief.rows.get(id);
            if (then !== undefined) expect(comparable(then)).toEqual(comparable(stateKnownAt(stream, belief.knownAt, defaultRules, id)));
          }
        }

        const liveRows = [...live.relationships()].map((row) => comparable(row.state));
        await live.rebuild();
        expect([...live.relationships()].map((row) => comparable(row.state))).toEqual(liveRows);
        const chunked = ws.projector('chunked', { parallel: { workers: 0, minEvents: 1, chunkEvents: 7 } });
        chunked.start();
        await chunked.catchUp();
        const byId = (rows: Iterable<{ id: string; state: RelationshipState }>) =>
          Object.fromEntries([...rows].map((row) => [row.id, comparable(row.state)]));
        expect(byId(chunked.relationships())).toEqual(byId(live.relationships()));
      }),
      { numRuns: 12, seed: 1313 },
    );
    // Late facts did take recorded transitions back (the property is not only about in-order writes).
    expect(retractions).toBeGreaterThan(0);
  }, 240_000);
});

describe('a chunked catch-up on worker threads', () => {
  it('re-folds late facts as the live projector does', async () => {
    await onSqlite();
    const [sample] = fc.sample(deliveries, { numRuns: 1, seed: 1313 });
    const live = ws.projector('live', { parallel: false });
    live.start();
    await deliver(sample!.concat(sample!));
    await live.catchUp();
    const threads = ws.projector('threads', { parallel: { workers: 2, minEvents: 1, chunkEvents: 5 } });
    threads.start();
    await threads.catchUp(20_000);
    const byId = (rows: Iterable<{ id: string; state: RelationshipState }>) =>
      Object.fromEntries([...rows].map((row) => [row.id, comparable(row.state)]));
    expect(byId(threads.relationships())).toEqual(byId(live.relationships()));
    const changes = live.listPhaseChanges('acme', { first: 100_000 });
    expect(changes.some((c) => c.retracted)).toBe(true);
    expect(threads.listPhaseChanges('acme', { first: 100_000 })).toEqual(changes);
  }, 60_000);
});

describe('state as of T, known at K', () => {
  it('equals a fresh fold, in business order, of the events recorded by K that occurred by T', () => {
    const stories = arrivalArbitrary(30)
      .map(({ pages }) => deliverPages(pages))
      .filter((stream) => stream !== null)
      .chain((stream) => fc.tuple(fc.constant(stream!), fc.integer({ min: 0, max: stream!.length }), fc.integer({ min: 0, max: 400 })));
    fc.assert(
      fc.property(stories, ([stream, knownCount, dayOffset]) => {
        const knownAt = 1000 * knownCount;
        const asOf = T0 - days(30) + days(dayOffset);
        const known = stream.filter((e) => e.recordedAt! <= knownAt);
        const fresh = advanceTo(foldHistory(known.filter((e) => e.event.occurredAt <= asOf), defaultRules, initialState('x')), asOf, defaultRules).state;
        const answer = stateAsOf(stream, { asOf, knownAt }, defaultRules, 'x');
        const strip = (s: RelationshipState) => ({
          ...s,
          skippedDeadlines: [],
          phaseHistory: s.phaseHistory.map(({ recordedAt: _, ...c }) => c),
        });
        expect(strip(answer)).toEqual(strip(fresh));
        // Each change the answer says was known, was known then.
        for (const change of answer.phaseHistory) if (change.recordedAt !== undefined) expect(change.recordedAt).toBeLessThanOrEqual(knownAt);
      }),
      { numRuns: 200 },
    );
  });
});
