/**
 * GraphQL over HTTP as a frontend speaks it: a JSON POST with a bearer token.
 * Node's fetch keeps connections alive, so thousands of calls reuse a few sockets.
 */

export interface GraphQLErrorJson {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown> & { code?: string };
}

export interface GraphQLReply<T = any> {
  readonly status: number;
  readonly data: T | null | undefined;
  readonly errors: GraphQLErrorJson[] | undefined;
}

/** Sends one operation; never throws on a GraphQL error (the caller asserts on it). */
export async function gql<T = any>(
  url: string,
  token: string | null,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLReply<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: { data?: T | null; errors?: GraphQLErrorJson[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`HTTP ${response.status}: not JSON: ${text.slice(0, 200)}`);
  }
  return { status: response.status, data: body.data, errors: body.errors };
}

/** Sends one operation and fails loudly on any error. */
export async function gqlOk<T = any>(url: string, token: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const reply = await gql<T>(url, token, query, variables);
  if (reply.errors?.length || reply.data == null) {
    throw new Error(`unexpected errors (HTTP ${reply.status}): ${JSON.stringify(reply.errors, null, 2)}`);
  }
  return reply.data;
}

export const APPEND = `mutation Append($id: ID!, $expectedVersion: Int, $events: [EventInput!]!) {
  appendEvents(relationshipId: $id, expectedVersion: $expectedVersion, events: $events) { position relationship { version phase } }
}`;
