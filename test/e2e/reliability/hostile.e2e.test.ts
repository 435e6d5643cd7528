/**
 * Hostile input, fuzzed with fast-check over HTTP against the real server:
 * appendEvents and the typed mutations with malformed, missing, oversized,
 * wrongly typed and out-of-order data, and raw bodies no client should send
 * (invalid JSON, huge bodies, deep and wide queries, batched arrays, wrong
 * content types). Every generated case carries at least one defect, so every
 * case must be refused — with a coded GraphQL error or a 4xx, never a 5xx —
 * and the store's head position must not move.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHANNELS, EVENT_TYPES } from '../../../src/domain/events.js';
import { datingEvents } from '../support/courtship.js';
import { typedMutation } from '../../support/graphql.js';
import { APPEND, gqlOk } from '../support/gql.js';
import { expectRefused, send, type RawRequest } from '../support/raw-http.js';
import { startServer, type E2EServer } from '../support/server.js';

const TARGET = 'target';
/** The target's last event; the server clock stands at NOW. */
const LAST_EVENT = Date.parse('2025-02-10T10:00:00Z');
/** The target's RelationshipOpened: nothing may be dated before it (a later, late fact is accepted). */
const OPENED = Date.parse('2025-02-10T08:00:00Z');
const NOW = Date.parse('2025-03-01T00:00:00Z');
const FUTURE = NOW + 5 * 60_000 + 1000;

let server: E2EServer;
let writer: string;
let reader: string;
/** The log's head when the current test started: no hostile request may move it. */
let head: bigint | null;

beforeAll(async () => {
  server = await startServer({ now: new Date(NOW).toISOString() });
  writer = server.token('acme');
  reader = server.token('acme', ['read']);
  await gqlOk(server.url, writer, APPEND, { id: TARGET, events: datingEvents('Target', 'SMB') });
});
beforeEach(async () => {
  head = await server.app.store.headPosition();
});
afterAll(() => server?.close());

/** Sends one hostile request and checks it was refused and nothing was appended. */
async function refused(request: RawRequest, what: string): Promise<void> {
  const reply = await send(server.url, { token: writer, ...request });
  expectRefused(reply, what);
  await expectNothingAppended(what);
}

/** The head has not moved; if it has, the failure names what got in (shrinking then replays later, innocent cases). */
async function expectNothingAppended(what: string): Promise<void> {
  const now = await server.app.store.headPosition();
  if (now === head) return;
  const appended = await server.app.store.readAll(head === null ? {} : { after: head });
  expect.fail(`${what} appended: ${JSON.stringify(appended.map((e) => ({ stream: e.streamId, type: e.type, data: e.data })))}`);
}

const graphqlBody = (query: string, variables?: unknown) => JSON.stringify({ query, variables });

/* ------------------------------------------------------------ arbitraries */

const iso = (from: number, to: number) => fc.integer({ min: from, max: to }).map((ms) => new Date(ms).toISOString());
const validTime = iso(LAST_EVENT, NOW);
const notAnInstant = fc.oneof(
  fc.string().filter((s) => !/^\d{4}-\d\d-\d\dT/.test(s)),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
);
const notOneOf = (allowed: readonly string[]) => fc.oneof(fc.string().filter((s) => !allowed.includes(s)), fc.integer(), fc.constant(null));
const oversizedText = fc.integer({ min: 10_001, max: 40_000 }).map((n) => 'x'.repeat(n));
const notUuid = fc.oneof(fc.string({ minLength: 1 }).filter((s) => !/^[0-9a-f-]{36}$/i.test(s)), fc.integer());

type EventJson = Record<string, unknown>;
/** A named way to spoil an event or an input; `caller` replaces the writer's token ('reader' or none). */
type Defect = readonly [name: string, spoil: (value: EventJson) => EventJson, caller?: 'reader' | null];
const defectOf = (name: string, spoil: (value: EventJson) => EventJson, caller?: 'reader' | null): Defect =>
  caller === undefined ? [name, spoil] : [name, spoil, caller];
