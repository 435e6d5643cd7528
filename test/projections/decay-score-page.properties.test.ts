/**
 * A page ordered by DECAY_SCORE read from the decay references
 * (decay-score-page.ts) is the page the JS evaluator gives over every state,
 * at any instant: references refreshed at R and the page asked at R, within
 * their horizon, 1 ms around the marriages' facts, window ends and week
 * ends, after R aged past the horizon (then scored exactly), with some
 * references older than others, and cursors both ways.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, RelationshipFilter, RelationshipOrder, RelationshipRow } from '../../src/app/read-side.js';
import { fold } from '../../src/domain/fold.js';
import { generateHistory } from '../../src/domain/generator/index.js';
import { evolve } from '../../src/domain/evolve.js';
import { decayInputsOf } from '../../src/domain/metrics/decay-inputs.js';
import { defaultRules } from '../../src/domain/rules.js';
import { initialState, type RelationshipState } from '../../src/domain/state.js';
import { marriagesWithoutReference } from '../../src/projections/decay-score-page.js';
import { ReadModelDb } from '../../src/projections/read-model-db.js';
import { createReadModelFile, rulesFingerprint } from '../../src/projections/read-model-schema.js';
import { listRelationshipsNow } from '../../src/projections/relationship-list.js';
import { listRelationships, type RelationshipQuery } from '../../src/projections/relationship-query.js';
import { RelationshipStates } from '../../src/projections/relationship-states.js';
import { REFERENCE_HORIZON_MS } from '../../src/projections/tables/decay-references.js';
import { historyArbitrary, HISTORY_START } from '../domain/arbitraries.js';
import { DAY, stored } from '../support/events.js';

const TENANT = 'acme';
const SEGMENTS = ['SMB', 'Enterprise', null] as const;
const H = REFERENCE_HORIZON_MS;

let dir: string;
let db: ReadModelDb;
let states: RelationshipStates;
let rows: Map<string, RelationshipRow>;
/** Instants where a marriage's score steps or bends: its facts, and a window or weeks after one. */
let decayBoundaries: number[];

