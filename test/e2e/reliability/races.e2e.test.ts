/**
 * Many writers on one relationship at once, over HTTP. With expectedVersion,
 * each round has exactly one winner and every loser is told the current
 * version (CONFLICT); no acknowledged update is lost. Without it, every
 * append lands and the folded relationship stays valid.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datingEvents } from '../support/courtship.js';
import { APPEND, gql, gqlOk, type GraphQLReply } from '../support/gql.js';
import { codes } from '../../support/graphql.js';
import { startServer, type E2EServer } from '../support/server.js';

const WRITERS = 8;
const ROUNDS = 12;

let server: E2EServer;
let token: string;

beforeAll(async () => {
  server = await startServer({ now: '2025-03-01T00:00:00Z' });
  token = server.token('acme');
});
afterAll(() => server?.close());

async function eventIds(id: string): Promise<string[]> {
  const data = await gqlOk(server.url, token, `query($id: ID!) { relationship(id: $id) { version events(first: 100) { totalCount edges { node { eventId } } } } }`, { id });
  expect(data.relationship.events.totalCount).toBe(data.relationship.version + 1);
  return data.relationship.events.edges.map((e: any) => e.node.eventId);
}

/** One writer's attempt: appendEvents or the typed mutation, both with an expectedVersion. */
function attempt(id: string, writer: number, expectedVersion: number, occurredAt: string, eventId: string): Promise<GraphQLReply> {
  if (writer % 2 === 0) {
    return gql(server.url, token, APPEND, {
      id,
      expectedVersion,
      events: [{ type: 'InteractionLogged', occurredAt, actor: 'VENDOR', eventId, data: { channel: 'CALL', purpose: `w${writer}` } }],
    });
  }
  return gql(server.url, token, `mutation($input: LogInteractionInput!) { logInteraction(input: $input) { relationship { version } } }`, {
    input: { relationshipId: id, actor: 'PROSPECT', channel: 'EMAIL', expectedVersion, occurredAt, eventId },
  });
}

describe('concurrent writers with expectedVersion', () => {
  it('lets exactly one win each round; the others get CONFLICT with the current version; nothing is lost', async () => {
    const id = 'contested';
    await gqlOk(server.url, token, APPEND, { id, events: datingEvents('Contested', 'SMB') });
    const winners: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const version = 2 + round;
      const occurredAt = new Date(Date.parse('2025-02-11T00:00:00Z') + round * 60_000).toISOString();
      const ids = Array.from({ length: WRITERS }, () => randomUUID());
      const replies = await Promise.all(ids.map((eventId, writer) => attempt(id, writer, version, occurredAt, eventId)));

      const won = replies.flatMap((reply, writer) => (reply.errors ? [] : [writer]));
      expect(won).toHaveLength(1);
      for (const [writer, reply] of replies.entries()) {
        if (writer === won[0]) continue;
        expect(codes(reply)).toEqual(['CONFLICT']);
        expect(reply.errors![0]!.extensions).toMatchObject({ currentVersion: version + 1 });
      }
      winners.push(ids[won[0]!]!);
    }
    const recorded = await eventIds(id);
    expect(recorded).toHaveLength(3 + ROUNDS);
    expect(recorded.slice(3)).toEqual(winners);
  });
});

describe('concurrent writers without expectedVersion', () => {
  it('lands every append exactly once and keeps a fold equal to a replay', async () => {
    const id = 'crowded';
    await gqlOk(server.url, token, APPEND, { id, events: datingEvents('Crowded', 'SMB') });
    const occurredAt = '2025-02-12T00:00:00Z';
    const sent: string[] = [];
    for (let round = 0; round < 4; round++) {
      const replies = await Promise.all(
        Array.from({ length: WRITERS }, (_, writer) => {
          const asked = { eventId: randomUUID(), questionId: `q${round}-${writer}` };
          const interaction = randomUUID();
          sent.push(asked.eventId, interaction);
          return gql(server.url, token, APPEND, {
            id,
            events: [
              { type: 'QuestionAsked', occurredAt, actor: 'PROSPECT', eventId: asked.eventId, data: { questionId: asked.questionId, topic: 'PRODUCT' } },
              { type: 'InteractionLogged', occurredAt, actor: 'VENDOR', eventId: interaction, data: { channel: 'CALL' } },
            ],
          });
        }),
      );
      expect(replies.flatMap((reply) => reply.errors ?? [])).toEqual([]);
    }
    const recorded = await eventIds(id);
    expect(recorded).toHaveLength(3 + sent.length);
    expect(new Set(recorded.slice(3))).toEqual(new Set(sent));

    const { now, replay } = await gqlOk(server.url, token, `query($id: ID!, $asOf: DateTime) {
      now: relationship(id: $id) { phase version responsiveness { openQuestions } phaseHistory { to at } flags }
      replay: relationship(id: $id, asOf: $asOf) { phase version responsiveness { openQuestions } phaseHistory { to at } flags }
    }`, { id, asOf: new Date(server.clock.now()).toISOString() });
    expect(now).toEqual(replay);
    expect(now).toMatchObject({ phase: 'DATING', version: 2 + sent.length, responsiveness: { openQuestions: 4 * WRITERS } });
  });
});
