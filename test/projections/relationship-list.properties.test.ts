/**
 * A page of relationships "now" asked of SQL (relationship-list.ts) is the
 * page the JS evaluator gives over every state (relationship-query.ts): for
 * random filters, orderings, page sizes both ways, the next page from a
 * cursor, and instants before, between and past the rows' deadlines and
 * clock-flag thresholds (where rows leave the SQL path for the evaluator).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, RelationshipFilter, RelationshipOrder, RelationshipOrderField, RelationshipRow } from '../../src/app/read-side.js';
import { nextDeadline } from '../../src/domain/deadlines.js';
import { PHASES, RISK_FLAGS } from '../../src/domain/events.js';
import { evolve } from '../../src/domain/evolve.js';
import { fold } from '../../src/domain/fold.js';
import { generateHistory } from '../../src/domain/generator/index.js';
import { decayInputsOf } from '../../src/domain/metrics/decay-inputs.js';
import { clockFlagThresholds } from '../../src/domain/metrics/flags.js';
import { defaultRules } from '../../src/domain/rules.js';
import { initialState, type RelationshipState } from '../../src/domain/state.js';
import { ReadModelDb } from '../../src/projections/read-model-db.js';
import { createReadModelFile, rulesFingerprint } from '../../src/projections/read-model-schema.js';
import { listRelationshipsNow } from '../../src/projections/relationship-list.js';
import { phaseRanges } from '../../src/projections/relationship-sql-page.js';
import { listRelationships, type RelationshipQuery } from '../../src/projections/relationship-query.js';
import { RelationshipStates } from '../../src/projections/relationship-states.js';
import { historyArbitrary, HISTORY_START } from '../domain/arbitraries.js';
import { DAY, stored } from '../support/events.js';

const TENANT = 'acme';
const NAMES = ['Acme', 'acme', 'ÉCOLE du Nord', 'école', '50%_off', 'Zeta', null] as const;
const SEGMENTS = ['SMB', 'smb', 'Enterprise', null] as const;
const FRAGMENTS = ['a', 'É', 'é', '%', '_', 'co', 'SM', ''];
const ORDER_FIELDS: RelationshipOrderField[] = ['ID', 'ACCOUNT_NAME', 'PHASE', 'PHASE_SINCE', 'UPDATED_AT', 'OPENED_AT', 'TIME_TO_PROPOSAL', 'DECAY_SCORE'];

let dir: string;
let db: ReadModelDb;
let states: RelationshipStates;
let rows: Map<string, RelationshipRow>;
/** Instants where a row's values change: deadlines and clock-flag thresholds, and the events. */
let boundaries: number[];
/** Instants where a marriage's decay moves by a step or a bend: its facts, and where a window, a week or a clamp ends after one. */
let decayBoundaries: number[];
let numbers: Record<'cycle' | 'openedAt' | 'phaseSince' | 'updatedAt' | 'ttp' | 'ttm', number[]>;

