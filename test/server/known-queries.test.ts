import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { KnownQueries } from '../../src/server/known-queries.js';
import { startStandInServer, type StandInServer } from './support/stand-in-server.js';

/**
 * A query Apollo has answered once is run by the HTTP layer itself the next
 * time (src/server/known-queries.ts). Every case sends the same request twice
 * and expects the same answer both times, whichever path took it.
 */
interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly cacheControl: string | null;
  readonly body: string;
  readonly log: Record<string, unknown>;
}

interface Case {
  readonly name: string;
  readonly body: unknown;
  /** The read token unless said otherwise. */
  readonly token?: 'write' | 'none';
  readonly headers?: Record<string, string>;
  /** Whether the second request is answered without Apollo's pipeline. */
  readonly direct: boolean;
}

const CASES: Case[] = [
  { name: 'a plain query', body: { query: '{ whoami { tenant scopes tokenId } }' }, direct: true },
  { name: 'variables', body: { query: 'query Items($n: Int!) { items(first: $n) { n } }', variables: { n: 3 }, operationName: 'Items' }, direct: true },
  { name: 'variables of the wrong type (refused by Apollo)', body: { query: 'query Items($n: Int!) { items(first: $n) { n } }', variables: { n: 'x' } }, direct: false },
  { name: 'a field the token may not read (partial data, FORBIDDEN)', body: { query: '{ whoami { tenant secret } }' }, direct: true },
  { name: 'an unexpected error (masked, logged)', body: { query: '{ boom }' }, direct: true },
  { name: 'a coded error', body: { query: '{ refuse }' }, direct: true },
  { name: 'the operation chosen by name', body: { query: 'query A { boom } query B { whoami { tenant } }', operationName: 'B' }, direct: true },
  { name: 'over the cost limit (refused by Apollo)', body: { query: '{ items(first: 1000) { expensive } }' }, direct: false },
  { name: 'a mutation', body: { query: 'mutation { writeNote(text: "hi") }' }, token: 'write', direct: true },
  { name: 'a mutation with variables of the wrong type (refused by Apollo, run by neither)', body: { query: 'mutation N($t: String!) { writeNote(text: $t) }', variables: { t: 3 } }, token: 'write', direct: false },
  { name: 'no token (refused by Apollo)', body: { query: '{ whoami { tenant } }' }, token: 'none', direct: false },
  { name: 'an Accept header Apollo answered before', body: { query: '{ whoami { scopes } }' }, headers: { accept: 'application/graphql-response+json' }, direct: true },
  { name: 'persisted-query extensions (always Apollo)', body: { query: '{ whoami { tenant } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'nope' } } }, direct: false },
];

describe.each([
  ['production', { NODE_ENV: 'production' }],
  ['development', { NODE_ENV: 'development' }],
])('queries Apollo already validated (%s)', (_mode, env) => {
  let h: StandInServer;
  beforeAll(async () => {
    h = await startStandInServer({ env });
  });
  afterAll(() => h?.close());
  afterEach(() => vi.restoreAllMocks());

  /** Records, for each request, whether the HTTP layer answered it without Apollo. */
  function watchPaths(): boolean[] {
    const direct: boolean[] = [];
    const run = KnownQueries.prototype.run;
    vi.spyOn(KnownQueries.prototype, 'run').mockImplementation(async function (this: KnownQueries, ...args) {
      const answer = await run.apply(this, args);
      direct.push(answer !== null);
      return answer;
    });
    return direct;
  }

  async function send(body: unknown, options: { token?: string | null; headers?: Record<string, string> } = {}): Promise<Answer> {
    const response = await h.post(body, options);
    const text = await response.text();
    const requestId = response.headers.get('x-request-id');
    const log = h.logs().find((line) => line.msg === 'http request' && line.requestId === requestId)!;
    const { requestId: _id, durationMs: _duration, time: _time, pid: _pid, hostname: _host, ...stable } = log;
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      cacheControl: response.headers.get('cache-control'),
      // Stack traces (development only) name the functions that ran, which differ between the paths.
      body: text.replace(/"stacktrace":\[[^\]]*\]/g, '"stacktrace":[…]'),
      log: stable,
    };
  }

  it.each(CASES.map((test) => [test.name, test] as const))('%s: the same answer both times', async (_name, test) => {
    const direct = watchPaths();
    const token = test.token === 'write' ? h.tokenFor.write : test.token === 'none' ? null : h.tokenFor.read;
    const options = { token, ...(test.headers ? { headers: test.headers } : {}) };
    const unexpected = () => h.logs().filter((line) => line.msg === 'unexpected error').length;
    const unexpectedBefore = unexpected();
    const first = await send(test.body, options);
    const second = await send(test.body, options);
    expect(second).toEqual(first);
    expect(direct).toEqual([false, test.direct]);
    if (test.name.startsWith('an unexpected error')) expect(unexpected()).toBe(unexpectedBefore + 2);
  });

  it('refuses a revoked token on its very next request', async () => {
    const { token, info } = h.tokens.create({ tenant: 'acme', scopes: ['read'] });
    const query = { query: '{ whoami { tokenId } }' };
    expect((await send(query, { token })).status).toBe(200);
    expect((await send(query, { token })).status).toBe(200);
    h.tokens.revoke(info.id);
    const refused = await send(query, { token });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatch(/"code":"UNAUTHENTICATED"/);
  });
});
