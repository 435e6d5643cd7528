/**
 * Summary statistics of a set of durations, in seconds.
 *
 * Quantiles interpolate linearly between the two nearest ranks (the method
 * spreadsheets' PERCENTILE.INC and numpy's default use), so the median of
 * [10, 20] is 15 and the result does not jump when one value is added.
 */

export interface Distribution {
  readonly count: number;
  /** null when count is 0. */
  readonly mean: number | null;
  readonly median: number | null;
  readonly p75: number | null;
  readonly p90: number | null;
}

export function distributionOf(values: readonly number[]): Distribution {
  return distributionOfSorted(sortedNumbers(values));
}

/** The distribution of values already sorted ascending. */
export function distributionOfSorted(sorted: ArrayLike<number>): Distribution {
  if (sorted.length === 0) return { count: 0, mean: null, median: null, p75: null, p90: null };
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  const mean = sum / sorted.length;
  return {
    count: sorted.length,
    mean: round2(mean),
    median: round2(quantileOfSorted(sorted, 0.5)),
    p75: round2(quantileOfSorted(sorted, 0.75)),
    p90: round2(quantileOfSorted(sorted, 0.9)),
  };
}

/** The median of unsorted values, or null when there are none. */
export function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return round2(quantileOfSorted(sortedNumbers(values), 0.5));
}

/** The values in ascending order, in a typed array (a numeric sort, no comparator calls). */
export function sortedNumbers(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** `sorted` ascending and non-empty; q in [0, 1]. */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const rank = q * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (rank - lower);
}

/** Two decimals: statistics are compared across replays, so they must not carry float noise. */
export function round2(x: number): number {
  const rounded = Math.round(x * 100) / 100;
  return rounded === 0 ? 0 : rounded;
}

/** Group keys in order, the null group (no segment, no owner) last. */
export function compareKeys(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
