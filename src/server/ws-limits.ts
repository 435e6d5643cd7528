/**
 * What one token may hold open over WebSocket: sockets, and subscriptions
 * per socket and in all (queries and mutations over a socket count while
 * they run). Without caps one read token opened 10,000 subscriptions on a
 * socket (+200 MB, a 1.2 s stall). Frames are capped separately, by
 * `maxPayload` (before authentication a frame is buffered whole).
 */
import { GraphQLError } from 'graphql';
import type { WebSocket } from 'ws';
import { ErrorCode } from '../graphql/errors.js';

export interface WebSocketLimits {
  /** Largest frame accepted, in bytes: the HTTP body limit, so neither transport takes more than the other. */
  readonly maxPayloadBytes: number;
  readonly maxSocketsPerToken: number;
  readonly maxSubscriptionsPerSocket: number;
  readonly maxSubscriptionsPerToken: number;
}

export const DEFAULT_WEBSOCKET_LIMITS = {
  maxSocketsPerToken: 1_000,
  maxSubscriptionsPerSocket: 100,
  maxSubscriptionsPerToken: 2_000,
} as const;

/**
 * Close code for a socket over its token's cap. graphql-ws clients do not
 * retry it (it is their "too many initialisation requests"): retrying would
 * only be refused again.
 */
export const TOO_MANY_SOCKETS_CLOSE_CODE = 4429;

/** Open operations counted per socket and per token; each admitted operation is released exactly once. */
export class OperationCaps {
  private readonly perSocket = new WeakMap<WebSocket, number>();
  private readonly perToken = new Map<string, number>();
  private readonly admitted = new Map<string, { readonly socket: WebSocket; readonly tokenId: string }>();

  constructor(private readonly limits: Omit<WebSocketLimits, 'maxPayloadBytes' | 'maxSocketsPerToken'>) {}

  /**
   * Counts the operation `key` against its socket and token, or returns the
   * TOO_MANY_SUBSCRIPTIONS error (naming the scope and the limit) when
   * either is full. Synchronous: a burst of subscribe messages cannot all
   * pass the check before any of them is counted.
   */
  admit(key: string, socket: WebSocket, tokenId: string): GraphQLError | undefined {
    const refused = this.refusal(socket, tokenId);
    if (refused) return refused;
    this.perSocket.set(socket, (this.perSocket.get(socket) ?? 0) + 1);
    this.perToken.set(tokenId, (this.perToken.get(tokenId) ?? 0) + 1);
    this.admitted.set(key, { socket, tokenId });
    return undefined;
  }

  /**
   * The refusal `admit` would give now, without counting anything: checked
   * before an operation is parsed and validated, so that a flood past the
   * cap (a hostile client sending thousands of subscribes) costs a lookup
   * each, not a validation.
   */
  refusal(socket: WebSocket, tokenId: string): GraphQLError | undefined {
    if ((this.perSocket.get(socket) ?? 0) >= this.limits.maxSubscriptionsPerSocket) return tooMany('socket', this.limits.maxSubscriptionsPerSocket);
    if ((this.perToken.get(tokenId) ?? 0) >= this.limits.maxSubscriptionsPerToken) return tooMany('token', this.limits.maxSubscriptionsPerToken);
    return undefined;
  }

  /** Releases an admitted operation; unknown keys (refused, or released already) are ignored. */
  release(key: string): void {
    const entry = this.admitted.get(key);
    if (entry === undefined) return;
    this.admitted.delete(key);
    this.perSocket.set(entry.socket, (this.perSocket.get(entry.socket) ?? 1) - 1);
    const left = (this.perToken.get(entry.tokenId) ?? 1) - 1;
    if (left > 0) this.perToken.set(entry.tokenId, left);
    else this.perToken.delete(entry.tokenId);
  }
}

function tooMany(scope: 'socket' | 'token', limit: number): GraphQLError {
  return new GraphQLError(
    `too many open subscriptions on this ${scope} (limit ${limit}): complete one before starting another`,
    { extensions: { code: ErrorCode.TOO_MANY_SUBSCRIPTIONS, scope, limit } },
  );
}

