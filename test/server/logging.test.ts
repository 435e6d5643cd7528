import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/server/logger.js';
import { startStandInServer, subscribe, type StandInServer } from './support/stand-in-server.js';

let h: StandInServer;
beforeAll(async () => {
  h = await startStandInServer();
});
afterAll(() => h?.close());

describe('request logs', () => {
  it('writes one line per request with operation, duration, outcome and request id', async () => {
    const response = await h.post(
      { query: 'query WhoAmI { whoami { tenant } }', operationName: 'WhoAmI' },
      { headers: { 'x-request-id': 'trace-123' } },
    );
    expect(response.headers.get('x-request-id')).toBe('trace-123');
    const lines = h.logs().filter((line) => line.requestId === 'trace-123' && line.msg === 'http request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ operationName: 'WhoAmI', outcome: 'ok', status: 200, durationMs: expect.any(Number) });
  });

  it('records the error codes of a failed request', async () => {
    await h.post({ query: 'mutation Note { writeNote(text: "x") }' }, { headers: { 'x-request-id': 'trace-forbidden' } });
    const line = h.logs().find((l) => l.requestId === 'trace-forbidden' && l.msg === 'http request');
    expect(line).toMatchObject({ operationName: 'Note', outcome: 'error', errorCodes: ['FORBIDDEN'] });
  });

  it('records refusals made before the pipeline (no token)', async () => {
    await h.post({ query: '{ whoami { tenant } }' }, { token: null, headers: { 'x-request-id': 'trace-anon' } });
    const line = h.logs().find((l) => l.requestId === 'trace-anon');
    expect(line).toMatchObject({ status: 401, outcome: 'error', errorCodes: ['UNAUTHENTICATED'] });
  });

  it('logs a WebSocket operation when it ends', async () => {
    const sub = subscribe(h.wsClient(h.tokenFor.read), 'query OverWs { whoami { tenant } }');
    await sub.ended;
    expect(h.logs().find((l) => l.transport === 'ws' && l.operationName === 'OverWs')).toMatchObject({ outcome: 'ok' });
  });

  it('never writes a token, even one sent in a header or connection params', async () => {
    await h.post({ query: '{ whoami { tenant } }' }, { token: h.tokenFor.write });
    await h.post({ query: '{ whoami { tenant } }' }, { token: h.tokenFor.admin });
    await subscribe(h.wsClient(h.tokenFor.read), '{ whoami { tenant } }').ended;
    const raw = h.rawLogs();
    expect(raw.length).toBeGreaterThan(0);
    for (const token of Object.values(h.tokenFor)) expect(raw).not.toContain(token);
    expect(raw).not.toMatch(/Bearer/i);
  });
});

describe('log redaction', () => {
  it('censors authorization headers, tokens and connection params wherever code logs them', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
    log.info({ req: { headers: { authorization: 'Bearer cs_secret1' } } }, 'a request');
    log.info({ headers: { authorization: 'Bearer cs_secret2' }, token: 'cs_secret3' }, 'flat');
    log.info({ ctx: { connectionParams: { authorization: 'Bearer cs_secret4' } } }, 'ws');
    expect(lines).toHaveLength(3);
    expect(lines.join('')).not.toMatch(/cs_secret/);
    expect(JSON.parse(lines[0]!).req.headers.authorization).toBe('[redacted]');
  });
});
