import { TENANT_PATTERN } from '../app/relationship-stream.js';

/**
 * Scopes are ranked: `admin` implies `write`, which implies `read`. A token
 * that may append events may also read what it appended, and an operator's
 * admin token can do everything, so nobody has to list all three.
 */
export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

const RANK: Record<Scope, number> = { read: 1, write: 2, admin: 3 };

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** True when any granted scope is the needed one or a higher one. */
export function hasScope(granted: readonly Scope[], needed: Scope): boolean {
  return granted.some((scope) => RANK[scope] >= RANK[needed]);
}

/** Parses `read,write` into scopes; throws with the offending name. Duplicates are dropped. */
export function parseScopes(text: string): Scope[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  if (names.length === 0) throw new Error(`no scope given: expected a comma-separated list of ${SCOPES.join(', ')}`);
  const unknown = names.filter((name) => !isScope(name));
  if (unknown.length > 0) throw new Error(`unknown scope ${unknown.map((n) => `"${n}"`).join(', ')}: expected ${SCOPES.join(', ')}`);
  return SCOPES.filter((scope) => names.includes(scope));
}


export function assertTenant(tenant: string): void {
  if (!TENANT_PATTERN.test(tenant)) {
    throw new Error(`invalid tenant "${tenant}": expected 1–40 characters among a-z, 0-9 and _`);
  }
}
