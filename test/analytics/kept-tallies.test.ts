/**
 * The statistics now over a whole tenant come from the tallies the writers
 * keep (tables/latest-cycle-tallies.ts), less the relationships opened after
 * the instant or with a deadline due by it: they equal the pure functions
 * over the folded states, before and after the relationships change.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { AnalyticsQuestion } from '../../src/app/read-side.js';
import type { AnalyticsScope } from '../../src/analytics/cohort.js';
import { timeToMarriageStats, timeToProposalStats } from '../../src/analytics/durations.js';
import { funnel } from '../../src/analytics/funnel.js';
import { outcomes } from '../../src/analytics/outcomes.js';
import { streamIdFor, toStoredEvents } from '../../src/app/relationship-stream.js';
import { foldHistory } from '../../src/domain/history.js';
import { DAY_MS, defaultRules } from '../../src/domain/rules.js';
import { initialState, type RelationshipState } from '../../src/domain/state.js';
import { generateHistories } from '../../src/domain/generator/index.js';
import { T0 } from '../support/events.js';
import { record, recordDeadlinesDue } from '../support/record.js';
import { Workspace } from '../support/workspace.js';

const QUESTIONS: [AnalyticsQuestion, (states: RelationshipState[], scope: AnalyticsScope) => unknown][] = [
  [{ kind: 'FUNNEL', groupBy: 'NONE' }, (s, scope) => funnel(s, scope, defaultRules)],
  [{ kind: 'TIME_TO_PROPOSAL', groupBy: 'NONE' }, (s, scope) => timeToProposalStats(s, scope, defaultRules)],
  [{ kind: 'TIME_TO_MARRIAGE', groupBy: 'NONE' }, (s, scope) => timeToMarriageStats(s, scope, defaultRules)],
  [{ kind: 'OUTCOMES', ended: {} }, (s, scope) => outcomes(s, scope, defaultRules)],
];

describe('the statistics now from the kept tallies', () => {
  const ws = new Workspace();
  const projector = ws.projector('main', { parallel: false });
  projector.start();
  afterAll(() => ws.cleanup());

  async function expectPureAt(tenant: string, ids: readonly string[], instants: readonly number[]): Promise<void> {
    const states = await Promise.all(
      ids.map(async (id) => foldHistory(toStoredEvents(await ws.store.readStream(streamIdFor(tenant, id))), defaultRules, initialState(id))),
    );
    for (const at of instants) {
      for (const [question, pure] of QUESTIONS) {
        const answer = await projector.analytics(tenant, { question, scope: { at }, asOf: false });
        expect(answer, `${question.kind} at ${new Date(at).toISOString()}`).toEqual(pure(states, { at }));
      }
    }
  }

  it('leaves out the relationships opened after the instant and those with a deadline due, and follows their changes', async () => {
    // Given generated relationships (reopenings, divorces, deadlines), some of whose deadlines the scheduler has not recorded
    const tenant = 'kept';
    const histories = [...generateHistories({ seed: 11, relationships: 30, start: T0 })];
    const ids = histories.map((history) => history.id);
    for (const [n, history] of histories.entries()) {
      await record(ws.store, tenant, history.id, history.events);
      if (n % 3 !== 0) await recordDeadlinesDue(ws.store, tenant, history.id, T0 + 400 * DAY_MS);
    }
    await projector.catchUp();
    const instants = [T0 - DAY_MS, T0 + 20 * DAY_MS, T0 + 120 * DAY_MS, T0 + 400 * DAY_MS, T0 + 3000 * DAY_MS];

    // When the read side answers now at instants before, among and after the openings, Then each answer is the pure function's
    await expectPureAt(tenant, ids, instants);

    // And when the scheduler records the remaining deadlines (rewriting the latest cycles), the tallies follow
    for (const id of ids) await recordDeadlinesDue(ws.store, tenant, id, T0 + 3000 * DAY_MS);
    await projector.catchUp();
    await expectPureAt(tenant, ids, instants);
  });
});
