/**
 * A frame over the size limit, or any frame that breaks the WebSocket
 * protocol, is a client's doing: ws closes the socket (1009, 1002…) and the
 * server logs it as one structured line per burst. graphql-ws would print
 * "Internal error emitted on a WebSocket socket" with a stack trace to
 * stderr for each one, so a hostile client could flood stderr at will.
 */
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createLogger } from '../../src/server/logger.js';
import { ProtocolErrorLog } from '../../src/server/ws-protocol-errors.js';
import { startStandInServer, type StandInServer } from './support/stand-in-server.js';

const LIMIT = 16 * 1024;

let h: StandInServer;
beforeAll(async () => {
  h = await startStandInServer({ env: { COURTSHIP_BODY_LIMIT: String(LIMIT) } });
});
afterAll(() => h?.close());
afterEach(() => vi.restoreAllMocks());

async function sendOversizedFrame(): Promise<number> {
  const socket = new WebSocket(h.wsUrl, 'graphql-transport-ws');
  socket.on('error', () => undefined);
  await once(socket, 'open');
  socket.send(Buffer.alloc(LIMIT * 2, 'x'));
  const [code] = (await once(socket, 'close')) as [number];
  return code;
}

const protocolErrorLines = () => h.logs().filter((line) => line.msg === 'WebSocket protocol errors: sockets closed');

describe('oversized WebSocket frames', () => {
  it('are refused without a stack trace on stderr, logged as one structured line for a burst', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const stderr = vi.spyOn(process.stderr, 'write');

    const codes = [];
    for (let i = 0; i < 5; i++) codes.push(await sendOversizedFrame());

    for (const code of codes) expect([1009, 1006]).toContain(code);
    expect(consoleError).not.toHaveBeenCalled();
    expect(stderr).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(protocolErrorLines()).toHaveLength(1));
    expect(protocolErrorLines()[0]).toMatchObject({ level: 40, errorCode: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', closeCode: 1009 });
    expect(protocolErrorLines()[0]).not.toHaveProperty('stack');
  });
});

describe('a burst of protocol errors', () => {
  const tooBig = () => Object.assign(new RangeError('Max payload size exceeded'), { code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' });

  it('is logged when it starts, counted once a minute while it lasts, and over after a quiet minute', () => {
    vi.useFakeTimers();
    try {
      const lines: Record<string, unknown>[] = [];
      const log = new ProtocolErrorLog(createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } }), 60_000);

      for (let i = 0; i < 300; i++) log.note(tooBig());
      expect(lines.map((line) => line.sockets)).toEqual([1]);
      vi.advanceTimersByTime(60_000);
      expect(lines.map((line) => line.sockets)).toEqual([1, 299]);
      vi.advanceTimersByTime(60_000);
      expect(lines).toHaveLength(2);

      log.note(tooBig());
      expect(lines.map((line) => line.sockets)).toEqual([1, 299, 1]);
    } finally {
      vi.useRealTimers();
    }
  });
});
