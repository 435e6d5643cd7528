/** A minimal GraphQL-over-HTTP client for setup requests (the measured ones go through autocannon). */
export async function post<T = unknown>(url: string, token: string | null, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`GraphQL error: ${body.errors.map((e) => e.message).join('; ')}`);
  return body.data as T;
}

export const APPEND_EVENTS = `mutation Append($id: ID!, $events: [EventInput!]!) {
  appendEvents(relationshipId: $id, events: $events) { position relationship { id phase version } }
}`;

/**
 * Instants for events sent during the run: WORKLOAD_NOW plus the time elapsed
 * since `origin`, taken before the server started, so they are never behind
 * the server's clock (and at most its startup time ahead, well within the
 * allowed skew).
 */
export function workloadTime(workloadNow: number, origin: number): () => string {
  return () => new Date(workloadNow + (Date.now() - origin)).toISOString();
}
