/**
 * A divorced relationship's decay trend is frozen at its end: a "now" filter
 * on decay status leaves it out unless asked to include ended marriages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourtshipEvent } from '../../src/domain/events.js';
import type { RelationshipFilter } from '../../src/app/read-side.js';
import type { Projector } from '../../src/projections/projector.js';
import { days, marriedBy, record, T0, Workspace } from './helpers.js';

const NOW = T0 + days(120);
const churned = (t: number): CourtshipEvent => ({ type: 'ChurnNoticeGiven', occurredAt: t, actor: 'PROSPECT', data: { reason: 'PRICE' } });
let ws: Workspace;
let projector: Projector;

beforeAll(async () => {
  ws = new Workspace();
  await record(ws.store, 'acme', 'married', marriedBy(T0));
  await record(ws.store, 'acme', 'divorced', [...marriedBy(T0), churned(T0 + days(30))]);
  projector = ws.projector();
  projector.start();
  await projector.catchUp();
});
afterAll(async () => {
  await ws.cleanup();
});

const ids = (filter: RelationshipFilter) => projector.listRelationships('acme', { filter, first: 10, at: NOW }).items.map((i) => i.node.id);
const ANY = ['IMPROVING', 'STABLE', 'DECAYING'] as const;

describe('decay status filters after a divorce', () => {
  it('leave a divorced relationship out of the current decay statuses', () => {
    expect(ids({ decayStatus: { in: [...ANY] } })).toEqual(['married']);
    expect(ids({ decayStatus: { isNull: true } })).toEqual(['divorced']);
  });

  it('match it by the trend it ended with when asked to include ended marriages', () => {
    expect(ids({ decayStatus: { in: [...ANY], includeEnded: true } })).toEqual(['divorced', 'married']);
  });
});
