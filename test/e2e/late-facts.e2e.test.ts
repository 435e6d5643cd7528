/**
 * Late facts end to end, over HTTP and graphql-ws on the embedded store: the
 * stories through `appendEvents` and the typed mutations, corrections
 * delivered to subscribers (who mirror the phase history), `knownAt` reads,
 * and a subscriber resuming across a restart in the middle of a correction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { perform, wedding } from './support/courtship.js';
import { APPEND, gql, gqlOk } from './support/gql.js';
import { startServer, type E2EServer } from './support/server.js';
import { PHASE_CHANGED, record, wsClient, type PhaseChangeJson } from './support/ws.js';

let server: E2EServer;
let token: string;

beforeAll(async () => {
  server = await startServer({ now: '2025-03-01T00:00:00Z' });
  token = server.token('acme');
});
afterAll(() => server?.close());

const HISTORY = `phaseHistory { from to at recordedAt cause { kind eventType rule revision } }`;

interface TransitionJson {
  from: string;
  to: string;
  at: string;
  recordedAt: string | null;
  cause: { kind: string; eventType: string | null; rule: string | null; revision: number | null };
}

/** What a CRM keeps of a transition. */
const key = (t: { from: string | null; to: string; at: string; cause: { kind: string; eventType: string | null; rule: string | null } }) =>
  `${t.from}→${t.to} ${t.at} ${t.cause.kind === 'EVENT' ? t.cause.eventType : t.cause.rule}`;

/** Applies phaseChanged items as a diff. */
function mirror(items: readonly PhaseChangeJson[], relationshipId: string): string[] {
  const held: string[] = [];
  for (const item of items.filter((i) => i.relationshipId === relationshipId)) {
    if (!item.retracted) held.push(key(item));
    else held.splice(held.lastIndexOf(key(item)), 1);
  }
  return held;
}

async function historyOf(id: string, args = ''): Promise<{ phase: string; phaseHistory: TransitionJson[] } | null> {
  const data = await gqlOk(server.url, token, `{ relationship(id: "${id}"${args}) { phase ${HISTORY} } }`);
  return data.relationship;
}

describe('late facts over the API', () => {
  it('a late visit undoes a neglect: subscribers get the retraction, knownAt still shows what was believed', async () => {
    const client = wsClient(server.wsUrl, token);
    try {
      const positions = await perform(server.url, token, 'quiet', wedding('Quiet', 'SMB'));
      const changes = record<PhaseChangeJson>(client.client, PHASE_CHANGED, { relationshipId: 'quiet', after: positions[0] });
      await changes.waitForCount(4);
      // Married on 15 February: with no vendor in sight, neglected on 16 April.
      server.clock.set('2025-05-01T00:00:00Z');
      const [, , , , neglect] = await changes.waitForCount(5);
      expect(neglect).toMatchObject({ to: 'NEGLECTED', retracted: false, cause: { kind: 'DEADLINE', rule: 'NEGLECT' } });
      const believedAt = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 5));

      // The rep logs the business review of 10 April, late.
      await perform(server.url, token, 'quiet', [['logInteraction', { actor: 'VENDOR', channel: 'BUSINESS_REVIEW', occurredAt: '2025-04-10T09:00:00Z' }]]);
      const items = await changes.waitForCount(6);
      expect(items[5]).toMatchObject({
        from: 'MARRIED',
        to: 'NEGLECTED',
        retracted: true,
        at: '2025-04-16T09:00:00.000Z',
        correctedBy: { eventType: 'InteractionLogged' },
      });
      expect(items.slice(0, 5).every((i) => i.correctedBy === null)).toBe(true);
      expect(new Set(items.map((i) => i.cursor)).size).toBe(items.length);

      const now = await historyOf('quiet');
      expect(now!.phase).toBe('MARRIED');
      expect(mirror(items, 'quiet')).toEqual(now!.phaseHistory.map(key));
      expect(now!.phaseHistory.every((t) => t.recordedAt !== null)).toBe(true);

      const then = await historyOf('quiet', `, knownAt: "${believedAt}"`);
      expect(then!.phase).toBe('NEGLECTED');
      const list = await gqlOk(server.url, token, `{ relationships(first: 100, knownAt: "${believedAt}", filter: { id: { eq: "quiet" } }) { edges { node { phase } } } }`);
      expect(list.relationships.edges.map((e: any) => e.node.phase)).toEqual(['NEGLECTED']);
      const funnelThen = await gqlOk(server.url, token, `{ decaySummary(knownAt: "${believedAt}") { __typename } }`);
      expect(funnelThen.decaySummary.__typename).toBe('DecaySummary');
    } finally {
      await client.dispose();
    }
  });

  it('a late rejection after a recorded altar silence moves the cause from DEADLINE to EVENT (appendEvents)', async () => {
    server.clock.set('2025-05-01T00:00:00Z');
    await gqlOk(server.url, token, APPEND, {
      id: 'altar',
      events: [
        { type: 'RelationshipOpened', occurredAt: '2025-01-02T09:00:00Z', actor: 'VENDOR', data: { accountName: 'Altar' } },
        { type: 'InterestSignaled', occurredAt: '2025-01-03T09:00:00Z', actor: 'VENDOR' },
        { type: 'InterestSignaled', occurredAt: '2025-01-04T09:00:00Z', actor: 'PROSPECT' },
        { type: 'ProposalSubmitted', occurredAt: '2025-01-10T09:00:00Z', actor: 'VENDOR', data: { proposalId: 'p1' } },
      ],
    });
    await waitFor(async () => (await historyOf('altar'))!.phase === 'LEFT_AT_ALTAR');
    expect((await historyOf('altar'))!.phaseHistory.at(-1)!.cause).toMatchObject({ kind: 'DEADLINE', rule: 'ALTAR_SILENCE' });

    await gqlOk(server.url, token, APPEND, {
      id: 'altar',
      events: [{ type: 'ProposalRejected', occurredAt: '2025-02-01T09:00:00Z', actor: 'PROSPECT', data: { proposalId: 'p1' } }],
    });
    const after = await historyOf('altar');
    expect(after!.phase).toBe('LEFT_AT_ALTAR');
    expect(after!.phaseHistory.at(-1)).toMatchObject({ at: '2025-02-01T09:00:00.000Z', cause: { kind: 'EVENT', eventType: 'ProposalRejected' } });
  });

  it('refuses a late fact that contradicts the recorded history, naming the event, and writes nothing', async () => {
    await perform(server.url, token, 'steady', wedding('Steady', 'SMB').slice(0, 8));
    const head = await server.app.store.headPosition();
    const reply = await gql(server.url, token, `mutation($input: WithdrawInterestInput!) { withdrawInterest(input: $input) { position } }`, {
      input: { relationshipId: 'steady', actor: 'PROSPECT', occurredAt: '2025-02-03T12:00:00Z' },
    });
    expect(reply.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'CONTRADICTS_RECORDED_EVENT',
      field: 'input.occurredAt',
      conflict: { revision: 3, type: 'QuestionAsked' },
    });
    expect(await server.app.store.headPosition()).toBe(head);
  });

  it('withdrawal from a pending proposal is leaving the vendor at the altar', async () => {
    await perform(server.url, token, 'walkaway', [
      ...wedding('Walkaway', 'SMB').slice(0, 9),
      ['withdrawInterest', { actor: 'PROSPECT', occurredAt: '2025-02-12T09:00:00Z' }],
    ]);
    expect((await historyOf('walkaway'))!.phaseHistory.at(-1)).toMatchObject({
      from: 'PROPOSED',
      to: 'LEFT_AT_ALTAR',
      cause: { kind: 'EVENT', eventType: 'InterestWithdrawn' },
    });
  });
});

