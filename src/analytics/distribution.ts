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
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  return distributionOfRanked({ length: sorted.length, sum, at: (rank) => sorted[rank]! });
}

/**
 * Values read by rank in ascending order, without holding them all: a sorted
 * array, or a multiset the read model keeps (tables/latest-cycle-tallies.ts).
 */
export interface RankedValues {
  readonly length: number;
  /** The sum of the values (exact: whole seconds, far below 2^53). */
  readonly sum: number;
  /** The value at `rank` (0-based) in ascending order. */
  at(rank: number): number;
}

/** The distribution of values read by rank. */
export function distributionOfRanked(values: RankedValues): Distribution {
  if (values.length === 0) return { count: 0, mean: null, median: null, p75: null, p90: null };
  return {
    count: values.length,
    mean: round2(values.sum / values.length),
    median: round2(quantileOfRanked(values, 0.5)),
    p75: round2(quantileOfRanked(values, 0.75)),
    p90: round2(quantileOfRanked(values, 0.9)),
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
  return quantileOfRanked({ length: sorted.length, at: (rank) => sorted[rank]! }, q);
}

/** `values` non-empty; q in [0, 1]: the two nearest ranks, interpolated. */
export function quantileOfRanked(values: Pick<RankedValues, 'length' | 'at'>, q: number): number {
  const rank = q * (values.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const low = values.at(lower);
  return low + (values.at(upper) - low) * (rank - lower);
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
