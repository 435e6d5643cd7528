/**
 * What one token can hold over WebSocket. Frames are capped like HTTP bodies
 * (before authentication a frame is buffered whole: 8 sockets sending a
 * 95 MiB `connection_init` took a server from 120 MB to 1.1 GB), and
 * subscriptions and sockets are capped per socket and per token with a coded
 * refusal (10,000 on one socket were accepted: +200 MB, a 1.2 s stall).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startChild, type ChildServer } from '../support/child-server.js';
import { startServer, type E2EServer } from '../support/server.js';

const LIVE = 'subscription { phaseChanged { relationshipId cursor } }';

/** A bare graphql-ws socket: every message received, and how it closed. */
interface RawSocket {
  readonly socket: WebSocket;
  readonly messages: { id?: string; type: string; payload?: any }[];
  readonly closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  /** Sends connection_init and waits for the ack (or the close). */
  init(token: string | null): Promise<boolean>;
}

function rawSocket(wsUrl: string): Promise<RawSocket> {
  const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
  const messages: RawSocket['messages'] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
  socket.on('error', () => undefined);
  const raw: RawSocket = {
    socket,
    messages,
    closed,
    send: (message) => socket.send(JSON.stringify(message)),
    async init(token) {
      raw.send({ type: 'connection_init', payload: token === null ? {} : { authorization: `Bearer ${token}` } });
      return Promise.race([until(() => messages.some((m) => m.type === 'connection_ack')).then(() => true), closed.then(() => false)]);
    },
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(raw));
    socket.once('error', reject);
  });
}

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('subscriptions and sockets per token', () => {
  let server: E2EServer;
  const sockets: RawSocket[] = [];
  const open = async () => {
    const raw = await rawSocket(server.wsUrl);
    sockets.push(raw);
    return raw;
  };
  beforeAll(async () => {
    server = await startServer({
      env: { COURTSHIP_WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '100', COURTSHIP_WS_MAX_SUBSCRIPTIONS_PER_TOKEN: '150', COURTSHIP_WS_MAX_SOCKETS_PER_TOKEN: '3' },
    });
  });
  afterAll(async () => {
    // The server's drain ends every subscription and closes the sockets (terminating them first would make it write to dead ones).
    await server?.close();
    for (const raw of sockets) raw.socket.terminate();
  });

  it('refuses 9,900 of 10,000 subscriptions on one socket with TOO_MANY_SUBSCRIPTIONS, keeping the first 100', async () => {
    const token = server.token('acme', ['read']);
    const raw = await open();
    expect(await raw.init(token)).toBe(true);
    for (let i = 0; i < 10_000; i++) raw.send({ id: `s${i}`, type: 'subscribe', payload: { query: LIVE } });
    const refusals = () => raw.messages.filter((m) => m.type === 'error');
    await until(() => refusals().length >= 9_900);
    expect(refusals()).toHaveLength(9_900);
    expect(new Set(refusals().map((m) => m.payload[0].extensions.code))).toEqual(new Set(['TOO_MANY_SUBSCRIPTIONS']));
    expect(refusals()[0]!.payload[0].extensions).toMatchObject({ scope: 'socket', limit: 100 });
    // The socket is still open, its 100 subscriptions live.
    expect(raw.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('counts subscriptions across the sockets of a token, and frees them as they complete', async () => {
    const token = server.token('acme', ['read']);
    const first = await open();
    const second = await open();
    expect(await first.init(token)).toBe(true);
    expect(await second.init(token)).toBe(true);
    for (let i = 0; i < 100; i++) first.send({ id: `a${i}`, type: 'subscribe', payload: { query: LIVE } });
    for (let i = 0; i < 60; i++) second.send({ id: `b${i}`, type: 'subscribe', payload: { query: LIVE } });
    // Both sockets' messages are handled concurrently: which 10 of the 160 are refused is not fixed, how many is.
    const refusals = () => [...first.messages, ...second.messages].filter((m) => m.type === 'error');
    await until(() => refusals().length >= 10);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(refusals()).toHaveLength(10);
    for (const refusal of refusals()) {
      expect(refusal.payload[0].extensions).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', scope: 'token', limit: 150 });
    }

    // Completing five that were admitted lets five more start, and no sixth.
    const refusedIds = new Set(refusals().map((m) => m.id));
    const admitted = Array.from({ length: 100 }, (_, i) => `a${i}`).filter((id) => !refusedIds.has(id));
    for (const id of admitted.slice(0, 5)) first.send({ id, type: 'complete' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (let i = 0; i < 6; i++) second.send({ id: `c${i}`, type: 'subscribe', payload: { query: LIVE } });
    await until(() => refusals().length >= 11);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(refusals().filter((m) => m.id?.startsWith('c'))).toHaveLength(1);

    // Closing a socket frees what it held.
    first.socket.close();
    await first.closed;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const third = await open();
    expect(await third.init(token)).toBe(true);
    for (let i = 0; i < 50; i++) third.send({ id: `d${i}`, type: 'subscribe', payload: { query: LIVE } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(third.messages.filter((m) => m.type === 'error')).toHaveLength(0);
  });

  it('closes a socket past the per-token cap with 4429, and lets another token connect', async () => {
    const token = server.token('acme', ['read']);
    for (let i = 0; i < 3; i++) expect(await (await open()).init(token)).toBe(true);
    const fourth = await open();
    expect(await fourth.init(token)).toBe(false);
    expect(await fourth.closed).toMatchObject({ code: 4429, reason: expect.stringMatching(/too many sockets/) });
    const other = server.token('acme', ['read']);
    expect(await (await open()).init(other)).toBe(true);
  });
});

describe('oversized frames', () => {
  let dataDir: string;
  let child: ChildServer;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'courtship-frames-'));
    child = await startChild(dataDir);
  });
  afterAll(async () => {
    await child?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });
  const rssMb = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;

  it('closes 8 sockets sending a 95 MiB connection_init each, and the server stays within 50 MB of idle', { timeout: 60_000 }, async () => {
    const wsUrl = child.url.replace(/^http/, 'ws');
    // Idle once warm: a refused connection_init of normal size first (loads and compiles that path).
    for (let i = 0; i < 3; i++) {
      const warm = await rawSocket(wsUrl);
      await warm.init('nope');
      await warm.closed;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const idle = rssMb();
    const frame = Buffer.alloc(95 * 1024 * 1024, 'x');
    frame.write('{"type":"connection_init","payload":{"authorization":"Bearer nope","pad":"');
    // One after another: the client masks each frame into a copy of its own, so 8 at once would weigh on this process.
    let peak = idle;
    const closes: { code: number }[] = [];
    for (let i = 0; i < 8; i++) {
      const raw = await rawSocket(wsUrl);
      raw.socket.send(frame);
      closes.push(await raw.closed);
      peak = Math.max(peak, rssMb());
    }
    // 1009 "message too big" when the close frame arrives before the server drops the connection, else 1006:
    // either way cut off at the frame's header, not after reading 95 MiB and refusing the token (4400).
    for (const close of closes) expect([1009, 1006]).toContain(close.code);
    expect(peak - idle).toBeLessThan(50);
    // Refused frames are logged as one structured line, not printed with a stack trace per socket (graphql-ws's habit).
    expect(child.stderr()).not.toMatch(/Internal error|RangeError/);
    const health = await fetch(`${child.origin}/healthz`);
    expect(health.status).toBe(200);
  });
});