/** Given 60 relationships folded from random histories (cut at random lengths), and 30 demo ones, written as the projector writes them. */
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-list-'));
  db = new ReadModelDb(createReadModelFile(path.join(dir, 'read-models.sqlite'), rulesFingerprint(defaultRules)), defaultRules);
  const histories = fc.sample(fc.tuple(historyArbitrary(40), fc.nat({ max: 40 })), { numRuns: 60, seed: 14 });
  rows = new Map();
  histories.forEach(([history, cut], n) => {
    const id = `r${String(n).padStart(2, '0')}${n % 3 === 0 ? 'X' : ''}`;
    let state: RelationshipState = initialState(id);
    for (const { event, revision } of history.stream.slice(0, Math.max(1, history.stream.length - cut))) state = evolve(state, event, { revision });
    state = { ...state, id, accountName: NAMES[n % NAMES.length]!, segment: SEGMENTS[n % SEGMENTS.length]!, owner: n % 2 === 0 ? 'Ann' : null };
    rows.set(id, { tenant: TENANT, id, state, position: BigInt(n + 1) });
  });
  // And 30 demo relationships (most of them marry: decay scored from their decay inputs)
  for (let n = 0; n < 30; n++) {
    const id = `g${String(n).padStart(2, '0')}`;
    const events = generateHistory({ seed: 20, relationships: 30, start: HISTORY_START }, n).events;
    const state = { ...fold(stored(events), defaultRules, initialState(id)), id, segment: SEGMENTS[n % SEGMENTS.length]! };
    rows.set(id, { tenant: TENANT, id, state, position: BigInt(100 + n) });
  }
  db.commit({ rows: [...rows.values()], phaseChanges: [], checkpoint: 1n });
  // A small cache: pages read most states from the file.
  states = new RelationshipStates(db.connection, 8);

  const all = [...rows.values()].map((row) => row.state);
  boundaries = all.flatMap((s) => [
    nextDeadline(s, defaultRules)?.at ?? HISTORY_START,
    ...Object.values(clockFlagThresholds(s, defaultRules)).filter((t): t is number => t !== null),
    s.lastEventAt ?? HISTORY_START,
  ]);
  const { decay } = defaultRules;
  const spans = [0, decay.windowDays, decay.baselineDays, decay.upsellWindowDays, decay.competitorMemoryDays, decay.recency.fullDays, decay.recency.zeroDays].map(
    (d) => d * DAY,
  );
  const weeks = Array.from({ length: decay.trendWeeks + 1 }, (_, k) => k * 7 * DAY);
  decayBoundaries = all.flatMap((s) => {
    const inputs = decayInputsOf(s);
    // Every instant the inputs hold (the counts and indexes are small numbers).
    const facts = inputs === null ? [] : [...inputs].filter((v) => Number.isFinite(v) && v > HISTORY_START - 365 * DAY);
    return facts.flatMap((fact) => spans.flatMap((span) => weeks.map((week) => fact + span + week)));
  });
  const present = (values: (number | null | undefined)[]) => [...new Set(values.filter((v): v is number => typeof v === 'number'))];
  numbers = {
    cycle: [0, 1, 2, 3],
    openedAt: present(all.map((s) => s.openedAt)),
    phaseSince: present(all.map((s) => s.phaseSince)),
    updatedAt: present(all.map((s) => s.lastEventAt)),
    ttp: present(all.map((s) => s.cycles[s.cycle - 1]?.firstProposalAt && ((s.cycles[s.cycle - 1]!.firstProposalAt! - s.cycles[s.cycle - 1]!.startedAt) / DAY))).concat([0, 1.5, 10]),
    ttm: [0, 2, 20, 60],
  };
});
afterAll(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const stringFilter = (values: readonly (string | null)[]) =>
  fc.record(
    {
      eq: fc.constantFrom(...values.filter((v) => v !== null)),
      ne: fc.constantFrom(...values.filter((v) => v !== null)),
      in: fc.subarray(values.filter((v): v is string => v !== null)),
      notIn: fc.subarray(values.filter((v): v is string => v !== null)),
      contains: fc.constantFrom(...FRAGMENTS),
      isNull: fc.boolean(),
    },
    { requiredKeys: [] },
  );

const numberFilter = (pool: () => number[]) =>
  fc.nat().chain((seed) => {
    const values = pool();
    const pick = (offset: number) => values[(seed + offset) % values.length] ?? 0;
    return fc.record(
      {
        eq: fc.constant(pick(0)),
        gt: fc.constant(pick(1)),
        gte: fc.constant(pick(2)),
        lt: fc.constant(pick(3)),
        lte: fc.constant(pick(4)),
        isNull: fc.boolean(),
      },
      { requiredKeys: [] },
    );
  });

const leaf: fc.Arbitrary<RelationshipFilter> = fc.oneof(
  stringFilter(['r00X', 'r01', 'R01', 'r1']).map((id) => ({ id })),
  stringFilter(NAMES).map((accountName) => ({ accountName })),
  stringFilter(SEGMENTS).map((segment) => ({ segment })),
  stringFilter(['Ann', 'ann', null]).map((owner) => ({ owner })),
  stringFilter(['web', null]).map((source) => ({ source })),
  fc.record({ eq: fc.constantFrom(...PHASES), ne: fc.constantFrom(...PHASES), in: fc.subarray([...PHASES]), notIn: fc.subarray([...PHASES]) }, { requiredKeys: [] }).map((phase) => ({ phase })),
  numberFilter(() => numbers.cycle).map((cycle) => ({ cycle })),
  numberFilter(() => numbers.openedAt).map((openedAt) => ({ openedAt })),
  numberFilter(() => numbers.phaseSince).map((phaseSince) => ({ phaseSince })),
  numberFilter(() => numbers.updatedAt).map((updatedAt) => ({ updatedAt })),
  numberFilter(() => numbers.ttp).map((timeToProposalDays) => ({ timeToProposalDays })),
  numberFilter(() => numbers.ttm).map((timeToMarriageDays) => ({ timeToMarriageDays })),
  fc
    .record(
      {
        eq: fc.constantFrom('IMPROVING', 'STABLE', 'DECAYING' as const),
        in: fc.subarray(['IMPROVING', 'STABLE', 'DECAYING'] as const),
        notIn: fc.subarray(['IMPROVING', 'STABLE', 'DECAYING'] as const),
        isNull: fc.boolean(),
        includeEnded: fc.boolean(),
      },
      { requiredKeys: [] },
    )
    .map((decayStatus) => ({ decayStatus: decayStatus as RelationshipFilter['decayStatus'] })),
  fc
    .record({ has: fc.constantFrom(...RISK_FLAGS), hasAny: fc.subarray([...RISK_FLAGS]), hasAll: fc.subarray([...RISK_FLAGS]), isEmpty: fc.boolean() }, { requiredKeys: [] })
    .map((flags) => ({ flags })),
);

const filterArbitrary: fc.Arbitrary<RelationshipFilter> = fc.letrec<{ filter: RelationshipFilter }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('filter'), { maxLength: 3 }).map((and) => ({ and })),
    fc.array(tie('filter'), { maxLength: 3 }).map((or) => ({ or })),
    tie('filter').map((not) => ({ not })),
    fc.tuple(leaf, leaf).map(([a, b]) => ({ ...a, ...b })),
  ),
})).filter;

