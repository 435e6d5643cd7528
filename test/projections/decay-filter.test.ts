/**
 * A divorced relationship's decay trend is frozen at its end: a "now" filter
 * on decay status leaves it out unless asked to include ended marriages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelationshipFilter } from '../../src/app/read-side.js';
import type { Projector } from '../../src/projections/projector.js';
import { churnNotice, days, T0 } from '../support/events.js';
import { inThreeDays, married } from '../support/fixtures.js';
import { record } from '../support/record.js';
import { Workspace } from '../support/workspace.js';

const NOW = T0 + days(120);
let ws: Workspace;
let projector: Projector;

beforeAll(async () => {
  ws = new Workspace();
  await record(ws.store, 'acme', 'married', married(inThreeDays(T0)));
  await record(ws.store, 'acme', 'divorced', [...married(inThreeDays(T0)), churnNotice(T0 + days(30), 'PRICE')]);
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
