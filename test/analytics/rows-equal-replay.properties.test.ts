/**
 * The statistics the read side computes from its rows (cycles, and the
 * deadlines due but not recorded) equal the pure functions of src/analytics
 * over states replayed from the log, at random instants, whatever the order
 * the facts arrived in (late facts included), whether the scheduler recorded
 * the last deadlines or not.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnalyticsQuestion, AnalyticsRequest } from '../../src/app/read-side.js';
import { streamIdFor, toStoredEvents } from '../../src/app/relationship-stream.js';
import type { AnalyticsScope, GroupBy } from '../../src/analytics/cohort.js';
import { decaySummary } from '../../src/analytics/decay.js';
import { timeToMarriageStats, timeToProposalStats } from '../../src/analytics/durations.js';
import { funnel } from '../../src/analytics/funnel.js';
import { outcomes } from '../../src/analytics/outcomes.js';
import { cohortRetention } from '../../src/analytics/retention.js';
import type { CourtshipEvent } from '../../src/domain/events.js';
import { stateAt } from '../../src/domain/fold.js';
import { foldHistory } from '../../src/domain/history.js';
import { DAY_MS, defaultRules } from '../../src/domain/rules.js';
import { initialState, type RelationshipState } from '../../src/domain/state.js';
import { generateHistories } from '../../src/domain/generator/index.js';
import { arrivalArbitrary } from '../domain/arrivals.js';
import { HISTORY_START } from '../domain/arbitraries.js';
import { record, recordDeadlinesDue } from '../support/record.js';
import { Workspace } from '../support/workspace.js';

const NOW = Date.UTC(2100, 0, 1);
const SEGMENTS = ['SMB', 'ENTERPRISE', null] as const;

type Pure = (states: RelationshipState[], scope: AnalyticsScope) => unknown;

/** Every question, each answered by the pure function over states at the instant, with the grouping and window drawn. */
function questions({ funnelBy, proposalBy, marriageBy, ended }: Drawn): [AnalyticsQuestion, Pure][] {
  return [
    [{ kind: 'FUNNEL', groupBy: funnelBy }, (s, scope) => funnel(s, scope, defaultRules, funnelBy)],
    [{ kind: 'TIME_TO_PROPOSAL', groupBy: proposalBy }, (s, scope) => timeToProposalStats(s, scope, defaultRules, proposalBy)],
    [{ kind: 'TIME_TO_MARRIAGE', groupBy: marriageBy }, (s, scope) => timeToMarriageStats(s, scope, defaultRules, marriageBy)],
    [{ kind: 'DECAY' }, (s, scope) => decaySummary(s, scope, defaultRules)],
    [{ kind: 'OUTCOMES', ended: {} }, (s, scope) => outcomes(s, scope, defaultRules)],
    [{ kind: 'OUTCOMES', ended }, (s, scope) => outcomes(s, scope, defaultRules, ended)],
    [{ kind: 'RETENTION', by: 'MARRIAGE', months: 12 }, (s, scope) => cohortRetention(s, scope, defaultRules, 'MARRIAGE', 12)],
    [{ kind: 'RETENTION', by: 'OPENING', months: 12 }, (s, scope) => cohortRetention(s, scope, defaultRules, 'OPENING', 12)],
  ];
}

const GROUP_BYS = ['NONE', 'SEGMENT', 'OWNER', 'COHORT_MONTH'] as const satisfies readonly GroupBy[];
const OWNERS = ['ann', 'bob', null] as const;
/** Days from the histories' start, for the windows of cycle starts and of endings. */
const day = fc.option(fc.integer({ min: -5, max: 1500 }), { nil: null });
const inDays = (d: number | null): number | null => (d === null ? null : HISTORY_START + d * DAY_MS);

/** The groupings, the window of endings and the scope's filters of one run. */
const drawn = fc.record({
  funnelBy: fc.constantFrom(...GROUP_BYS),
  proposalBy: fc.constantFrom(...GROUP_BYS),
  marriageBy: fc.constantFrom(...GROUP_BYS),
  ended: fc.record({ from: day.map(inDays), to: day.map(inDays) }),
  owner: fc.constantFrom(...OWNERS),
  from: day.map(inDays),
  to: day.map(inDays),
});
type Drawn = typeof drawn extends fc.Arbitrary<infer T> ? T : never;

