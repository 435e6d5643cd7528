/**
 * Values read by rank through selection (`rankedOf`) are the sorted values:
 * whatever the order, the duplicates and the ranks asked for, in any order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distributionOf, distributionOfRanked, rankedOf } from '../../src/analytics/distribution.js';

/** Arrays long enough for the sampling step (over 600 values), with many duplicates or none. */
const values = fc.oneof(
  fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 601, maxLength: 3000, size: 'max' }),
  fc.array(fc.integer({ min: -1e9, max: 1e9 }), { minLength: 601, maxLength: 3000, size: 'max' }),
  fc.array(fc.integer({ min: -1e9, max: 1e9 }), { maxLength: 20 }),
  fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), { maxLength: 50 }),
);

describe('values read by rank', () => {
  it('give the sorted values at every rank asked for', () => {
    fc.assert(
      fc.property(values, fc.array(fc.nat(), { maxLength: 8 }), (drawn, asked) => {
        // Given unsorted values, and the sorted ones
        const sorted = [...drawn].sort((a, b) => a - b);
        const ranked = rankedOf(drawn);
        // When ranks are read in any order, Then each is the sorted value there
        for (const n of asked) if (drawn.length > 0) expect(ranked.at(n % drawn.length)).toBe(sorted[n % drawn.length]);
        expect(ranked.length).toBe(drawn.length);
      }),
    );
  });

  it('give the distribution a sort gives, for whole numbers', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1e8 }), { maxLength: 3000, size: 'max' }), (drawn) => {
        expect(distributionOfRanked(rankedOf(drawn))).toEqual(distributionOf(drawn));
      }),
    );
  });
});