const omit = (value: EventJson, field: string): EventJson => Object.fromEntries(Object.entries(value).filter(([key]) => key !== field));

/** An event that would be accepted on its own (after the target's last event, before now). */
const validEvent: fc.Arbitrary<EventJson> = fc.record({
  type: fc.constant('InteractionLogged'),
  occurredAt: validTime,
  actor: fc.constantFrom('VENDOR', 'PROSPECT'),
  data: fc.record({ channel: fc.constantFrom(...CHANNELS) }),
  eventId: fc.uuid(),
});

/** One defect that makes an event unacceptable whatever else the batch holds. */
const defect: fc.Arbitrary<Defect> = fc.oneof(
  fc.string().filter((t) => !(EVENT_TYPES as readonly string[]).includes(t)).map((type) => defectOf('unknown type', (e) => ({ ...e, type }))),
  notAnInstant.map((occurredAt) => defectOf('occurredAt not an instant', (e) => ({ ...e, occurredAt }))),
  iso(Date.parse('1970-01-01T00:00:00Z'), OPENED - 1).map((occurredAt) => defectOf('occurredAt before the opening', (e) => ({ ...e, occurredAt }))),
  iso(FUTURE, Date.parse('2100-01-01T00:00:00Z')).map((occurredAt) => defectOf('occurredAt in the future', (e) => ({ ...e, occurredAt }))),
  notOneOf(['VENDOR', 'PROSPECT', 'SYSTEM']).map((actor) => defectOf('bad actor', (e) => ({ ...e, actor }))),
  fc.constantFrom('type', 'occurredAt', 'actor').map((field) => defectOf('missing ' + field, (e) => omit(e, field))),
  notOneOf(CHANNELS).map((channel) => defectOf('bad channel', (e) => ({ ...e, data: { channel } }))),
  fc.oneof(fc.string(), fc.integer(), fc.array(fc.integer(), { maxLength: 3 }), fc.constant(null)).map((data) => defectOf('data of the wrong type', (e) => ({ ...e, data }))),
  fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !['channel', 'purpose'].includes(k)).map((key) => defectOf('unknown data field', (e) => ({ ...e, data: { channel: 'CALL', [key]: 1 } }))),
  oversizedText.map((purpose) => defectOf('oversized purpose', (e) => ({ ...e, data: { channel: 'CALL', purpose } }))),
  fc.integer({ min: 16 * 1024 + 1, max: 64 * 1024 }).map((n) => defectOf('oversized metadata', (e) => ({ ...e, metadata: { blob: 'm'.repeat(n) } }))),
  notUuid.map((eventId) => defectOf('bad eventId', (e) => ({ ...e, eventId }))),
  fc.string({ minLength: 1, maxLength: 20 }).map((questionId) => defectOf('answer to a question never asked', (e) => ({ ...e, type: 'QuestionAnswered', actor: 'VENDOR', data: { questionId } }))),
  fc.string({ minLength: 1, maxLength: 20 }).map((stakeholderId) => defectOf('stance of a stranger', (e) => ({ ...e, type: 'StakeholderStanceChanged', data: { stakeholderId, stance: 'OPPOSED' } }))),
  fc.constant(defectOf('opened twice', (e) => ({ ...e, type: 'RelationshipOpened', data: { accountName: 'Again' } }))),
  fc.constantFrom('NEGLECT', 'ALTAR_SILENCE').map((rule) => defectOf('invented deadline', (e) => ({ ...e, type: 'DeadlineReached', actor: 'SYSTEM', data: { rule, deadline: e.occurredAt } }))),
);

/** A batch of valid events with one defective event at a random place, in time order. */
const defectiveBatch = fc
  .tuple(fc.array(validEvent, { maxLength: 3 }), validEvent, defect, fc.nat())
  .map(([valid, victim, [name, spoil], at]) => {
    const events = [...valid].sort((a, b) => String(a.occurredAt).localeCompare(String(b.occurredAt)));
    events.splice(at % (events.length + 1), 0, spoil(victim));
    return { name, events };
  });

