import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/app/errors.js';
import type { RelationshipFilter, RelationshipOrder } from '../../src/app/read-side.js';
import type { Projector } from '../../src/projections/projector.js';
import { days, opened, prospectCall, T0, vendorInterest } from '../support/events.js';
import { inThreeDays, married } from '../support/fixtures.js';
import { record } from '../support/record.js';
import { Workspace } from '../support/workspace.js';

const HOUR = 3_600_000;
const NOW = T0 + days(10);
let ws: Workspace;
let projector: Projector;

/**
 * Tenant acme: one married (g-married, SMB), one dating (g-dating, SMB), and
 * 24 at the first glance (a-00 … a-23, opened an hour apart, segments
 * alternating ENTERPRISE / SMB). Tenant rival: one relationship of its own.
 */
beforeAll(async () => {
  ws = new Workspace();
  await record(ws.store, 'acme', 'g-married', married({ ...inThreeDays(T0), accountName: 'Globex Married', account: { segment: 'SMB' } }));
  await record(ws.store, 'acme', 'g-dating', [
    opened(T0, 'Globex Dating', { segment: 'SMB' }),
    vendorInterest(T0 + days(1)),
    prospectCall(T0 + days(1)),
  ]);
  for (let i = 0; i < 24; i++) {
    const id = `a-${String(i).padStart(2, '0')}`;
    await record(ws.store, 'acme', id, [
      opened(T0 + i * HOUR, `Account ${i}`, { segment: i % 2 === 0 ? 'ENTERPRISE' : 'SMB' }),
    ]);
  }
  await record(ws.store, 'rival', 'g-married', [opened(T0, 'Rival Corp', { segment: 'SMB' })]);
  projector = ws.projector();
  projector.start();
  await projector.catchUp();
});
afterAll(async () => {
  await ws.cleanup();
});

function ids(filter?: RelationshipFilter, orderBy?: RelationshipOrder[], at = NOW, tenant = 'acme'): string[] {
  return projector.listRelationships(tenant, { filter, orderBy, first: 100, at }).items.map((item) => item.node.id);
}

describe('listing relationships', () => {
  it('filters by phase and segment, within the tenant only', () => {
    const page = projector.listRelationships('acme', {
      filter: { phase: { in: ['DATING', 'MARRIED'] }, segment: { eq: 'SMB' } },
      first: 10,
      at: NOW,
    });
    expect(page.items.map((i) => i.node.id)).toEqual(['g-dating', 'g-married']);
    expect(page.totalCount).toBe(2);
    expect(page.items.every((i) => i.node.tenant === 'acme')).toBe(true);
    expect(ids({ accountName: { contains: 'rival' } })).toEqual([]);
    expect(ids(undefined, undefined, NOW, 'rival')).toEqual(['g-married']);
    expect(projector.getRelationship('rival', 'g-married')!.state.accountName).toBe('Rival Corp');
  });

  it('combines filters with and, or and not', () => {
    expect(ids({ or: [{ phase: { eq: 'MARRIED' } }, { id: { in: ['a-03', 'a-04'] } }] })).toEqual(['a-03', 'a-04', 'g-married']);
    expect(ids({ and: [{ segment: { eq: 'SMB' } }, { not: { phase: { eq: 'ATTRACTION' } } }] })).toEqual(['g-dating', 'g-married']);
    expect(ids({ openedAt: { gte: T0 + 22 * HOUR } })).toEqual(['a-22', 'a-23']);
  });

  it('treats an absent value as matching only isNull, and not as inverting the whole match', () => {
    // Only g-married has a decay trend: `ne` leaves the others out, `not … eq` keeps them.
    expect(ids({ decayStatus: { ne: 'STABLE' } })).toEqual(ids({ and: [{ decayStatus: { isNull: false } }, { not: { decayStatus: { eq: 'STABLE' } } }] }));
    expect(ids({ not: { decayStatus: { eq: 'IMPROVING' } } })).toHaveLength(ids({}).length - ids({ decayStatus: { eq: 'IMPROVING' } }).length);
    expect(ids({ decayStatus: { isNull: false } })).toEqual(['g-married']);
    expect(ids({ timeToProposalDays: { lte: 100 } })).toEqual(['g-married']);
    expect(ids({ timeToProposalDays: { isNull: true } })).toHaveLength(25);
    expect(ids({ owner: { ne: 'nobody' } })).toEqual([]);
  });

  it('shows a deadline that fell due but is not recorded yet', () => {
    const neglectedSince = T0 + days(63);
    expect(ids({ phase: { eq: 'NEGLECTED' } }, undefined, neglectedSince - 1)).toEqual([]);
    expect(ids({ phase: { eq: 'NEGLECTED' } }, undefined, neglectedSince)).toEqual(['g-married']);
    expect(ids({ flags: { has: 'NEGLECT' }, phaseSince: { eq: neglectedSince } }, undefined, neglectedSince)).toEqual([
      'g-married',
    ]);
    expect(projector.getRelationship('acme', 'g-married')!.state.phase).toBe('MARRIED');
  });

  it('pages through a stable order with opaque cursors, ties broken by id', () => {
    const orderBy: RelationshipOrder[] = [{ field: 'PHASE', direction: 'DESC' }];
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = projector.listRelationships('acme', { orderBy, first: 7, after, at: NOW });
      expect(page.totalCount).toBe(26);
      seen.push(...page.items.map((i) => i.node.id));
      if (!page.hasNextPage) break;
      after = page.endCursor!;
    }
    const attraction = Array.from({ length: 24 }, (_, i) => `a-${String(i).padStart(2, '0')}`);
    expect(seen).toEqual(['g-married', 'g-dating', ...attraction]);
  });

  it('orders by opening, newest first, with absent values last', () => {
    const newest = ids(undefined, [{ field: 'OPENED_AT', direction: 'DESC' }]).slice(0, 3);
    expect(newest).toEqual(['a-23', 'a-22', 'a-21']);
    const byTimeToProposal = ids(undefined, [{ field: 'TIME_TO_PROPOSAL', direction: 'DESC' }]);
    expect(byTimeToProposal[0]).toBe('g-married');
  });

  it('refuses a cursor from another ordering', () => {
    const page = projector.listRelationships('acme', { first: 2, at: NOW });
    expect(() =>
      projector.listRelationships('acme', {
        first: 2,
        after: page.endCursor!,
        orderBy: [{ field: 'OPENED_AT', direction: 'ASC' }],
        at: NOW,
      }),
    ).toThrow(InputError);
    expect(() => projector.listRelationships('acme', { first: 2, after: 'not a cursor', at: NOW })).toThrow(InputError);
  });

  it('looks a relationship up by tenant and id', () => {
    expect(projector.getRelationship('acme', 'g-married')?.id).toBe('g-married');
    expect(projector.getRelationship('acme', 'missing')).toBeNull();
    expect(projector.getRelationship('rival', 'a-01')).toBeNull();
  });
});

