/**
 * What the rows of cycles cannot tell as of a past instant, the read side
 * replays: an older cycle's churn reason (the state keeps only the latest
 * cycle's), and a marriage's decay when a veto holder's stance changed both
 * before and since that instant.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { streamIdFor, toStoredEvents } from '../../src/app/relationship-stream.js';
import { decaySummary } from '../../src/analytics/decay.js';
import { outcomes } from '../../src/analytics/outcomes.js';
import type { CourtshipEvent, Stance } from '../../src/domain/events.js';
import { stateAt } from '../../src/domain/fold.js';
import { defaultRules } from '../../src/domain/rules.js';
import { initialState } from '../../src/domain/state.js';
import { churnNotice, days, on, reopened, T0, vendorCall } from '../support/events.js';
import { inThreeDays, married } from '../support/fixtures.js';
import { record } from '../support/record.js';
import { Workspace } from '../support/workspace.js';

const NOW = T0 + days(400);
let ws: Workspace;
beforeEach(() => {
  ws = new Workspace();
});
afterEach(() => ws.cleanup());

const vetoHolder = (t: number): CourtshipEvent =>
  on(t, 'StakeholderIntroduced', 'VENDOR', { stakeholderId: 's1', name: 'CFO', role: 'DECISION_MAKER', hasVeto: true });
const stance = (t: number, to: Stance): CourtshipEvent => on(t, 'StakeholderStanceChanged', 'VENDOR', { stakeholderId: 's1', stance: to });

async function replayedAt(at: number) {
  const events = toStoredEvents(await ws.store.readStream(streamIdFor('acme', 'r1')));
  return [stateAt(events, at, defaultRules, initialState('r1'))];
}

describe('as of an instant the rows cannot answer for', () => {
  it("counts an older cycle's churn by the reason its notice gave", async () => {
    // Given a divorce for PRICE, then a reopening
    await record(ws.store, 'acme', 'r1', [...married(inThreeDays(T0)), churnNotice(T0 + days(10), 'PRICE'), reopened(T0 + days(40))], NOW);
    const projector = ws.projector('main', { parallel: false });
    projector.start();
    await projector.catchUp();
    // When the endings are asked for as of a day between the divorce and the reopening
    const at = T0 + days(20);
    const answer = await projector.analytics('acme', { question: { kind: 'OUTCOMES', ended: {} }, scope: { at }, asOf: true });
    // Then the divorce counts with its reason, as a replay says
    expect(answer.find((o) => o.outcome === 'DIVORCED')!.reasons).toEqual([{ kind: 'CHURN_REASON', value: 'PRICE', count: 1 }]);
    expect(answer).toEqual(outcomes(await replayedAt(at), { at }, defaultRules));
  });

  it('scores a marriage with the veto stance it had then, changed once before and once since', async () => {
    // Given a veto holder supportive before the instant and opposed after it
    await record(
      ws.store,
      'acme',
      'r1',
      [...married(inThreeDays(T0)), vetoHolder(T0 + days(4)), stance(T0 + days(22), 'SUPPORTIVE'), vendorCall(T0 + days(20)), stance(T0 + days(30), 'OPPOSED')],
      NOW,
    );
    const projector = ws.projector('main', { parallel: false });
    projector.start();
    await projector.catchUp();
    // When the decay summary is asked for as of a day in between
    const at = T0 + days(25);
    const answer = await projector.analytics('acme', { question: { kind: 'DECAY' }, scope: { at }, asOf: true });
    // Then it scores the supportive veto, as a replay does
    expect(answer).toEqual(decaySummary(await replayedAt(at), { at }, defaultRules));
  });
});
