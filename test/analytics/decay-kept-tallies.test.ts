/**
 * The decay summary now over a whole tenant comes from the tallies the
 * writer keeps of the divorced marriages' frozen trends
 * (tables/decay-summary-tallies.ts) and the current marriages' rows: it
 * equals the pure function over the folded states, and the tallies equal a
 * recount of decay_inputs, as relationships are written a few events at a
 * time (divorces, reopenings, deadlines recorded late).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { decaySummary } from '../../src/analytics/decay.js';
import { streamIdFor, toStoredEvents } from '../../src/app/relationship-stream.js';
import { foldHistory } from '../../src/domain/history.js';
import { DAY_MS, defaultRules } from '../../src/domain/rules.js';
import { initialState } from '../../src/domain/state.js';
import { generateHistories } from '../../src/domain/generator/index.js';
import { READ_MODEL_FILE_NAME } from '../../src/projections/read-model-schema.js';
import { T0 } from '../support/events.js';
import { record, recordDeadlinesDue } from '../support/record.js';
import { Workspace } from '../support/workspace.js';

describe('the decay summary now from the kept tallies of frozen trends', () => {
  const ws = new Workspace();
  const projector = ws.projector('main', { parallel: false });
  projector.start();
  afterAll(() => ws.cleanup());

  async function expectPureNow(tenant: string, ids: readonly string[], instants: readonly number[]): Promise<void> {
    const states = await Promise.all(ids.map(async (id) => foldHistory(toStoredEvents(await ws.store.readStream(streamIdFor(tenant, id))), defaultRules, initialState(id))));
    for (const at of instants) {
      const answer = await projector.analytics(tenant, { question: { kind: 'DECAY' }, scope: { at }, asOf: false });
      expect(answer, `at ${new Date(at).toISOString()}`).toEqual(decaySummary(states, { at }, defaultRules));
    }
  }

  /** The kept tables as a recount of decay_inputs would write them (zero counts left out). */
  function expectTalliesRecounted(tenant: string): { frozen: number } {
    const db = new Database(path.join(ws.readModelDir('main'), READ_MODEL_FILE_NAME), { readonly: true });
    try {
      const kept = (sql: string): unknown[] => db.prepare(sql).raw().all(tenant);
      expect(kept('SELECT status, n FROM decay_frozen_counts WHERE tenant = ? AND n <> 0 ORDER BY status')).toEqual(
        kept('SELECT frozen_status, count(*) FROM decay_inputs WHERE tenant = ? AND frozen_at IS NOT NULL GROUP BY frozen_status ORDER BY frozen_status'),
      );
      expect(kept('SELECT bucket, n FROM decay_frozen_buckets WHERE tenant = ? AND n <> 0 ORDER BY bucket')).toEqual(
        kept(`SELECT (neglected - married) / ${DAY_MS}, count(*) FROM decay_inputs WHERE tenant = ? AND frozen_at IS NOT NULL AND neglected IS NOT NULL GROUP BY 1 ORDER BY 1`),
      );
      expect(kept('SELECT relationship_id, status, delay FROM decay_frozen WHERE tenant = ? ORDER BY relationship_id')).toEqual(
        kept('SELECT relationship_id, frozen_status, neglected - married FROM decay_inputs WHERE tenant = ? AND frozen_at IS NOT NULL ORDER BY relationship_id'),
      );
      return { frozen: Number(db.prepare('SELECT count(*) FROM decay_frozen WHERE tenant = ?').pluck().get(tenant)) };
    } finally {
      db.close();
    }
  }

  it('follows relationships written a few events at a time (divorces, reopenings, late deadlines)', async () => {
    // Given generated relationships (divorces, reopenings) recorded a few events at a time, the read side catching up after each few
    const tenant = 'frozen';
    const histories = [...generateHistories({ seed: 11, relationships: 40, start: T0 })];
    const ids = histories.map((history) => history.id);
    const longest = Math.max(...histories.map((history) => history.events.length));
    for (let from = 0; from < longest; from += 6) {
      for (const history of histories) {
        const events = history.events.slice(from, from + 6);
        if (events.length > 0) await record(ws.store, tenant, history.id, events);
      }
      await projector.catchUp();
      // Then after each batch the kept tallies equal a recount of the rows
      expectTalliesRecounted(tenant);
    }
    // (Now is after every event; before the first opening, every frozen marriage is left out of the tallies' answer)
    const instants = [T0 - DAY_MS, T0 + 3000 * DAY_MS, T0 + 9000 * DAY_MS];

    // When the read side answers now, before the first opening and after the histories, Then each answer is the pure function's
    await expectPureNow(tenant, ids, instants);

    // And when the scheduler records the deadlines due late (rewriting the rows), the tallies follow
    for (const id of ids) await recordDeadlinesDue(ws.store, tenant, id, T0 + 3000 * DAY_MS);
    await projector.catchUp();
    const { frozen } = expectTalliesRecounted(tenant);
    expect(frozen).toBeGreaterThan(0);
    await expectPureNow(tenant, ids, instants);
  });
});