/** Batches refused as a whole: wrong relationship, wrong version, nothing to append, too much. */
const defectiveCall = fc.oneof(
  defectiveBatch.map(({ name, events }) => ({ name, variables: { id: TARGET, events } as Record<string, unknown> })),
  fc.array(validEvent, { minLength: 1, maxLength: 3 }).chain((events) =>
    fc.oneof(
      fc.integer({ min: -1000, max: 1000 }).filter((v) => v !== 2).map((expectedVersion) => ({ name: 'stale expectedVersion', variables: { id: TARGET, expectedVersion, events } })),
      fc.oneof(fc.constant(''), fc.string().filter((s) => /[^A-Za-z0-9_.:~@+-]/.test(s)), fc.constant('r'.repeat(129)))
        .map((id) => ({ name: 'bad relationship id', variables: { id, events } })),
      fc.uuid().map((id) => ({ name: 'never opened', variables: { id: `new-${id}`, events } })),
    ),
  ),
  fc.constant({ name: 'empty batch', variables: { id: TARGET, events: [] } }),
  fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }))
    .map((events) => ({ name: 'events of the wrong type', variables: { id: TARGET, events } })),
);

describe('appendEvents under hostile data', () => {
  it('refuses every defective batch with a coded error and appends nothing', async () => {
    await fc.assert(
      fc.asyncProperty(defectiveCall, async ({ name, variables }) => refused({ body: graphqlBody(APPEND, variables) }, name)),
      { numRuns: 1500 },
    );
  });

  it('refuses a batch over the size limit', async () => {
    const events = Array.from({ length: 1001 }, () => ({ type: 'InteractionLogged', occurredAt: '2025-02-20T00:00:00Z', actor: 'VENDOR', data: { channel: 'CALL' } }));
    await refused({ body: graphqlBody(APPEND, { id: TARGET, events }) }, '1001 events');
  });
});

/* ----------------------------------------------------- typed mutations */

interface TypedCase {
  readonly name: string;
  readonly mutation: string;
  readonly input: Record<string, unknown>;
  readonly token?: string | null;
}

/** Typed mutations that are refused on the target whatever their other fields (they refer to nothing known). */
const referencesNothing = fc.oneof(
  fc.record({ questionId: fc.string({ minLength: 1, maxLength: 20 }) }).map((f) => ({ mutation: 'answerQuestion', fields: f })),
  fc.record({ stakeholderId: fc.string({ minLength: 1, maxLength: 20 }), stance: fc.constantFrom('SUPPORTIVE', 'OPPOSED') }).map((f) => ({ mutation: 'changeStakeholderStance', fields: f })),
  fc.record({ proposalId: fc.string({ minLength: 1, maxLength: 20 }) }).map((f) => ({ mutation: 'rejectProposal', fields: f })),
  fc.record({ accountName: fc.string({ minLength: 1, maxLength: 20 }) }).map((f) => ({ mutation: 'openRelationship', fields: f })),
);

/** A defect on a typed mutation's input (or its caller). */
const typedDefect: fc.Arbitrary<Defect> = fc.oneof(
  // null is no defect here: a typed mutation's occurredAt is optional (it defaults to now).
  notAnInstant.filter((v) => v !== null).map((occurredAt) => defectOf('occurredAt not an instant', (i) => ({ ...i, occurredAt }))),
  iso(0, OPENED - 1).map((occurredAt) => defectOf('occurredAt before the opening', (i) => ({ ...i, occurredAt }))),
  iso(FUTURE, Date.parse('2100-01-01T00:00:00Z')).map((occurredAt) => defectOf('occurredAt in the future', (i) => ({ ...i, occurredAt }))),
  notOneOf(CHANNELS).map((channel) => defectOf('bad channel', (i) => ({ ...i, channel }))),
  notOneOf(['VENDOR', 'PROSPECT', 'SYSTEM']).map((actor) => defectOf('bad actor', (i) => ({ ...i, actor }))),
  fc.constantFrom('relationshipId', 'channel', 'actor').map((field) => defectOf('missing ' + field, (i) => omit(i, field))),
  fc.integer({ min: -1000, max: 1000 }).filter((v) => v !== 2).map((expectedVersion) => defectOf('stale expectedVersion', (i) => ({ ...i, expectedVersion }))),
  // Integral doubles are Ints to GraphQL (2.0 is the target's version: a valid write), and NaN and the
  // infinities travel in JSON as null ("any version": a valid write too), so none of them is drawn.
  fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => !Number.isInteger(v)), fc.string(), fc.constant(2 ** 40)).map((expectedVersion) => defectOf('expectedVersion not an Int', (i) => ({ ...i, expectedVersion }))),
  notUuid.map((eventId) => defectOf('bad eventId', (i) => ({ ...i, eventId }))),
  oversizedText.map((purpose) => defectOf('oversized purpose', (i) => ({ ...i, purpose }))),
  fc.uuid().map((id) => defectOf('never opened', (i) => ({ ...i, relationshipId: `new-${id}` }))),
  fc.string({ minLength: 1, maxLength: 10 }).map((key) => defectOf('unknown input field', (i) => ({ ...i, [`x_${key}`]: 1 }))),
  fc.constant(defectOf('read-only token', (i) => i, 'reader')),
  fc.constant(defectOf('no token', (i) => i, null)),
);

