/**
 * Read-your-writes across requests: a query handed the position a write
 * returned (the `consistentWith` argument, or the `Courtship-Consistent-With`
 * header for a whole request, analytics included) waits until the read models
 * have applied it, and a position no write has reached is refused at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { encodePosition } from '../../src/store/port.js';
import { streamIdFor, toNewEvent } from '../../src/app/relationship-stream.js';
import { datingEvents } from './support/courtship.js';
import { APPEND, gqlOk } from './support/gql.js';
import { startServer, type E2EServer } from './support/server.js';

let server: E2EServer;
let token: string;

beforeAll(async () => {
  server = await startServer({ now: '2025-03-01T00:00:00Z' });
  token = server.token('acme');
  await gqlOk(server.url, token, APPEND, { id: 'seen', events: datingEvents('Seen', 'SMB') });
});
afterAll(() => server?.close());

async function post(query: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: await response.json() };
}

/** Whether `promise` is still pending after a moment (the request reached the server and waits there). */
async function stillWaiting(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  await new Promise((resolve) => setTimeout(resolve, 200));
  return !settled;
}

/** A write the projector has not applied yet (it is stopped): its position. */
async function unappliedWrite(id: string): Promise<string> {
  await server.app.projector.stop();
  const opened = { type: 'RelationshipOpened' as const, occurredAt: Date.parse('2025-02-01T00:00:00Z'), actor: 'VENDOR' as const, data: { accountName: id } };
  const result = await server.app.store.append(streamIdFor('acme', id), [toNewEvent(randomUUID(), 'acme', id, opened as never)], 'no_stream');
  return encodePosition(result.position);
}

describe('read-your-writes', () => {
  it('waits, with the argument, until the relationship a write touched reflects it', async () => {
    const position = await unappliedWrite('late-arg');
    expect((await post('{ relationship(id: "late-arg") { id } }')).body.data.relationship).toBeNull();
    const answer = post(`{ relationship(id: "late-arg", consistentWith: "${position}") { id } }`);
    expect(await stillWaiting(answer)).toBe(true);
    server.app.projector.start();
    expect((await answer).body.data.relationship).toEqual({ id: 'late-arg' });
  });

  it('waits, with the header, before any query of the request, analytics included', async () => {
    const position = await unappliedWrite('late-header');
    const query = '{ relationships(first: 100) { totalCount } funnel { total } }';
    const before = (await post(query)).body.data;
    const answer = post(query, { 'Courtship-Consistent-With': position });
    expect(await stillWaiting(answer)).toBe(true);
    server.app.projector.start();
    const { status, body } = await answer;
    expect(status).toBe(200);
    expect(body.data.relationships.totalCount).toBe(before.relationships.totalCount + 1);
    expect(body.data.funnel.total).toBe(before.funnel.total + 1);
  });

  it('refuses at once a position no write has reached, or a header that is not a position', async () => {
    const head = (await server.app.store.headPosition())!;
    const beyond = encodePosition(head + 1000n);
    const argument = await post(`{ relationship(id: "seen", consistentWith: "${beyond}") { id } }`);
    expect(argument.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'consistentWith', reason: 'POSITION_NOT_IN_LOG' });

    const header = await post('{ relationship(id: "seen") { id } }', { 'Courtship-Consistent-With': beyond });
    expect(header.status).toBe(400);
    expect(header.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'Courtship-Consistent-With', reason: 'POSITION_NOT_IN_LOG' });

    const garbage = await post('{ relationship(id: "seen") { id } }', { 'Courtship-Consistent-With': 'not-a-position' });
    expect(garbage.status).toBe(400);
    expect(garbage.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'Courtship-Consistent-With' });
  });
});