/** Given 90 demo relationships (most marry; a third of them twice), and 30 from random histories, written as the projector writes them. */
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-decay-page-'));
  db = new ReadModelDb(createReadModelFile(path.join(dir, 'read-models.sqlite'), rulesFingerprint(defaultRules)), defaultRules);
  rows = new Map();
  for (let n = 0; n < 90; n++) {
    const id = `g${String(n).padStart(2, '0')}`;
    const events = generateHistory({ seed: 21, relationships: 90, start: HISTORY_START }, n).events;
    const state = { ...fold(stored(events), defaultRules, initialState(id)), id, segment: SEGMENTS[n % SEGMENTS.length]! };
    rows.set(id, { tenant: TENANT, id, state, position: BigInt(n + 1) });
  }
  const histories = fc.sample(fc.tuple(historyArbitrary(40), fc.nat({ max: 40 })), { numRuns: 30, seed: 21 });
  histories.forEach(([history, cut], n) => {
    const id = `r${String(n).padStart(2, '0')}`;
    let state: RelationshipState = initialState(id);
    for (const { event, revision } of history.stream.slice(0, Math.max(1, history.stream.length - cut))) state = evolve(state, event, { revision });
    state = { ...state, id, segment: SEGMENTS[n % SEGMENTS.length]! };
    rows.set(id, { tenant: TENANT, id, state, position: BigInt(1000 + n) });
    // A third of them twice, under another id: the same score at every instant, ordered by id.
    if (n % 3 === 0) rows.set(`${id}t`, { tenant: TENANT, id: `${id}t`, state: { ...state, id: `${id}t` }, position: BigInt(2000 + n) });
  });
  db.commit({ rows: [...rows.values()], phaseChanges: [], checkpoint: 1n });
  states = new RelationshipStates(db.connection, 8);
  const { decay } = defaultRules;
  const spans = [0, decay.windowDays, decay.upsellWindowDays, decay.competitorMemoryDays].map((d) => d * DAY);
  const weeks = [0, 7 * DAY, 8 * 7 * DAY];
  decayBoundaries = [...rows.values()].flatMap(({ state }) => {
    const inputs = decayInputsOf(state);
    const facts = inputs === null ? [] : [...inputs].filter((v) => Number.isFinite(v) && v > HISTORY_START - 365 * DAY);
    return facts.flatMap((fact) => spans.flatMap((span) => weeks.map((week) => fact + span + week)));
  });
});
afterAll(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every reference taken again at R (the refresh the projector runs, made due first); `share`: the part of the rows refreshed. */
function referAt(R: number, share = 1, horizon = H): void {
  db.connection.prepare('UPDATE decay_inputs SET ref_next = -1').run();
  const married = Number(db.connection.prepare('SELECT COUNT(*) FROM decay_inputs').pluck().get());
  db.refreshDecayReferences(R, Math.max(1, Math.round(married * share)), horizon);
}

const sqlPage = (query: RelationshipQuery) => listRelationshipsNow((sql) => db.statement(sql), states, TENANT, query, defaultRules);
const jsPage = (query: RelationshipQuery) => listRelationships(rows, query, defaultRules);
const comparable = (page: Page<RelationshipRow>) => ({ ...page, items: page.items.map(({ cursor, node }) => ({ cursor, id: node.id })) });

/** Then the page, the pages after (or before) its cursor, and the rows between both cursors are the evaluator's. */
function expectEvaluatorPages(first: RelationshipQuery, backwards: boolean): void {
  const expected = jsPage(first);
  expect(comparable(sqlPage(first))).toEqual(comparable(expected));
  let cursor = backwards ? expected.startCursor : expected.endCursor;
  // Two pages further on: the cursor sits below rows the references put wholly before it.
  for (let page = 0; page < 2 && cursor !== null; page++) {
    const next: RelationshipQuery = { ...first, ...(backwards ? { before: cursor } : { after: cursor }) };
    const nextPage = jsPage(next);
    expect(comparable(sqlPage(next))).toEqual(comparable(nextPage));
    cursor = backwards ? nextPage.startCursor : nextPage.endCursor;
  }
  const other = backwards ? expected.endCursor : expected.startCursor;
  const end = backwards ? expected.startCursor : expected.endCursor;
  if (other === null || end === null) return;
  const between: RelationshipQuery = { ...first, after: backwards ? end : other, before: backwards ? other : end };
  expect(comparable(sqlPage(between))).toEqual(comparable(jsPage(between)));
}

const filterArbitrary: fc.Arbitrary<RelationshipFilter | undefined> = fc.constantFrom<RelationshipFilter | undefined>(
  undefined,
  { phase: { in: ['MARRIED', 'NEGLECTED', 'CHEATING'] }, segment: { eq: 'Enterprise' } },
  { phase: { in: ['MARRIED', 'NEGLECTED', 'CHEATING'] } },
  { segment: { eq: 'SMB' } },
  { phase: { eq: 'DIVORCED' } },
  { phase: { eq: 'MARRIED' }, segment: { eq: 'SMB' } },
  { phase: { in: ['NEGLECTED', 'MARRIED', 'NEGLECTED', 'DIVORCED'], notIn: ['DIVORCED'] }, segment: { eq: 'Enterprise' }, owner: { isNull: true } },
  { owner: { isNull: true } },
);

const orderArbitrary: fc.Arbitrary<RelationshipOrder[]> = fc
  .tuple(fc.constantFrom('ASC' as const, 'DESC' as const), fc.option(fc.constantFrom('ASC' as const, 'DESC' as const), { nil: undefined }))
  .map(([direction, byId]) => [{ field: 'DECAY_SCORE', direction }, ...(byId === undefined ? [] : [{ field: 'ID' as const, direction: byId }])]);

/**
 * The query's instant T, the references' R and horizon (the server's, or wider: wide bounds put many rows
 * across a page's edges and cursors): T at R, within the horizon either side, at its ends, aged past it.
 */
const instantsArbitrary = fc
  .tuple(
    fc.oneof(
      fc.integer({ min: HISTORY_START, max: HISTORY_START + 3 * 365 * DAY }),
      fc.tuple(fc.nat(), fc.constantFrom(-1, 0, 1)).map(([n, ms]) => decayBoundaries[n % decayBoundaries.length]! + ms),
    ),
    fc.constantFrom(H, 3 * DAY, 30 * DAY),
  )
  .chain(([T, horizon]) =>
    fc
      .oneof(fc.constant(0), fc.integer({ min: -horizon, max: horizon }), fc.constantFrom(-1, 1, horizon - 1, horizon, horizon + 1, 3 * horizon, -2 * horizon))
      .map((offset) => ({ T, R: T - offset, horizon })),
  );

describe('a page by decay score read from the decay references', () => {
  it('is the evaluator\u2019s page at any instant around the references, and so are the pages after its cursor', () => {
    fc.assert(
      fc.property(
        fc.record({ filter: filterArbitrary, orderBy: orderArbitrary, size: fc.integer({ min: 1, max: 8 }), backwards: fc.boolean(), instants: instantsArbitrary, share: fc.constantFrom(1, 1, 0.5) }),
        ({ filter, orderBy, size, backwards, instants: { T, R, horizon }, share }) => {
          // Given references taken at R (some rows' older, when only a share is refreshed)
          referAt(R - 2 * horizon, 1, horizon);
          referAt(R, share, horizon);
          // When a page is asked at T, then it is the evaluator's, both ways
          expectEvaluatorPages({ ...(filter ? { filter } : {}), orderBy, at: T, ...(backwards ? { last: size } : { first: size }) }, backwards);
        },
      ),
      { numRuns: 300, seed: 2104 },
    );
  });

  it('orders equal scores by id at the page\u2019s edges, either way, from references that pin the score', () => {
    // Given divorces (their score frozen: the bounds are the score) scored twice under two ids, after every history
    const T = Math.max(...[...rows.values()].map(({ state }) => state.lastEventAt ?? 0)) + DAY;
    referAt(T);
    const divorced: RelationshipFilter = { phase: { eq: 'DIVORCED' } };
    expect(jsPage({ filter: divorced, first: 1, at: T }).totalCount).toBeGreaterThan(10);
    for (const orderBy of [[{ field: 'DECAY_SCORE', direction: 'DESC' }], [{ field: 'DECAY_SCORE', direction: 'DESC' }, { field: 'ID', direction: 'DESC' }], [{ field: 'DECAY_SCORE', direction: 'ASC' }, { field: 'ID', direction: 'DESC' }]] as RelationshipOrder[][]) {
      for (let size = 1; size <= 6; size++) {
        // When pages of any size are asked both ways, then they are the evaluator's
        expectEvaluatorPages({ filter: divorced, orderBy, at: T, first: size }, false);
        expectEvaluatorPages({ filter: divorced, orderBy, at: T, last: size }, true);
      }
    }
  });

  it('holds most marriages\u2019 references right after a refresh, and none but the divorces\u2019 once they aged past the horizon', () => {
    // (the marriages whose last event is not after the instant, as at the clock's now)
    const everyMarriage = { sql: 'tenant = @tenant AND married = 1 AND updated_at <= @at', params: {} };
    const stable = (at: number) =>
      Number(
        db.connection
          .prepare('SELECT COUNT(*) FROM relationship_rows WHERE tenant = @tenant AND married = 1 AND updated_at <= @at AND (stable_until IS NULL OR stable_until > @at)')
          .pluck()
          .get({ tenant: TENANT, at }),
      );
    // Given references refreshed at the instant (a last event's, 1 h later) where most such marriages have no deadline due
    const instants = [...rows.values()].map(({ state }) => (state.lastEventAt ?? 0) + 60 * 60 * 1000);
    const R = instants.reduce((best, at) => (stable(at) > stable(best) ? at : best));
    referAt(R);
    // Then a page at R scores exactly only the few without one; aged past the horizon, every one
    const without = (at: number) => marriagesWithoutReference((sql) => db.statement(sql), TENANT, at, everyMarriage);
    expect(stable(R)).toBeGreaterThan(5);
    expect(without(R)).toBeLessThan(stable(R) / 4);
    const frozen = (at: number) =>
      Number(
        db.connection
          .prepare(
            `SELECT COUNT(*) FROM relationship_rows r JOIN decay_inputs d ON d.tenant = r.tenant AND d.relationship_id = r.id
             WHERE r.tenant = @tenant AND r.married = 1 AND r.updated_at <= @at AND (r.stable_until IS NULL OR r.stable_until > @at) AND d.frozen_at <= @at`,
          )
          .pluck()
          .get({ tenant: TENANT, at }),
      );
    // (but the divorces': their score is frozen)
    expect(without(R + 2 * H)).toBe(stable(R + 2 * H) - frozen(R + 2 * H));

    // And references taken after the clock (a clock set back) are refreshed to it, not only those due
    referAt(R + 30 * DAY);
    expect(without(R)).toBeGreaterThanOrEqual(stable(R) - frozen(R));
    db.refreshDecayReferences(R, 100_000);
    expect(without(R)).toBeLessThan(stable(R) / 4);
    // and, once refreshed, none is due again at once
    expect(db.refreshDecayReferences(R + 1, 100_000)).toBeLessThan(stable(R) / 4);
  });

  it('reads the references best first from an index, one range per phase when the filter pins the phase and the segment', () => {
    const prepared: string[] = [];
    const recording = (sql: string) => (prepared.push(sql), db.statement(sql));
    const pinned: RelationshipFilter = { phase: { in: ['MARRIED', 'NEGLECTED', 'CHEATING'] }, segment: { eq: 'Enterprise' } };
    for (const [filter, direction, index, ranges] of [
      [pinned, 'DESC', 'decay_inputs_ref_hi_by_phase', 3],
      [pinned, 'ASC', 'decay_inputs_ref_lo_by_phase', 3],
      [undefined, 'DESC', 'decay_inputs_ref_hi', 1],
      [{ segment: { eq: 'SMB' } }, 'ASC', 'decay_inputs_ref_lo', 1],
    ] as const) {
      prepared.length = 0;
      // When a page of that shape is asked
      const query: RelationshipQuery = { ...(filter ? { filter } : {}), orderBy: [{ field: 'DECAY_SCORE', direction }], first: 5, at: HISTORY_START };
      listRelationshipsNow(recording, states, TENANT, query, defaultRules);
      // Then its references come from that many ranges of the index, each in the page's order
      const scans = [...new Set(prepared.filter((sql) => sql.includes('FROM decay_inputs AS d')))];
      expect(scans, `${direction} ${index}`).toHaveLength(ranges);
      for (const scan of scans) {
        const values = { tenant: TENANT, at: 0, p0: 'x', p1: 'x', p2: 'x', p3: 'x', range_segment: 'x', range_phase_0: 'x', range_phase_1: 'x', range_phase_2: 'x' };
        const names = [...scan.matchAll(/@(\w+)/g)].map((m) => m[1]!);
        const bound = Object.fromEntries(names.map((name) => [name, values[name as keyof typeof values]]));
        const plan = (db.connection.prepare(`EXPLAIN QUERY PLAN ${scan}`).all(bound) as { detail: string }[]).map((step) => step.detail).join('; ');
        expect(plan, `${direction} ${index}`).toMatch(new RegExp(`USING (COVERING )?INDEX ${index} `));
        expect(plan).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
      }
    }
  });
});
