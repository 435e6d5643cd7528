/**
 * Raw HTTP to the GraphQL endpoint, for bodies and headers no well-behaved
 * client sends, and the check every hostile request must pass: a coded
 * GraphQL error or a 4xx, never a 5xx.
 */
import { expect } from 'vitest';

export interface RawReply {
  readonly status: number;
  readonly json: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: unknown } }[] } | null;
  readonly text: string;
}

export interface RawRequest {
  readonly method?: string;
  readonly body?: string | ReadableStream<Uint8Array>;
  readonly contentType?: string | null;
  readonly token?: string | null;
  readonly search?: string;
  readonly headers?: Record<string, string>;
}

export async function send(url: string, request: RawRequest): Promise<RawReply> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.contentType !== null) headers['content-type'] = request.contentType ?? 'application/json';
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  const response = await fetch(`${url}${request.search ?? ''}`, {
    method: request.method ?? 'POST',
    headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(request.body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  const text = await response.text();
  let json: RawReply['json'] = null;
  try {
    json = JSON.parse(text) as RawReply['json'];
  } catch {
    json = null;
  }
  return { status: response.status, json, text };
}

/** Codes a client may see for a refused request (src/graphql/errors.ts, plus Apollo's request errors). */
export const KNOWN_CODES = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'QUERY_TOO_COMPLEX',
  'PAYLOAD_TOO_LARGE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_NOT_FOUND',
]);

/**
 * The request was refused properly: a 4xx, or a 200 whose errors all carry a
 * known code and whose data holds no result; never a 5xx, never a stack trace.
 */
export function expectRefused(reply: RawReply, what: string): void {
  const context = `${what} → HTTP ${reply.status}: ${reply.text.slice(0, 300)}`;
  expect(reply.status, context).toBeLessThan(500);
  expect(reply.text, context).not.toMatch(/\n\s+at |stacktrace/);
  if (reply.json?.errors) {
    for (const error of reply.json.errors) expect(KNOWN_CODES.has(String(error.extensions?.code)), context).toBe(true);
  }
  if (reply.status < 400) {
    expect(reply.json?.errors?.length ?? 0, context).toBeGreaterThan(0);
    for (const value of Object.values(reply.json?.data ?? {})) expect(value, context).toBeNull();
  }
}