describe('the event log', () => {
  it('pages through the tenant feed in log order and never shows another tenant', async () => {
    const all = await projector.listEvents('acme', { first: 1000 });
    expect(all.items).toHaveLength(5 + 3 + 24);
    expect(all.items.every((i) => i.node.tenant === 'acme')).toBe(true);
    const positions = all.items.map((i) => i.node.position);
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);

    const first = await projector.listEvents('acme', { first: 5 });
    expect(first.hasNextPage).toBe(true);
    const next = await projector.listEvents('acme', { first: 5, after: first.items[4]!.node.position });
    expect(next.items[0]!.node.position).toBe(positions[5]);
    expect((await projector.listEvents('rival', { first: 100 })).items.map((i) => i.node.relationshipId)).toEqual(['g-married']);
  });

  it('filters by type, actor, relationship and occurrence time', async () => {
    const prospectInterest = await projector.listEvents('acme', {
      first: 100,
      filter: { types: ['InterestSignaled', 'InteractionLogged'], actors: ['PROSPECT'] },
    });
    expect(prospectInterest.items.map((i) => [i.node.relationshipId, i.node.type])).toEqual([
      ['g-married', 'InterestSignaled'],
      ['g-dating', 'InteractionLogged'],
    ]);

    const married = await projector.listEvents('acme', { first: 100, filter: { relationshipIds: ['g-married'] } });
    expect(married.items.map((i) => i.node.revision)).toEqual([0, 1, 2, 3, 4]);

    const late = await projector.listEvents('acme', { first: 100, filter: { occurredFrom: T0 + 20 * HOUR, occurredTo: T0 + 23 * HOUR } });
    expect(late.items.map((i) => i.node.relationshipId)).toEqual(['a-20', 'a-21', 'a-22', 'a-23']);
  });

  it('keeps what was appended: data as the API takes it, actor, times and ids', async () => {
    const opening = await projector.listRelationshipEvents('acme', 'g-dating', { first: 1 });
    expect(opening.items[0]!.node).toMatchObject({
      type: 'RelationshipOpened',
      actor: 'VENDOR',
      occurredAt: T0,
      data: { accountName: 'Globex Dating', segment: 'SMB' },
      metadata: null,
    });
    expect(opening.hasNextPage).toBe(true);
  });

  it('pages through one relationship by revision', async () => {
    const first = await projector.listRelationshipEvents('acme', 'g-married', { first: 2 });
    const rest = await projector.listRelationshipEvents('acme', 'g-married', { first: 10, afterRevision: 1 });
    expect([...first.items, ...rest.items].map((i) => i.node.revision)).toEqual([0, 1, 2, 3, 4]);
    expect(rest.hasNextPage).toBe(false);
    expect((await projector.listRelationshipEvents('rival', 'g-dating', { first: 10 })).items).toEqual([]);
  });

  it('answers several relationships at once with the pages it gives one by one', async () => {
    const requests = [
      { id: 'g-married', first: 2 },
      { id: 'g-dating', first: 2 },
      { id: 'g-married', afterRevision: 2, first: 10 },
      { id: 'a-05', first: 2 },
      { id: 'nobody', first: 2 },
    ];
    const pages = await projector.listRelationshipEventsMany('acme', requests);
    const summary = pages.map((page) => ({
      revisions: page.items.map((item) => item.node.revision),
      ids: [...new Set(page.items.map((item) => item.node.relationshipId))],
      hasNextPage: page.hasNextPage,
      endCursor: page.endCursor,
    }));
    expect(summary).toEqual([
      { revisions: [0, 1], ids: ['g-married'], hasNextPage: true, endCursor: expect.any(String) },
      { revisions: [0, 1], ids: ['g-dating'], hasNextPage: true, endCursor: expect.any(String) },
      { revisions: [3, 4], ids: ['g-married'], hasNextPage: false, endCursor: expect.any(String) },
      { revisions: [0], ids: ['a-05'], hasNextPage: false, endCursor: expect.any(String) },
      { revisions: [], ids: [], hasNextPage: false, endCursor: null },
    ]);
    for (const [i, request] of requests.entries()) {
      const alone = await projector.listRelationshipEvents('acme', request.id, request);
      expect(pages[i]!.items).toEqual(alone.items);
      expect(pages[i]!.endCursor).toBe(alone.endCursor);
    }
  });

  it("answers the batched pages within the tenant only", async () => {
    const [rival, unknown] = await projector.listRelationshipEventsMany('rival', [
      { id: 'g-married', first: 10 },
      { id: 'g-dating', first: 10 },
    ]);
    expect(rival!.items.map((item) => [item.node.tenant, item.node.type])).toEqual([['rival', 'RelationshipOpened']]);
    expect(unknown!.items).toEqual([]);
  });

  it('lists phase changes after a position, by relationship and target phase', async () => {
    const all = projector.listPhaseChanges('acme', { first: 100 });
    expect(all.map((c) => [c.relationshipId, c.to])).toEqual([
      ['g-married', 'DATING'],
      ['g-married', 'PROPOSED'],
      ['g-married', 'MARRIED'],
      ['g-dating', 'DATING'],
    ]);
    expect(projector.listPhaseChanges('acme', { first: 100, after: { position: all[1]!.position, seq: all[1]!.seq } }).map((c) => c.to)).toEqual([
      'MARRIED',
      'DATING',
    ]);
    expect(projector.listPhaseChanges('acme', { first: 100, relationshipId: 'g-dating' })).toHaveLength(1);
    expect(projector.listPhaseChanges('acme', { first: 100, phases: ['MARRIED', 'PROPOSED'] })).toHaveLength(2);
    expect(projector.listPhaseChanges('rival', { first: 100 })).toEqual([]);
  });
});

describe('listing relationships as of an instant the rows do not answer', () => {
  it('replays every stream a slice at a time, letting the event loop run between slices', async () => {
    // Given acme's 26 relationships and something waiting on the event loop
    const ran: string[] = [];
    const waiting = new Promise<void>((resolve) =>
      setImmediate(() => {
        ran.push('event loop');
        resolve();
      }),
    );
    // When a list ordered by what the rows do not keep at T (every stream replayed) is asked
    const listed = projector
      .listRelationshipsAsOf('acme', { first: 3, at: NOW, orderBy: [{ field: 'UPDATED_AT', direction: 'DESC' }] })
      .then((page) => {
        ran.push('list');
        return page;
      });
    const [, page] = await Promise.all([waiting, listed]);
    // Then what waited ran before the list was done, and the list holds every relationship of the tenant
    expect(ran).toEqual(['event loop', 'list']);
    expect(page.totalCount).toBe(26);
  });
});