const orderArbitrary: fc.Arbitrary<RelationshipOrder[]> = fc.array(
  fc.record({ field: fc.constantFrom(...ORDER_FIELDS), direction: fc.constantFrom('ASC' as const, 'DESC' as const) }),
  { maxLength: 2 },
);

/** Instants: anywhere over the histories' years, or at a row's boundary, a millisecond either side. */
const instantArbitrary = fc.oneof(
  fc.integer({ min: HISTORY_START - 10 * DAY, max: HISTORY_START + 3 * 365 * DAY }),
  fc.tuple(fc.nat(), fc.constantFrom(-1, 0, 1)).map(([n, delta]) => boundaries[n % boundaries.length]! + delta),
);

const queryArbitrary = fc.record({
  filter: fc.option(filterArbitrary, { nil: undefined }),
  orderBy: orderArbitrary,
  size: fc.integer({ min: 1, max: 8 }),
  backwards: fc.boolean(),
  at: instantArbitrary,
});

/** Decay orderings and filters, at instants on and 1 ms around a marriage's facts, week ends and window ends. */
const decayQueryArbitrary = fc.record({
  filter: fc.option(
    fc.oneof(
      leaf,
      fc.tuple(leaf, leaf).map(([a, b]) => ({ ...a, ...b })),
      fc.constantFrom<RelationshipFilter>({ phase: { in: ['MARRIED', 'NEGLECTED', 'CHEATING'] } }, { segment: { eq: 'Enterprise' } }),
    ),
    { nil: undefined },
  ),
  orderBy: fc.tuple(fc.constantFrom('ASC' as const, 'DESC' as const), fc.option(orderArbitrary, { nil: undefined })).map(([direction, then]) => [
    { field: 'DECAY_SCORE' as const, direction },
    ...(then ?? []),
  ]),
  size: fc.integer({ min: 1, max: 8 }),
  backwards: fc.boolean(),
  at: fc.tuple(fc.nat(), fc.constantFrom(-1, 0, 1)).map(([n, delta]) => decayBoundaries[n % decayBoundaries.length]! + delta),
});

const sqlPage = (query: RelationshipQuery) => listRelationshipsNow((sql) => db.statement(sql), states, TENANT, query, defaultRules);
const jsPage = (query: RelationshipQuery) => listRelationships(rows, query, defaultRules);
const comparable = (page: Page<RelationshipRow>) => ({ ...page, items: page.items.map(({ cursor, node }) => ({ cursor, id: node.id, position: node.position })) });

