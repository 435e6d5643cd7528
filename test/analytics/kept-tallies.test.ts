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
import { stateAt } from '../../src/domain/fold.js';
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

  /** Each kept question answered now (`asOf` false) or as of each instant equals the pure function over the replayed states. */
  async function expectPureAt(tenant: string, ids: readonly string[], instants: readonly number[], asOf = false): Promise<void> {
    const streams = await Promise.all(ids.map(async (id) => [id, toStoredEvents(await ws.store.readStream(streamIdFor(tenant, id)))] as const));
    for (const at of instants) {
      const states = streams.map(([id, events]) =>
        asOf ? stateAt(events, at, defaultRules, initialState(id)) : foldHistory(events, defaultRules, initialState(id)),
      );
      for (const [question, pure] of QUESTIONS) {
        const answer = await projector.analytics(tenant, { question, scope: { at }, asOf });
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

  it('follows each relationship written a few events at a time (reopenings, endings, late deadlines), now and as of past instants', async () => {
    // Given generated relationships (seven of them reopened) recorded a few events at a time, the read side catching up after each few
    const tenant = 'incremental';
    const histories = [...generateHistories({ seed: 11, relationships: 30, start: T0 })];
    const longest = Math.max(...histories.map((history) => history.events.length));
    for (let from = 0; from < longest; from += 4) {
      for (const history of histories) {
        const events = history.events.slice(from, from + 4);
        if (events.length > 0) await record(ws.store, tenant, history.id, events);
      }
      await projector.catchUp();
    }
    for (const history of histories) await recordDeadlinesDue(ws.store, tenant, history.id, T0 + 3000 * DAY_MS);
    await projector.catchUp();

    // When the read side answers now and as of instants through the histories, Then each answer is the pure function's
    const ids = histories.map((history) => history.id);
    await expectPureAt(tenant, ids, [T0 + 3000 * DAY_MS]);
    await expectPureAt(tenant, ids, [T0 + 30 * DAY_MS, T0 + 200 * DAY_MS, T0 + 700 * DAY_MS, T0 + 1500 * DAY_MS], true);
  });

  it('counts relationships that read alike once each, as of past instants', async () => {
    // Given generated relationships each recorded twice, under two ids: the changes since an instant come in identical pairs
    const tenant = 'twins';
    const histories = [...generateHistories({ seed: 12, relationships: 12, start: T0 })];
    const ids: string[] = [];
    for (const history of histories) {
      for (const id of [history.id, `${history.id}-twin`]) {
        await record(ws.store, tenant, id, history.events);
        await recordDeadlinesDue(ws.store, tenant, id, T0 + 3000 * DAY_MS);
        ids.push(id);
      }
    }
    await projector.catchUp();

    // When the read side answers as of instants through the histories, Then each answer is the pure function's, each twin counted
    await expectPureAt(tenant, ids, [T0 + 30 * DAY_MS, T0 + 200 * DAY_MS, T0 + 700 * DAY_MS], true);
  });
});
