import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UUID_PATTERN } from '../../src/store/port.js';
import { isUuid } from '../../src/store/validate.js';

/** isUuid is UUID_PATTERN.test, character by character: every text must get the same answer. */
describe('isUuid', () => {
  const hex = fc.constantFrom(...'0123456789abcdefABCDEF');
  const uuidLike = fc.array(hex, { minLength: 32, maxLength: 32 }).map((digits) => {
    const text = digits.join('');
    return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
  });
  // One character replaced or inserted or removed: dashes moved, non-hex letters, non-ASCII, NUL.
  const mutated = fc
    .tuple(uuidLike, fc.nat(), fc.constantFrom('-', 'g', 'G', 'z', ' ', '0', 'é', '٣', '\u0000', '\u0130', '\u212a', ''), fc.constantFrom('replace', 'insert'))
    .map(([text, at, char, how]) => {
      const i = at % (text.length + 1);
      return how === 'insert' ? text.slice(0, i) + char + text.slice(i) : text.slice(0, i) + char + text.slice(i + 1);
    });

  it('answers as UUID_PATTERN does', () => {
    fc.assert(
      fc.property(fc.oneof(uuidLike, mutated, fc.string(), fc.uuid()), (text) => {
        expect(isUuid(text)).toBe(UUID_PATTERN.test(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it.each(['', '0f8fad5b-d9cb-469f-a165-70867728950e', '0F8FAD5B-D9CB-469F-A165-70867728950E', '0f8fad5bd9cb-469f-a165-70867728950e-', '0f8fad5b-d9cb-469f-a165-70867728950e\n'])(
    'answers %j as UUID_PATTERN does',
    (text) => expect(isUuid(text)).toBe(UUID_PATTERN.test(text)),
  );
});
