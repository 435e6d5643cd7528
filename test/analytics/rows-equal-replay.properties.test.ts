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
import type { AnalyticsScope } from '../../src/analytics/cohort.js';
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

/** Every question, each answered by the pure function over states at the instant. */
const QUESTIONS: [AnalyticsQuestion, (states: RelationshipState[], scope: AnalyticsScope) => unknown][] = [
  [{ kind: 'FUNNEL', groupBy: 'SEGMENT' }, (s, scope) => funnel(s, scope, defaultRules, 'SEGMENT')],
  [{ kind: 'TIME_TO_PROPOSAL', groupBy: 'COHORT_MONTH' }, (s, scope) => timeToProposalStats(s, scope, defaultRules, 'COHORT_MONTH')],
  [{ kind: 'TIME_TO_MARRIAGE', groupBy: 'NONE' }, (s, scope) => timeToMarriageStats(s, scope, defaultRules)],
  [{ kind: 'DECAY' }, (s, scope) => decaySummary(s, scope, defaultRules)],
  [{ kind: 'OUTCOMES', ended: {} }, (s, scope) => outcomes(s, scope, defaultRules)],
  [{ kind: 'RETENTION', by: 'MARRIAGE', months: 12 }, (s, scope) => cohortRetention(s, scope, defaultRules, 'MARRIAGE', 12)],
  [{ kind: 'RETENTION', by: 'OPENING', months: 12 }, (s, scope) => cohortRetention(s, scope, defaultRules, 'OPENING', 12)],
];

/** A few relationships told out of order, each with a segment, and whether the scheduler recorded its last deadlines. */
const tenants = fc.array(
  fc.record({
    pages: arrivalArbitrary(30).map(({ pages }) => pages),
    segment: fc.constantFrom(...SEGMENTS),
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

  it('at random instants and now, late facts included', async () => {
    await fc.assert(
      fc.asyncProperty(tenants, demo, instants, fc.constantFrom(...SEGMENTS), async (relationships, generated, days, segmentScope) => {
        // Given relationships whose facts arrived late, in pages, the scheduler run after each page but maybe the last
        const tenant = `t${run++}`;
        const ids: string[] = [];
        for (const [n, { pages, segment, scheduled }] of relationships.entries()) {
          const id = `r${n}`;
          for (const [p, page] of pages.entries()) {
            const events = p === 0 ? withSegment(page, segment) : page;
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

        // When the read side answers now and as of each instant, for all relationships and for one segment
        for (const at of [NOW, ...days.map((d) => HISTORY_START + d * DAY_MS + 3_600_000)]) {
          const asOf = at !== NOW;
          const states = streams.map(([id, events]) =>
            asOf ? stateAt(events, at, defaultRules, initialState(id)) : foldHistory(events, defaultRules, initialState(id)),
          );
          for (const scope of [{ at }, { at, segment: segmentScope }] as AnalyticsScope[]) {
            for (const [question, pure] of QUESTIONS) {
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

function withSegment(page: readonly CourtshipEvent[], segment: string | null): CourtshipEvent[] {
  return page.map((event) =>
    event.type === 'RelationshipOpened' && segment !== null ? ({ ...event, data: { ...event.data, segment } } as CourtshipEvent) : event,
  );
}