const typedCase: fc.Arbitrary<TypedCase> = fc.oneof(
  fc.tuple(fc.record({ actor: fc.constantFrom('VENDOR', 'PROSPECT'), channel: fc.constantFrom(...CHANNELS), occurredAt: validTime }), typedDefect).map(
    ([fields, [name, spoil, who]]) => ({
      name: `logInteraction: ${name}`,
      mutation: 'logInteraction',
      input: spoil({ relationshipId: TARGET, ...fields }),
      ...(who === undefined ? {} : { token: who }),
    }),
  ),
  // A new relationship id would make openRelationship valid: keep these on the target.
  fc.tuple(referencesNothing, fc.option(typedDefect.filter(([name]) => name !== 'never opened'), { nil: undefined })).map(([{ mutation, fields }, extra]) => ({
    name: `${mutation}${extra ? `: ${extra[0]}` : ''}`,
    mutation,
    input: (extra?.[1] ?? ((i) => i))({ relationshipId: TARGET, occurredAt: '2025-02-20T00:00:00Z', ...fields }),
    ...(extra?.[2] === undefined ? {} : { token: extra[2] }),
  })),
);

describe('typed mutations under hostile data', () => {
  it('refuses every defective input with a coded error and appends nothing', async () => {
    await fc.assert(
      fc.asyncProperty(typedCase, async ({ name, mutation, input, token }) => {
        const query = typedMutation(mutation, 'position relationship { version }');
        const caller = token === undefined ? writer : token === 'reader' ? reader : null;
        await refused({ body: graphqlBody(query, { input }), token: caller }, name);
      }),
      { numRuns: 1000 },
    );
  });
});

/* -------------------------------------------------------- raw HTTP bodies */

/** An operation that would append if it ever ran: what the raw cases wrap. */
const appendingBody = () =>
  graphqlBody(APPEND, { id: TARGET, events: [{ type: 'InteractionLogged', occurredAt: '2025-02-20T00:00:00Z', actor: 'VENDOR', eventId: randomUUID(), data: { channel: 'CALL' } }] });

const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

