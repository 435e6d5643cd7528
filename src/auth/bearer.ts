/**
 * Extracts the secret from `Bearer <token>` (scheme case-insensitive, as
 * RFC 7235 says). Returns null when the header is absent, undefined when it is
 * present but not a bearer credential, so callers can say which.
 */
export function bearerToken(header: unknown): string | null | undefined {
  if (header === undefined || header === null || header === '') return null;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match ? match[1] : undefined;
}
