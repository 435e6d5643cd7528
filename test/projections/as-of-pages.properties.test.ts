/**
 * A page of relationships as of a past instant, paged from the rows'
 * outlines, is the page the list gives over every stream replayed to that
 * instant: the same rows in the same order, the same cursors, counts and
 * Relay flags, late facts included.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Page, RelationshipFilter, RelationshipOrder, RelationshipRow } from '../../src/app/read-side.js';
import { streamIdFor, toStoredEvents } from '../../src/app/relationship-stream.js';
import { stateAsOf } from '../../src/app/state-as-of.js';
import { generateHistories } from '../../src/domain/generator/index.js';
import { DAY_MS, defaultRules } from '../../src/domain/rules.js';
import { listRelationships } from '../../src/projections/relationship-query.js';
import { arrivalArbitrary } from '../domain/arrivals.js';
import { HISTORY_START } from '../domain/arbitraries.js';
import { record, recordDeadlinesDue } from '../support/record.js';
import { Workspace } from '../support/workspace.js';
import type { EventStore } from '../../src/store/port.js';

const NOW = Date.UTC(2100, 0, 1);

const LISTS: { filter?: RelationshipFilter; orderBy?: RelationshipOrder[] }[] = [
  {},
  { filter: { phase: { in: ['DATING', 'EXCLUSIVE', 'MARRIED', 'NEGLECTED'] } }, orderBy: [{ field: 'PHASE_SINCE', direction: 'DESC' }] },
  { orderBy: [{ field: 'PHASE', direction: 'ASC' }, { field: 'TIME_TO_PROPOSAL', direction: 'DESC' }] },
  { filter: { or: [{ timeToMarriageDays: { lte: 60 } }, { cycle: { gte: 2 } }] }, orderBy: [{ field: 'ACCOUNT_NAME', direction: 'DESC' }] },
  // What never changes after the opening alone: paged from the static outlines.
  { filter: { not: { id: { in: ['r1'] } }, openedAt: { lte: HISTORY_START + 400 * DAY_MS } }, orderBy: [{ field: 'OPENED_AT', direction: 'DESC' }] },
  { orderBy: [{ field: 'ACCOUNT_NAME', direction: 'ASC' }] },
  // No filter, by id alone: paged by SQL.
  { orderBy: [{ field: 'ID', direction: 'DESC' }] },
  // What the rows do not keep at T: every stream replayed.
  { filter: { phase: { ne: 'DATING' } }, orderBy: [{ field: 'UPDATED_AT', direction: 'DESC' }] },
];

const STORES: [string, () => Workspace<EventStore>][] = [
  ['in memory (a stream read at a time)', () => new Workspace()],
  ['on SQLite (a page of streams read at once)', () => Workspace.onSqlite()],
];

describe.each(STORES)('pages as of an instant, from the rows, %s', (_name, open) => {
  const ws = open();
  const projector = ws.projector('main', { parallel: false });
  projector.start();
  afterAll(() => ws.cleanup());
  let run = 0;

  it('equal the pages over every stream replayed to that instant', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arrivalArbitrary(25).map(({ pages }) => pages), { maxLength: 3 }),
        fc.record({ seed: fc.nat(), relationships: fc.integer({ min: 0, max: 6 }) }),
        fc.integer({ min: -5, max: 1500 }),
        fc.integer({ min: 1, max: 4 }),
        fc.option(fc.nat()),
        async (told, generated, day, size, onAnEvent) => {
          // Given relationships told out of order and demo ones, the last deadlines recorded or not
          const tenant = `t${run++}`;
          const ids: string[] = [];
          for (const [n, pages] of told.entries()) {
            for (const [p, page] of pages.entries()) {
              try {
                await record(ws.store, tenant, `r${n}`, page, NOW);
              } catch {
                break;
              }
              if (p === 0) ids.push(`r${n}`);
              if (p < pages.length - 1) await recordDeadlinesDue(ws.store, tenant, `r${n}`, NOW);
            }
          }
          for (const history of generateHistories({ ...generated, start: HISTORY_START })) {
            await record(ws.store, tenant, history.id, history.events, NOW);
            ids.push(history.id);
          }
          await projector.catchUp();
          const streams = await Promise.all(ids.map(async (id) => [id, await ws.store.readStream(streamIdFor(tenant, id))] as const));
          // At an instant between events, or exactly at one (a phase change at T holds at T)
          const instants = streams.flatMap(([, recorded]) => toStoredEvents(recorded).map((item) => item.event.occurredAt));
          const at = onAnEvent !== null && instants.length > 0 ? instants[onAnEvent % instants.length]! : HISTORY_START + day * DAY_MS + 3_600_000;
          const replayed = new Map<string, RelationshipRow>();
          for (const [id, recorded] of streams) {
            const state = stateAsOf(toStoredEvents(recorded), { asOf: at }, defaultRules, id);
            if (state.phase === null) continue;
            const position = recorded.filter((r) => r.revision <= state.version).at(-1)?.position ?? 0n;
            replayed.set(id, { tenant, id, state, position });
          }
          for (const list of LISTS) {
            // When each list is paged through, as of the instant
            let after: string | undefined;
            for (let guard = 0; guard < 20; guard++) {
              const query = { ...list, first: size, at, ...(after === undefined ? {} : { after }) };
              const page = await projector.listRelationshipsAsOf(tenant, query);
              // Then every page is the one the list gives over the replayed states
              expect(comparable(page)).toEqual(comparable(listRelationships(replayed, query, defaultRules)));
              if (!page.hasNextPage || page.endCursor === null) break;
              after = page.endCursor;
            }
            // And paged backwards, from the end, as well
            let before: string | undefined;
            for (let guard = 0; guard < 20; guard++) {
              const query = { ...list, last: size, at, ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) };
              const page = await projector.listRelationshipsAsOf(tenant, query);
              expect(comparable(page)).toEqual(comparable(listRelationships(replayed, query, defaultRules)));
              if (!page.hasPreviousPage || page.startCursor === null) break;
              before = page.startCursor;
              after = undefined;
            }
          }
        },
      ),
      { numRuns: 20 },
    );
  }, 240_000);
});

function comparable(page: Page<RelationshipRow>): unknown {
  return { ...page, items: page.items.map(({ cursor, node }) => ({ cursor, id: node.id, state: node.state, position: node.position.toString() })) };
}