describe('a subscriber resuming across a restart in the middle of a correction', () => {
  it('misses nothing: the rest of the correction, then what follows', { timeout: 60_000 }, async () => {
    const own = await startServer({ now: '2025-01-15T00:00:00Z' });
    const t = own.token('acme');
    const history = async () => (await gqlOk(own.url, t, `{ relationship(id: "resume") { phase ${HISTORY} } }`)).relationship;
    try {
      const [start] = await perform(own.url, t, 'resume', [
        ['openRelationship', { accountName: 'Resume', occurredAt: '2025-01-02T09:00:00Z' }],
        ['signalInterest', { actor: 'VENDOR', occurredAt: '2025-01-03T09:00:00Z' }],
        ['signalInterest', { actor: 'PROSPECT', occurredAt: '2025-01-04T09:00:00Z' }],
        ['submitProposal', { proposalId: 'p1', occurredAt: '2025-01-10T09:00:00Z' }],
      ]);
      // The prospect goes quiet: left at the altar 45 days after the proposal, on 24 February.
      own.clock.set('2025-05-01T00:00:00Z');
      await waitFor(async () => (await history()).phase === 'LEFT_AT_ALTAR');
      // One late fact, two items at one position: the silence taken back, the rejection in its place.
      await perform(own.url, t, 'resume', [['rejectProposal', { proposalId: 'p1', occurredAt: '2025-02-01T09:00:00Z' }]]);

      const first = wsClient(own.wsUrl, t);
      const all = await record<PhaseChangeJson>(first.client, PHASE_CHANGED, { relationshipId: 'resume', after: start }).waitForCount(5);
      await first.dispose();
      expect(all.map((i) => `${key(i)}${i.retracted ? ' (retracted)' : ''}`)).toEqual([
        'ATTRACTION→DATING 2025-01-04T09:00:00.000Z InterestSignaled',
        'DATING→PROPOSED 2025-01-10T09:00:00.000Z ProposalSubmitted',
        'PROPOSED→LEFT_AT_ALTAR 2025-02-24T09:00:00.000Z ALTAR_SILENCE',
        'PROPOSED→LEFT_AT_ALTAR 2025-02-24T09:00:00.000Z ALTAR_SILENCE (retracted)',
        'PROPOSED→LEFT_AT_ALTAR 2025-02-01T09:00:00.000Z ProposalRejected',
      ]);
      const retraction = all.findIndex((i) => i.retracted);
      expect(all[retraction]).toMatchObject({ to: 'LEFT_AT_ALTAR', cause: { rule: 'ALTAR_SILENCE' } });
      expect(all[retraction + 1]).toMatchObject({ to: 'LEFT_AT_ALTAR', retracted: false, cause: { eventType: 'ProposalRejected' } });
      expect(all[retraction]!.cursor.split('.')[0]).toBe(all[retraction + 1]!.cursor.split('.')[0]);

      // Cut off right after the retraction; the server restarts; more is written meanwhile.
      await own.restart();
      await perform(own.url, t, 'resume', [['reopenRelationship', { occurredAt: '2025-03-01T09:00:00Z' }]]);
      const second = wsClient(own.wsUrl, t);
      try {
        const rest = await record<PhaseChangeJson>(second.client, PHASE_CHANGED, { relationshipId: 'resume', after: all[retraction]!.cursor }).waitForCount(2);
        expect(rest[0]).toEqual(all[retraction + 1]);
        expect(rest[1]).toMatchObject({ from: 'LEFT_AT_ALTAR', to: 'ATTRACTION', retracted: false });
        expect(mirror([...all.slice(0, retraction + 1), ...rest], 'resume')).toEqual((await history()).phaseHistory.map(key));
      } finally {
        await second.dispose();
      }
    } finally {
      await own.close();
    }
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
