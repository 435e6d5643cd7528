/**
 * A Relationship shown from its list columns (relationship(id), a page of
 * relationships "now") shows exactly what the same Relationship shown from
 * its state shows, at any instant: before, at and past each deadline due but
 * not recorded yet and each clock-flag threshold, a millisecond either side.
 * While no deadline is due it reads no state; from the deadline on it does.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { columnsHoldAt, type RelationshipRow } from '../../src/app/read-side.js';
import { nextDeadline } from '../../src/domain/deadlines.js';
import { evolve } from '../../src/domain/evolve.js';
import { clockFlagThresholds } from '../../src/domain/metrics/flags.js';
import { defaultRules } from '../../src/domain/rules.js';
import { initialState, type RelationshipState } from '../../src/domain/state.js';
import { recordedState, Relationship } from '../../src/graphql/types/relationship.js';
import { ReadModelDb } from '../../src/projections/read-model-db.js';
import { createReadModelFile, rulesFingerprint } from '../../src/projections/read-model-schema.js';
import { RelationshipStates } from '../../src/projections/relationship-states.js';
import { columnsFrom, COLUMNS_OF_ONE, type SelectedColumns } from '../../src/projections/tables/relationship-rows.js';
import { historyArbitrary, HISTORY_START } from '../domain/arbitraries.js';

const TENANT = 'acme';
const NAMES = ['Acme', 'ÉCOLE du Nord', null] as const;
const SEGMENTS = ['SMB', 'Enterprise', null] as const;
/** Every field the columns answer, and what the resolvers read of a relationship besides fields. */
const FIELDS = ['id', 'relationshipId', 'live', 'lastRevision', 'accountName', 'segment', 'owner', 'source', 'openedAt', 'asOf', 'phase', 'phaseSince', 'cycle', 'version', 'flags'] as const;

let dir: string;
let db: ReadModelDb;
let states: RelationshipStates;
let rows: RelationshipRow[];
/** Per relationship: its deadline, its clock-flag thresholds and its last event, where its values change. */
let boundaries: number[][];

/** Given 60 relationships folded from random histories (cut at random lengths), written as the projector writes them. */
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-columns-'));
  db = new ReadModelDb(createReadModelFile(path.join(dir, 'read-models.sqlite'), rulesFingerprint(defaultRules)), defaultRules);
  const histories = fc.sample(fc.tuple(historyArbitrary(40), fc.nat({ max: 40 })), { numRuns: 60, seed: 1419 });
  rows = histories.map(([history, cut], n) => {
    const id = `r${n}`;
    let state: RelationshipState = initialState(id);
    for (const { event, revision } of history.stream.slice(0, Math.max(1, history.stream.length - cut))) state = evolve(state, event, { revision });
    state = { ...state, id, accountName: NAMES[n % NAMES.length]!, segment: SEGMENTS[n % SEGMENTS.length]!, owner: n % 2 === 0 ? 'Ann' : null };
    return { tenant: TENANT, id, state, position: 2n ** 40n + BigInt(n) };
  });
  db.commit({ rows, phaseChanges: [], checkpoint: 1n });
  // No cache to speak of: a state asked for is read from the file.
  states = new RelationshipStates(db.connection, 1);
  boundaries = rows.map(({ state }) => [
    nextDeadline(state, defaultRules)?.at ?? HISTORY_START,
    ...Object.values(clockFlagThresholds(state, defaultRules)).filter((t): t is number => t !== null),
    state.lastEventAt ?? HISTORY_START,
  ]);
});
afterAll(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function fromColumns(id: string): RelationshipRow {
  const selected = db.connection.prepare(COLUMNS_OF_ONE).safeIntegers(false).get(TENANT, id) as SelectedColumns;
  return states.rowOf(columnsFrom(selected));
}

const shown = (relationship: Relationship) => Object.fromEntries(FIELDS.map((field) => [field, relationship[field]]));

const caseArbitrary = fc.nat({ max: 59 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    at: fc.oneof(
      fc.integer({ min: HISTORY_START - 10 * 86_400_000, max: HISTORY_START + 3 * 365 * 86_400_000 }),
      fc.tuple(fc.nat(), fc.constantFrom(-1, 0, 1)).map(([i, delta]) => boundaries[n]![i % boundaries[n]!.length]! + delta),
    ),
  }),
);

describe('a relationship shown from its list columns', () => {
  it('shows what its state evaluated at the instant shows, and reads the state only once a deadline is due', () => {
    fc.assert(
      fc.property(caseArbitrary, ({ n, at }) => {
        const { id, state } = rows[n]!;
        const row = fromColumns(id);
        const reads = vi.spyOn(states, 'get');
        const byColumns = shown(new Relationship(TENANT, row, at, defaultRules, 'recorded'));
        const readState = reads.mock.calls.length > 0;
        reads.mockRestore();
        expect(byColumns).toEqual(shown(new Relationship(TENANT, recordedState(state), at, defaultRules, 'recorded')));
        expect(readState).toBe(!columnsHoldAt(row.columns!, at));
      }),
      { numRuns: 2000, seed: 1419 },
    );
  });

  it('has the position and version of the row it was written from', () => {
    for (const { id, state, position } of rows) {
      const row = fromColumns(id);
      expect([row.position, row.columns!.version]).toEqual([position, state.version]);
    }
  });

  it('reads its state from the file when a field needs more than the columns', () => {
    const { id, state } = rows.find((row) => row.state.phase !== null)!;
    const relationship = new Relationship(TENANT, fromColumns(id), HISTORY_START + 3 * 365 * 86_400_000, defaultRules, 'recorded');
    expect(relationship.timeInPhasesOverall).toEqual(new Relationship(TENANT, recordedState(state), relationship.at, defaultRules, 'recorded').timeInPhasesOverall);
  });
});
