import { describe, expect, it } from 'vitest';
import { bearerToken } from '../../src/auth/bearer.js';
import { hasScope, parseScopes } from '../../src/auth/scopes.js';

describe('scopes', () => {
  it('rank admin above write above read', () => {
    expect(hasScope(['admin'], 'write')).toBe(true);
    expect(hasScope(['write'], 'read')).toBe(true);
    expect(hasScope(['read'], 'write')).toBe(false);
    expect(hasScope(['write'], 'admin')).toBe(false);
    expect(hasScope([], 'read')).toBe(false);
  });

  it('parse a comma-separated list, in canonical order and without duplicates', () => {
    expect(parseScopes('write, read,write')).toEqual(['read', 'write']);
  });

  it('name the scope they do not know', () => {
    expect(() => parseScopes('read,root')).toThrow(/"root"/);
    expect(() => parseScopes(' , ')).toThrow(/no scope/);
  });
});

describe('the Authorization header', () => {
  it('yields the bearer token, whatever the scheme case', () => {
    expect(bearerToken('Bearer cs_abc')).toBe('cs_abc');
    expect(bearerToken('bearer  cs_abc ')).toBe('cs_abc');
  });

  it('tells a missing header (null) from a malformed one (undefined)', () => {
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken('')).toBeNull();
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
  });
});