/** Then the SQL page is the evaluator's, and so are the page after (or before) its cursor and the rows between both cursors. */
function expectEvaluatorPages(first: RelationshipQuery, backwards: boolean): void {
  const expected = jsPage(first);
  expect(comparable(sqlPage(first))).toEqual(comparable(expected));
  const cursor = backwards ? expected.startCursor : expected.endCursor;
  if (cursor === null) return;
  const next: RelationshipQuery = { ...first, ...(backwards ? { before: cursor } : { after: cursor }) };
  expect(comparable(sqlPage(next))).toEqual(comparable(jsPage(next)));
  // Both cursors at once: the rows between two of them.
  const other = backwards ? expected.endCursor : expected.startCursor;
  if (other === null) return;
  const between: RelationshipQuery = { ...first, after: backwards ? cursor : other, before: backwards ? other : cursor };
  expect(comparable(sqlPage(between))).toEqual(comparable(jsPage(between)));
}

/** The same for a drawn query, forwards or backwards. */
function samePagesBothWays({ filter, orderBy, size, backwards, at }: { filter: RelationshipFilter | undefined; orderBy: RelationshipOrder[]; size: number; backwards: boolean; at: number }): void {
  expectEvaluatorPages({ ...(filter ? { filter } : {}), orderBy, at, ...(backwards ? { last: size } : { first: size }) }, backwards);
}

/** `phase in` (two values or more, repeats included) and one segment, with or without more conditions, ordered by an indexed field. */
const rangedQueryArbitrary = fc.record({
  phase: fc.record(
    { in: fc.array(fc.constantFrom(...PHASES), { minLength: 2, maxLength: 6 }), ne: fc.constantFrom(...PHASES), notIn: fc.subarray([...PHASES], { maxLength: 2 }) },
    { requiredKeys: ['in'] },
  ),
  segment: fc.constantFrom('SMB', 'smb', 'Enterprise'),
  more: fc.option(leaf, { nil: undefined }),
  orderBy: fc.tuple(
    fc.record({ field: fc.constantFrom('UPDATED_AT', 'TIME_TO_PROPOSAL' as const), direction: fc.constantFrom('ASC' as const, 'DESC' as const) }),
    fc.option(fc.record({ field: fc.constantFrom(...ORDER_FIELDS), direction: fc.constantFrom('ASC' as const, 'DESC' as const) }), { nil: undefined }),
  ),
  size: fc.integer({ min: 1, max: 8 }),
  backwards: fc.boolean(),
  at: instantArbitrary,
});

