/**
 * A frame over `maxPayload`, bad UTF-8, a reserved opcode: every 'error' a
 * server-side ws socket emits is a peer breaking the protocol, and ws has
 * already closed the socket with the matching code (1009, 1007, 1002…).
 * graphql-ws listens for that 'error' and prints "Internal error emitted on
 * a WebSocket socket" with a stack trace to stderr each time, so a hostile
 * client could flood stderr at will. The sockets this server creates hand
 * their errors to `ProtocolErrorLog` instead, which writes one structured
 * line when a burst starts and a count once a minute while it lasts; an
 * oversized frame's connection is dropped outright (see `reported`).
 */
import type { Logger } from 'pino';
import { WebSocket } from 'ws';

const REPEAT_MS = 60_000;
const MESSAGE = 'WebSocket protocol errors: sockets closed';

export class ProtocolErrorLog {
  private unreported = 0;
  private last: Record<string, unknown> = {};
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly repeatMs = REPEAT_MS,
  ) {}

  /** Notes a socket closed for a protocol error: logged at once when no burst is under way, else counted. */
  note(error: Error & { code?: unknown }): void {
    this.last = { errorCode: typeof error.code === 'string' ? error.code : null, closeCode: closeCodeOf(error) ?? null, reason: error.message };
    if (this.timer !== undefined) {
      this.unreported++;
      return;
    }
    this.logger.warn({ ...this.last, sockets: 1 }, MESSAGE);
    this.arm();
  }

  /** Reports what is still counted; later errors start a new burst. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flush();
  }

  private arm(): void {
    this.timer = setTimeout(() => {
      // A burst lasts while errors keep coming: a quiet interval ends it.
      if (this.flush()) this.arm();
      else this.timer = undefined;
    }, this.repeatMs);
    this.timer.unref();
  }

  private flush(): boolean {
    if (this.unreported === 0) return false;
    this.logger.warn({ ...this.last, sockets: this.unreported, sinceMs: this.repeatMs }, MESSAGE);
    this.unreported = 0;
    return true;
  }
}

/**
 * The WebSocket class for the server (ws's `WebSocket` option): its 'error'
 * events go to `log`, not to listeners. ws answers a frame over
 * `maxPayload` with 1009 but then keeps reading (and discarding) the rest of
 * it until the peer's close frame, so a 95 MiB frame would still be read
 * whole; once the close frame is on its way the connection is dropped.
 */
export function socketReportingTo(log: ProtocolErrorLog): typeof WebSocket {
  return class ReportingWebSocket extends WebSocket {
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event !== 'error') return super.emit(event, ...args);
      const error = args[0] as Error & { code?: unknown };
      log.note(error);
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') setImmediate(() => this.terminate());
      return true;
    }
  };
}

/** ws keeps the close code it sent on the error under a symbol it does not export. */
function closeCodeOf(error: Error): number | undefined {
  const key = Object.getOwnPropertySymbols(error).find((symbol) => symbol.description === 'status-code');
  const code = key === undefined ? undefined : (error as unknown as Record<symbol, unknown>)[key];
  return typeof code === 'number' ? code : undefined;
}
