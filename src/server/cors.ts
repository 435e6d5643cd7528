import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Cross-origin access for browser frontends served from another origin
 * (COURTSHIP_CORS_ORIGINS). Off by default: with no allowed origin the API
 * sends no CORS headers and browsers keep other sites out. Requests carry a
 * bearer token, not cookies, so credentials are never allowed.
 */
export interface CorsPolicy {
  /** Exact origins (`https://board.example.com`), or `*` for any. */
  readonly origins: readonly string[];
}

const ALLOWED_HEADERS = 'authorization, content-type, x-request-id, courtship-consistent-with, apollo-require-preflight, x-apollo-operation-name';

/** Sets the CORS headers an allowed origin gets; returns true when the request was a preflight, now answered. */
export function applyCors(policy: CorsPolicy, req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  const allowed = origin !== undefined && (policy.origins.includes('*') || policy.origins.includes(origin));
  if (policy.origins.length > 0) res.setHeader('vary', 'Origin');
  if (allowed) {
    res.setHeader('access-control-allow-origin', policy.origins.includes('*') ? '*' : origin);
    res.setHeader('access-control-expose-headers', 'x-request-id');
  }
  const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  if (!preflight) return false;
  if (allowed) {
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
    res.setHeader('access-control-max-age', '600');
  }
  res.statusCode = allowed ? 204 : 403;
  res.end();
  return true;
}
