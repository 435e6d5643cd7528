/**
 * Paging a list whose order moves with time alone (decay scores drift as the
 * days since the vendor last showed up grow): the next pages, asked for within
 * a day, are evaluated at the first page's instant, so no row appears twice
 * or goes missing because the clock moved between pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/graphql.js';

let h: Harness;
const day = (d: number) => new Date(Date.parse('2025-01-06T00:00:00Z') + d * 86_400_000).toISOString();

beforeAll(async () => {
  h = await startHarness('2025-04-16T00:00:00Z');
  // Ten marriages whose vendor last called on slightly different days: close decay scores.
  for (let i = 0; i < 10; i++) {
    await h.ok(`mutation($events: [EventInput!]!) { appendEvents(relationshipId: "r${i}", events: $events) { position } }`, {
      events: [
        { type: 'RelationshipOpened', occurredAt: day(0), actor: 'VENDOR', data: { accountName: `R${i}` } },
        { type: 'ContractSigned', occurredAt: day(1), actor: 'PROSPECT', data: { contractId: 'c' } },
        { type: 'InteractionLogged', occurredAt: day(40 + i), actor: 'VENDOR', data: { channel: 'CALL' } },
        { type: 'InteractionLogged', occurredAt: day(70 + i * 0.3), actor: 'VENDOR', data: { channel: 'CALL' } },
      ],
    });
  }
});
afterAll(async () => {
  await h?.close();
});

const PAGE = `query($after: String) {
  relationships(first: 5, after: $after, orderBy: [{ field: DECAY_SCORE, direction: DESC }]) {
    edges { node { id decay { score } } }
    pageInfo { endCursor hasNextPage }
  }
}`;

type Page = { edges: { node: { id: string; decay: { score: number } } }[]; pageInfo: { endCursor: string; hasNextPage: boolean } };

describe('paging by a score that moves with time', () => {
  it('lists every relationship once when the clock moves between pages', async () => {
    const first = (await h.ok<{ relationships: Page }>(PAGE)).relationships;
    h.clock.advance(6 * 60 * 60 * 1000);
    const second = (await h.ok<{ relationships: Page }>(PAGE, { after: first.pageInfo.endCursor })).relationships;
    const ids = [...first.edges, ...second.edges].map((edge) => edge.node.id);
    expect(new Set(ids).size).toBe(10);
    expect(second.pageInfo.hasNextPage).toBe(false);
    // The second page shows the scores of the first page's instant: in order across both pages.
    const scores = [...first.edges, ...second.edges].map((edge) => edge.node.decay.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('describes a relationship written since the first page no earlier than its own last event', async () => {
    const order = `query($after: String) { relationships(first: 1, after: $after, orderBy: [{ field: OPENED_AT, direction: ASC }, { field: ID, direction: ASC }]) {
      edges { node { id asOf phase phaseSince decay { score } } } pageInfo { endCursor }
    } }`;
    const first = (await h.ok(order)).relationships;
    h.clock.advance(6 * 60 * 60 * 1000);
    const now = new Date(h.clock.now()).toISOString();
    // Opened after the others (it sorts after the first page), and married just now, after the first page's instant.
    const opened = new Date(h.clock.now() - 10 * 86_400_000).toISOString();
    await h.ok(`mutation($events: [EventInput!]!) { appendEvents(relationshipId: "zz-late", events: $events) { position } }`, {
      events: [
        { type: 'RelationshipOpened', occurredAt: opened, actor: 'VENDOR', data: { accountName: 'Late' } },
        { type: 'ContractSigned', occurredAt: now, actor: 'PROSPECT', data: { contractId: 'c' } },
      ],
    });
    let after: string = first.pageInfo.endCursor;
    for (;;) {
      const page = (await h.ok(order, { after })).relationships;
      const late = page.edges.find((edge: { node: { id: string } }) => edge.node.id === 'zz-late');
      if (late) {
        expect(late.node).toMatchObject({ asOf: now, phase: 'MARRIED', phaseSince: now, decay: { score: expect.any(Number) } });
        return;
      }
      expect(page.edges).toHaveLength(1);
      after = page.pageInfo.endCursor;
    }
  });
});