describe('a page of relationships now, asked of SQL', () => {
  it('is the JS evaluator\u2019s page, and so is the page after (or before) its cursor', () => {
    fc.assert(fc.property(queryArbitrary, samePagesBothWays), { numRuns: 400, seed: 1414 });
  });

  it('orders and filters by decay as the evaluator does on and 1 ms around the marriages\u2019 facts, week ends and window ends', () => {
    // Given marriages whose columns hold at most of these instants (then their decay is scored from their decay inputs)
    const married = [...rows.values()].filter((row) => decayInputsOf(row.state) !== null);
    expect(married.length).toBeGreaterThan(10);
    const stableAt = (at: number) => married.filter((row) => (nextDeadline(row.state, defaultRules)?.at ?? Infinity) > at).length;
    expect(decayBoundaries.filter((at) => stableAt(at) > 5).length).toBeGreaterThan(decayBoundaries.length / 2);
    fc.assert(fc.property(decayQueryArbitrary, samePagesBothWays), { numRuns: 400, seed: 2020 });
  });

  it('reads `phase in` with one segment as one range per phase, and gives the evaluator\u2019s pages both ways', () => {
    fc.assert(
      fc.property(rangedQueryArbitrary, ({ phase, segment, more, orderBy: [by, then], size, backwards, at }) => {
        const filter: RelationshipFilter = { ...more, phase, segment: { eq: segment } };
        const orderBy = then ? [by, then] : [by];
        const phases = new Set(phase.in).size;
        expect(phaseRanges(filter, orderBy)?.length).toBe(phases < 2 ? undefined : phases);
        expectEvaluatorPages({ filter, orderBy, at, ...(backwards ? { last: size } : { first: size }) }, backwards);
      }),
      { numRuns: 300, seed: 2020 },
    );
  });

  it('counts a filter of only `phase in` and one segment from the kept counts, as the evaluator does', () => {
    fc.assert(
      fc.property(rangedQueryArbitrary, ({ phase, segment, orderBy: [by, then], size, backwards, at }) => {
        const filter: RelationshipFilter = { phase: { in: phase.in }, segment: { eq: segment } };
        expectEvaluatorPages({ filter, orderBy: then ? [by, then] : [by], at, ...(backwards ? { last: size } : { first: size }) }, backwards);
      }),
      { numRuns: 200, seed: 2021 },
    );
  });

  it('reads each phase\u2019s range in order from an index, never sorting every match', () => {
    // Given the page's statements as they are prepared
    const prepared: string[] = [];
    const recording = (sql: string) => (prepared.push(sql), db.statement(sql));
    const filter: RelationshipFilter = { phase: { in: ['MARRIED', 'NEGLECTED', 'CHEATING'] }, segment: { eq: 'Enterprise' } };
    for (const field of ['UPDATED_AT', 'TIME_TO_PROPOSAL'] as const) {
      for (const [direction, backwards] of [['DESC', false], ['DESC', true], ['ASC', false]] as const) {
        prepared.length = 0;
        // When a page of that shape is asked
        const query: RelationshipQuery = { filter, orderBy: [{ field, direction }], at: HISTORY_START, ...(backwards ? { last: 5 } : { first: 5 }) };
        listRelationshipsNow(recording, states, TENANT, query, defaultRules);
        // Then its rows come from one statement per phase, each an index range in the page's order
        const ranged = [...new Set(prepared.filter((sql) => sql.includes('ORDER BY')))];
        expect(ranged).toHaveLength(1);
        expect(ranged[0]).not.toMatch(/phase IN/);
        const plan = (db.connection.prepare(`EXPLAIN QUERY PLAN ${ranged[0]}`).all({ tenant: TENANT, at: 0, keep: 6, p0: 'x', p1: 'MARRIED' }) as { detail: string }[])
          .map((step) => step.detail)
          .join('; ');
        expect(plan, `${field} ${direction}${backwards ? ' backwards' : ''}`).toMatch(/USING COVERING INDEX relationship_rows_by_phase_segment/);
        expect(plan).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
        // And its count from the kept counts, less the rows due, read from their own index
        const counted = prepared.filter((sql) => sql.includes('relationship_row_counts'));
        expect(counted.length).toBe(1);
        expect(counted[0]).toMatch(/INDEXED BY relationship_rows_unstable/);
      }
    }
  });

  it('raises each clock flag from the first millisecond past its threshold, as the evaluator does', () => {
    const thresholds = [...rows.values()].flatMap((row) => Object.values(clockFlagThresholds(row.state, defaultRules)).filter((t): t is number => t !== null));
    expect(thresholds.length).toBeGreaterThan(10);
    for (const threshold of thresholds) {
      for (const at of [threshold - 1, threshold, threshold + 1]) {
        for (const flags of [{ has: 'UNANSWERED_QUESTIONS' }, { has: 'GOING_SILENT' }, { has: 'NEGLECT' }, { isEmpty: true }] as const) {
          const query: RelationshipQuery = { filter: { flags }, first: 100, at };
          expect(comparable(sqlPage(query)), `${JSON.stringify(flags)} at ${at}`).toEqual(comparable(jsPage(query)));
        }
      }
    }
  });

  it('takes rows with a deadline due but not recorded from the evaluator', () => {
    // Given an instant past every deadline, every row with one is evaluated from its state.
    const late = Math.max(...boundaries) + DAY;
    const withDeadline = [...rows.values()].filter((row) => nextDeadline(row.state, defaultRules) !== null).length;
    expect(withDeadline).toBeGreaterThan(0);
    const page = sqlPage({ first: 100, at: late, orderBy: [{ field: 'PHASE', direction: 'ASC' }] });
    expect(comparable(page)).toEqual(comparable(jsPage({ first: 100, at: late, orderBy: [{ field: 'PHASE', direction: 'ASC' }] })));
  });
});
