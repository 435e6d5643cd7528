import { describe, expect, it } from 'vitest';
import { MAX_POSITION, decodePosition, encodePosition } from '../../src/store/port.js';

describe('global-log cursors', () => {
  it('round-trip every position up to 2^63-1', () => {
    for (const position of [0n, 1n, 2n ** 53n + 1n, MAX_POSITION]) {
      expect(decodePosition(encodePosition(position))).toBe(position);
    }
  });

  it('are not cursors past 2^63-1, where no log reaches, so callers report bad input', () => {
    expect(decodePosition(encodePosition(MAX_POSITION + 1n))).toBeNull();
    expect(decodePosition(encodePosition(10n ** 25n))).toBeNull();
    expect(decodePosition(encodePosition(10n ** 29n))).toBeNull();
  });

  it('are refused when anything but the cursor itself is sent, so one position has one cursor', () => {
    const cursor = encodePosition(42n);
    // Given a cursor with characters outside base64url around it
    for (const tampered of [`${cursor}!`, `${cursor}$$`, ` ${cursor}`, `${cursor}=`, `${cursor.slice(0, 2)}.${cursor.slice(2)}`]) {
      // When it is decoded, then it is not a cursor
      expect(decodePosition(tampered)).toBeNull();
    }
  });
});
