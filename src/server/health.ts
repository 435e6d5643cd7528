import type { ServerResponse } from 'node:http';

export interface Readiness {
  readonly ready: boolean;
  /** Whatever helps an operator: store ping, projector lag… */
  readonly details: Record<string, unknown>;
}

export type ReadinessCheck = () => Promise<Readiness>;

/** A check that hangs (an unreachable EventStoreDB can) must not hang the orchestrator's probe. */
const READINESS_TIMEOUT_MS = 5_000;

export async function checkReadiness(check: ReadinessCheck, draining: boolean): Promise<Readiness> {
  if (draining) return { ready: false, details: { shuttingDown: true } };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Readiness>((resolve) => {
    timer = setTimeout(
      () => resolve({ ready: false, details: { error: `readiness check timed out after ${READINESS_TIMEOUT_MS} ms` } }),
      READINESS_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([check(), timedOut]);
  } catch (error) {
    return { ready: false, details: { error: error instanceof Error ? error.message : String(error) } };
  } finally {
    clearTimeout(timer);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** An error body shaped like a GraphQL response, so clients parse every refusal the same way. */
export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  extensions: Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { errors: [{ message, extensions }] }, headers);
}
