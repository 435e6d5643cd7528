/**
 * Relationship-scoped ids (questionId, stakeholderId, proposalId, caseId,
 * opportunityId) are the client's choice. Ids that happen to name members of
 * every JavaScript object ("valueOf", "constructor", "__proto__", …) must
 * behave like any other: unknown until introduced, then known. Kept apart
 * from the fuzzing suite because a wrongly accepted one can pollute shared
 * prototypes for the rest of the process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datingEvents } from '../support/courtship.js';
import { APPEND, gqlOk } from '../support/gql.js';
import { expectRefused, send } from '../support/raw-http.js';
import { startServer, type E2EServer } from '../support/server.js';

let server: E2EServer;
let writer: string;
let reader: string;

beforeAll(async () => {
  server = await startServer({ now: '2025-03-01T00:00:00Z' });
  writer = server.token('acme');
  reader = server.token('acme', ['read']);
});
afterAll(() => server?.close());

/** Names every JavaScript object answers to: ids a client may choose, never ids it has introduced. */
const PROTOTYPE_NAMES = ['valueOf', 'toString', 'constructor', 'hasOwnProperty', '__proto__'];

describe('ids that name members of every JavaScript object', () => {
  it('are refused as references to something never introduced', async () => {
    const references: [string, (id: string) => Record<string, unknown>][] = [
      ['QuestionAnswered', (id) => ({ questionId: id })],
      ['StakeholderStanceChanged', (id) => ({ stakeholderId: id, stance: 'OPPOSED' })],
      ['ProposalRejected', (id) => ({ proposalId: id })],
      ['SupportCaseClosed', (id) => ({ caseId: id })],
      ['UpsellWon', (id) => ({ opportunityId: id })],
    ];
    await gqlOk(server.url, writer, APPEND, { id: 'references', events: datingEvents('References', 'SMB') });
    for (const name of PROTOTYPE_NAMES) {
      for (const [type, data] of references) {
        const events = [{ type, occurredAt: '2025-02-20T00:00:00Z', actor: 'PROSPECT', data: data(name) }];
        const head = await server.app.store.headPosition();
        const reply = await send(server.url, { token: writer, body: JSON.stringify({ query: APPEND, variables: { id: 'references', events } }) });
        expectRefused(reply, `${type} of "${name}"`);
        expect(reply.json?.errors?.[0]?.extensions?.code, `${type} of "${name}"`).toBe('BAD_USER_INPUT');
        expect(await server.app.store.headPosition(), `${type} of "${name}" was appended`).toBe(head);
      }
    }
  });

  it('are accepted as new ids, and read back like any other', async () => {
    const events = PROTOTYPE_NAMES.flatMap((name, i) => [
      { type: 'QuestionAsked', occurredAt: `2025-02-2${i}T00:00:00Z`, actor: 'PROSPECT', data: { questionId: name, topic: 'PRICING' } },
      { type: 'StakeholderIntroduced', occurredAt: `2025-02-2${i}T00:00:00Z`, actor: 'PROSPECT', data: { stakeholderId: name, name, role: 'BOSS', hasVeto: false } },
    ]);
    const reply = await send(server.url, { token: writer, body: JSON.stringify({ query: APPEND, variables: { id: 'prototype-names', events: [...datingEvents('Proto', 'SMB'), ...events] } }) });
    expect(reply.json?.errors).toBeUndefined();
    const { relationship } = await gqlOk(server.url, reader, `{ relationship(id: "prototype-names") { openQuestions { questionId } stakeholders { stakeholderId name } } }`);
    expect(relationship.openQuestions.map((q: { questionId: string }) => q.questionId).sort()).toEqual([...PROTOTYPE_NAMES].sort());
    expect(relationship.stakeholders.map((s: { stakeholderId: string }) => s.stakeholderId).sort()).toEqual([...PROTOTYPE_NAMES].sort());
  });
});
