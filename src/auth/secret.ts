import crypto, { randomBytes } from 'node:crypto';

/** The visible prefix lets secret scanners and people recognise a Courtship token. */
const TOKEN_PREFIX = 'cs_';
const TOKEN_PATTERN = /^cs_[A-Za-z0-9_-]{43}$/;

/** A new bearer token: 256 random bits, base64url. Shown once, never stored. */
export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Short public id for listing and revoking without revealing the token. */
export function generateTokenId(): string {
  return 'tok_' + randomBytes(6).toString('hex');
}

/**
 * Runs on every request. The one-shot `crypto.hash` (Node ≥ 20.12) is several
 * times faster than a Hash object; older Node 20 releases fall back to one.
 */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * What is stored. A fast hash is enough: the token has 256 bits of entropy, so
 * there is nothing to brute-force, unlike a password.
 */
export function hashToken(token: string): string {
  return sha256Hex(token);
}

export function looksLikeToken(text: string): boolean {
  return TOKEN_PATTERN.test(text);
}
