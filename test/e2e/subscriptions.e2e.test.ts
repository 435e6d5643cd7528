/**
 * Phase changes reach integrators live over graphql-ws, resume after a
 * disconnect (and a server restart) from the last cursor with exactly what was
 * missed, carry deadline transitions caused by the passing of (manual) time,
 * and never cross tenants.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { datingEvents, perform, wedding, type Step } from './support/courtship.js';
import { APPEND, gqlOk } from './support/gql.js';
import { startServer, type E2EServer } from './support/server.js';
import { PHASE_CHANGED, record, untilLive, wsClient, type PhaseChangeJson, type WsClient } from './support/ws.js';

let server: E2EServer;
let acme: string;
const clients: WsClient[] = [];

function connect(token: string): WsClient {
  const client = wsClient(server.wsUrl, token);
  clients.push(client);
  return client;
}

const summary = (changes: PhaseChangeJson[]) => changes.map((c) => `${c.relationshipId}:${c.from}->${c.to}`);

/** Opens a relationship and makes it DATING: one phase change. */
const probe = (token: string, id: string) => () => gqlOk(server.url, token, APPEND, { id, events: datingEvents(id, 'PROBE') }).then(() => undefined);

beforeAll(async () => {
  server = await startServer({ now: '2025-03-01T00:00:00Z' });
  acme = server.token('acme');
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(() => server?.close());

describe('phaseChanged', () => {
  it('delivers live phase changes in order, with their causes', async () => {
    const changes = record<PhaseChangeJson>(connect(acme).client, PHASE_CHANGED, { phases: ['DATING', 'EXCLUSIVE', 'PROPOSED', 'MARRIED'] });
    let n = 0;
    const live = await untilLive(changes, () => probe(acme, `live-probe-${n++}`)());
    await perform(server.url, acme, 'live', wedding('Live', 'SMB'));
    const received = (await changes.waitForCount(live + 4)).slice(live);
    expect(summary(received)).toEqual(['live:ATTRACTION->DATING', 'live:DATING->EXCLUSIVE', 'live:EXCLUSIVE->PROPOSED', 'live:PROPOSED->MARRIED']);
    expect(received.map(({ cause: { kind, eventType, rule } }) => ({ kind, eventType, rule }))).toEqual(
      ['InterestSignaled', 'ExclusivityGranted', 'ProposalSubmitted', 'ContractSigned'].map((eventType) => ({ kind: 'EVENT', eventType, rule: null })),
    );
    expect(received.every((c) => c.retracted === false)).toBe(true);
    expect(received.map((c) => c.at)).toEqual(['2025-02-03T09:00:00.000Z', '2025-02-07T09:00:00.000Z', '2025-02-10T09:00:00.000Z', '2025-02-15T09:00:00.000Z']);
    // A probe written after the wedding arrives right after its four changes: no change came twice.
    await probe(acme, 'after-live')();
    const withProbe = await changes.waitForCount(live + 5);
    expect(summary(withProbe.slice(live + 4))).toEqual(['after-live:ATTRACTION->DATING']);
  });

  async function resumeScenario(id: string, between: () => Promise<void>) {
    const steps = wedding(id, 'SMB');
    const opened = await perform(server.url, acme, id, steps.slice(0, 1));
    const first = record<PhaseChangeJson>(connect(acme).client, PHASE_CHANGED, { relationshipId: id, after: opened[0] });
    await perform(server.url, acme, id, steps.slice(1, 3));
    const [dating] = await first.waitForCount(1);
    expect(summary([dating!])).toEqual([`${id}:ATTRACTION->DATING`]);
    await clients.pop()!.dispose();

    // Missed while away: EXCLUSIVE and PROPOSED.
    await perform(server.url, acme, id, steps.slice(3, 9));
    await between();

    const resumed = record<PhaseChangeJson>(connect(acme).client, PHASE_CHANGED, { relationshipId: id, after: dating!.cursor });
    await resumed.waitForCount(2);
    await perform(server.url, acme, id, steps.slice(9));
    const all = await resumed.waitForCount(3);
    expect(summary(all)).toEqual([`${id}:DATING->EXCLUSIVE`, `${id}:EXCLUSIVE->PROPOSED`, `${id}:PROPOSED->MARRIED`]);
    expect(new Set(all.map((c) => c.cursor)).size).toBe(3);
    expect(all.map((c) => c.cursor)).not.toContain(dating!.cursor);

    // A probe written after the last change arrives right after it: nothing came late or twice in between.
    await perform(server.url, acme, id, [['detectCompetitorContact', { competitor: 'Rivalsoft', occurredAt: '2025-02-20T09:00:00Z' }]]);
    const withProbe = await resumed.waitForCount(4);
    expect(summary(withProbe.slice(3))).toEqual([`${id}:MARRIED->CHEATING`]);
  }

  it('resumes after a disconnect with exactly the missed changes, in order, then live ones', () =>
    resumeScenario('away', async () => undefined));

  it('resumes from the same cursor after the server is closed and started again on the same data dir', () =>
    resumeScenario('restarted', () => server.restart()));
});

describe('relationshipEvents', () => {
  it('delivers the events after a cursor, then live ones, for one relationship only', async () => {
    const steps: Step[] = wedding('Mirror', 'SMB').slice(0, 4);
    const positions = await perform(server.url, acme, 'mirror', steps);
    await probe(acme, 'not-mirrored')();
    const events = record<{ type: string; revision: number; relationshipId: string; position: string }>(
      connect(acme).client,
      `subscription($id: ID!, $after: String) { relationshipEvents(relationshipId: $id, after: $after) { relationshipId type revision position } }`,
      { id: 'mirror', after: positions[1] },
    );
    await events.waitForCount(2);
    await perform(server.url, acme, 'mirror', [['answerQuestion', { questionId: 'q1', occurredAt: '2025-02-05T09:00:00Z' }]]);
    const received = await events.waitForCount(3);
    expect(received.map((e) => `${e.relationshipId}@${e.revision}:${e.type}`)).toEqual([
      'mirror@2:InterestSignaled',
      'mirror@3:QuestionAsked',
      'mirror@4:QuestionAnswered',
    ]);
    expect(received[0]!.position).toBe(positions[2]);
  });
});

describe('tenants', () => {
  it("never delivers one tenant's changes to another tenant's subscriber", async () => {
    const globex = server.token('globex');
    const theirs = record<PhaseChangeJson>(connect(globex).client, PHASE_CHANGED, {});
    let m = 0;
    await untilLive(theirs, () => probe(globex, `control-${m++}`)());
    const ours = record<PhaseChangeJson>(connect(acme).client, PHASE_CHANGED, {});
    let n = 0;
    const oursLive = await untilLive(ours, () => probe(acme, `tenant-probe-${n++}`)());
    await perform(server.url, acme, 'secret', wedding('Secret', 'SMB'));
    await ours.waitForCount(oursLive + 4);

    // Positive control, written after acme's changes: once it arrives, anything of acme's would have arrived before it.
    const seen = theirs.items.length;
    await probe(globex, 'control-last')();
    await theirs.waitForCount(seen + 1);
    expect(theirs.items.at(-1)!.relationshipId).toBe('control-last');
    expect(theirs.items.every((c) => c.relationshipId.startsWith('control-'))).toBe(true);
    expect(ours.items.some((c) => c.relationshipId.startsWith('control-'))).toBe(false);
  });
});

describe('deadlines', () => {
  it('delivers a neglect reached by the passing of time, with its exact instant and the rule as cause', async () => {
    const timed = await startServer({ now: '2025-03-01T00:00:00Z' });
    const token = timed.token('acme');
    const client = wsClient(timed.wsUrl, token);
    try {
      const positions = await perform(timed.url, token, 'quiet', wedding('Quiet', 'SMB'));
      const changes = record<PhaseChangeJson>(client.client, PHASE_CHANGED, { relationshipId: 'quiet', after: positions.at(-1) });
      // Married on 15 February; the vendor's last event was the contract: neglected 60 days later.
      timed.clock.set('2025-04-16T08:59:59Z');
      const before = await gqlOk(timed.url, token, `{ relationship(id: "quiet") { phase } }`);
      expect(before.relationship.phase).toBe('MARRIED');
      timed.clock.set('2025-05-01T00:00:00Z');
      const [neglect] = await changes.waitForCount(1);
      expect(neglect).toMatchObject({
        relationshipId: 'quiet',
        from: 'MARRIED',
        to: 'NEGLECTED',
        at: '2025-04-16T09:00:00.000Z',
        cause: { kind: 'DEADLINE', eventType: null, rule: 'NEGLECT' },
      });
      const { relationship } = await gqlOk(timed.url, token, `{ relationship(id: "quiet") { phase flags phaseHistory { to at cause { kind rule } } } }`);
      expect(relationship.phase).toBe('NEGLECTED');
      expect(relationship.phaseHistory.at(-1)).toEqual({ to: 'NEGLECTED', at: neglect!.at, cause: { kind: 'DEADLINE', rule: 'NEGLECT' } });
      expect(relationship.flags).toContain('NEGLECT');
    } finally {
      await client.dispose();
      await timed.close();
    }
  });
});