/** A few relationships told out of order, each with a segment, and whether the scheduler recorded its last deadlines. */
const tenants = fc.array(
  fc.record({
    pages: arrivalArbitrary(30).map(({ pages }) => pages),
    segment: fc.constantFrom(...SEGMENTS),
    owner: fc.constantFrom(...OWNERS),
    scheduled: fc.boolean(),
  }),
  { minLength: 1, maxLength: 4 },
);
/** Demo histories (marriages, divorces, reopenings, stakeholders), told in order: a seed and how many. */
const demo = fc.record({ seed: fc.nat(), relationships: fc.integer({ min: 0, max: 6 }) });
/** Instants from before the first opening to long after the histories, as days from their start. */
const instants = fc.array(fc.integer({ min: -5, max: 1500 }), { minLength: 1, maxLength: 4 });

describe('analytics from the rows equal a fresh replay', () => {
  const ws = new Workspace();
  const projector = ws.projector('main', { parallel: false });
  projector.start();
  afterAll(() => ws.cleanup());
  let run = 0;

  it('at random instants and now, late facts included, by every grouping and filter', async () => {
    await fc.assert(
      fc.asyncProperty(tenants, demo, instants, fc.constantFrom(...SEGMENTS), drawn, async (relationships, generated, days, segmentScope, draw) => {
        // Given relationships whose facts arrived late, in pages, the scheduler run after each page but maybe the last
        const tenant = `t${run++}`;
        const ids: string[] = [];
        for (const [n, { pages, segment, owner, scheduled }] of relationships.entries()) {
          const id = `r${n}`;
          for (const [p, page] of pages.entries()) {
            const events = p === 0 ? withOpening(page, segment, owner) : page;
            try {
              await record(ws.store, tenant, id, events, NOW);
            } catch {
              break; // an arrival order that refers to something not told yet: the relationship stops there
            }
            if (p === 0) ids.push(id);
            if (scheduled || p < pages.length - 1) await recordDeadlinesDue(ws.store, tenant, id, NOW);
          }
        }
        for (const history of generateHistories({ ...generated, start: HISTORY_START })) {
          await record(ws.store, tenant, history.id, history.events, NOW);
          ids.push(history.id);
          if (generated.seed % 2 === 0) await recordDeadlinesDue(ws.store, tenant, history.id, NOW);
        }
        await projector.catchUp();
        const streams = await Promise.all(ids.map(async (id) => [id, toStoredEvents(await ws.store.readStream(streamIdFor(tenant, id)))] as const));

        // When the read side answers now and as of each instant, for all relationships, for one segment, and for an owner's cycles started in a window
        for (const at of [NOW, ...days.map((d) => HISTORY_START + d * DAY_MS + 3_600_000)]) {
          const asOf = at !== NOW;
          const states = streams.map(([id, events]) =>
            asOf ? stateAt(events, at, defaultRules, initialState(id)) : foldHistory(events, defaultRules, initialState(id)),
          );
          const filtered: AnalyticsScope = { at, owner: draw.owner, from: draw.from, to: draw.to };
          for (const scope of [{ at }, { at, segment: segmentScope }, filtered] as AnalyticsScope[]) {
            for (const [question, pure] of questions(draw)) {
              const request: AnalyticsRequest = { question, scope, asOf };
              // Then each answer is the pure function's over the replayed states
              expect(await projector.analytics(tenant, request), `${question.kind} at ${new Date(at).toISOString()}`).toEqual(pure(states, scope));
            }
          }
        }
      }),
      { numRuns: 25 },
    );
  }, 240_000);
});

function withOpening(page: readonly CourtshipEvent[], segment: string | null, owner: string | null): CourtshipEvent[] {
  return page.map((event) =>
    event.type === 'RelationshipOpened'
      ? ({ ...event, data: { ...event.data, ...(segment === null ? {} : { segment }), ...(owner === null ? {} : { owner }) } } as CourtshipEvent)
      : event,
  );
}
