/** Where a request goes: its path and query string, as `new URL` reads them. */
export interface RequestTarget {
  readonly pathname: string;
  /** `?…`, or '' when there is none. */
  readonly search: string;
}

/**
 * The paths Courtship serves, requested as is (how every API client and probe
 * calls them), map to themselves: no URL parsing on the hot path. Anything
 * else (a query string, dot segments, escapes) goes through `URL`, whose
 * normalisation decides where it lands.
 */
export function requestTarget(raw: string | undefined, plainPaths: ReadonlySet<string>): RequestTarget {
  if (raw !== undefined && plainPaths.has(raw)) return { pathname: raw, search: '' };
  const url = new URL(raw ?? '/', 'http://localhost');
  return { pathname: url.pathname, search: url.search };
}