const rawCase: fc.Arbitrary<{ name: string; request: RawRequest }> = fc.oneof(
  fc.string().filter((s) => !isJson(s)).map((body) => ({ name: 'invalid JSON', request: { body } })),
  fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.boolean()).map((value) => ({ name: 'JSON that is no object', request: { body: JSON.stringify(value) } })),
  fc.integer({ min: 1, max: 20 }).map((n) => ({ name: `batch of ${n} appends`, request: { body: `[${Array.from({ length: n }, appendingBody).join(',')}]` } })),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })
    .filter((o) => !('query' in o))
    .map((o) => ({ name: 'object without a query', request: { body: JSON.stringify(o) } })),
  fc.string().map((query) => ({ name: 'random query text', request: { body: graphqlBody(`mutation ${query}`) } })),
  fc.jsonValue({ maxDepth: 3 }).map((variables) => ({ name: 'random variables', request: { body: JSON.stringify({ query: APPEND, variables }) } })),
  fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }))
    .map((query) => ({ name: 'query of the wrong type', request: { body: JSON.stringify({ query }) } })),
  fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/graphql', 'text/html', null)
    .map((contentType) => ({ name: `appending body as ${contentType}`, request: { body: appendingBody(), contentType } })),
  fc.string({ maxLength: 30 }).filter((t) => t.split(';')[0]!.trim().toLowerCase() !== 'application/json' && !/[\r\n]/.test(t))
    .map((contentType) => ({ name: `content type ${JSON.stringify(contentType)}`, request: { body: appendingBody(), contentType } })),
  fc.constantFrom('PUT', 'DELETE', 'PATCH').map((method) => ({ name: `${method} with an appending body`, request: { method, body: appendingBody() } })),
  fc.constant({ name: 'mutation over GET', request: { method: 'GET', search: `?query=${encodeURIComponent(APPEND)}`, contentType: null } as RawRequest }),
);

/** `__schema { types { fields { type { ofType { … } } } } }`: as deep as asked. */
const deepQuery = fc.integer({ min: 16, max: 3000 }).map((depth) => {
  const inner = Math.max(0, depth - 4);
  return `{ __schema { types { fields { type ${'{ ofType '.repeat(inner)}{ name }${' }'.repeat(inner)} } } } }`;
});
const deepNonsense = fc.integer({ min: 100, max: 5000 }).map((depth) => `mutation { ${'a { '.repeat(depth)}b${' }'.repeat(depth)} }`);
const wideQuery = fc.integer({ min: 60, max: 400 }).map((n) =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: relationships(first: 100) { edges { node { id phase } } }`).join(' ')} }`,
);

describe('raw HTTP under hostile bodies', () => {
  it('answers every malformed request with a 4xx or a coded error, and appends nothing', async () => {
    await fc.assert(fc.asyncProperty(rawCase, async ({ name, request }) => refused(request, name)), { numRuns: 1000 });
  });

  it('refuses deep and wide queries before running them', async () => {
    await fc.assert(fc.asyncProperty(deepQuery, async (query) => refused({ body: graphqlBody(query) }, `deep query (${query.length} chars)`)), { numRuns: 60 });
    await fc.assert(fc.asyncProperty(deepNonsense, async (query) => refused({ body: graphqlBody(query) }, `deep nonsense (${query.length} chars)`)), { numRuns: 60 });
    await fc.assert(fc.asyncProperty(wideQuery, async (query) => refused({ body: graphqlBody(query) }, `wide query (${query.length} chars)`)), { numRuns: 60 });
  });

  it('refuses bodies over the limit, declared or streamed', async () => {
    const limit = 1024 * 1024; // COURTSHIP_BODY_LIMIT's default
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: limit + 1, max: 3 * limit }), fc.boolean(), async (size, streamed) => {
        const text = JSON.stringify({ query: APPEND, variables: { pad: 'p'.repeat(size) } });
        const body = streamed
          ? new ReadableStream<Uint8Array>({
              start(controller) {
                const bytes = new TextEncoder().encode(text);
                for (let at = 0; at < bytes.length; at += 64 * 1024) controller.enqueue(bytes.subarray(at, at + 64 * 1024));
                controller.close();
              },
            })
          : text;
        const reply = await send(server.url, { token: writer, body });
        expect(reply.status).toBe(413);
        expectRefused(reply, `${size} bytes${streamed ? ' streamed' : ''}`);
      }),
      { numRuns: 12 },
    );
    await expectNothingAppended('an oversized body');
  });

  it('is still up and serving afterwards', async () => {
    const health = await fetch(server.url.replace('/graphql', '/healthz'));
    expect(health.status).toBe(200);
    const { relationship } = await gqlOk(server.url, reader, `{ relationship(id: "${TARGET}") { version phase events { totalCount } } }`);
    expect(relationship).toEqual({ version: 2, phase: 'DATING', events: { totalCount: 3 } });
  });
});
