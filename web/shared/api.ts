/**
 * Talking to the Courtship API from the page's own origin: POST /graphql for
 * queries, graphql-ws on the same path for subscriptions. The token is sent
 * as a Bearer header (or connectionParams on the socket) and nowhere else.
 */
import { createClient, type Client } from 'graphql-ws';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

export async function query<T>(token: string, source: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ query: source, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  const error = body.errors?.[0];
  if (error) throw new ApiError(error.message, error.extensions?.code ?? null);
  if (!body.data) throw new ApiError(`HTTP ${response.status}`, null);
  return body.data;
}

export function socketUrl(): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`;
}

export function subscriptions(token: string): Client {
  return createClient({
    url: socketUrl(),
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: Infinity,
    shouldRetry: () => true,
  });
}

/**
 * The token from the URL fragment (`#token=…`, which browsers never send to
 * the server), removed from the address bar once read so it is not left in
 * screenshots or history.
 */
export function tokenFromFragment(): string | null {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  if (token === null) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return token.trim() || null;
}
