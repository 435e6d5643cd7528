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
  return round2(quantileOfRanked(rankedOf(values), 0.5));
}

/**
 * Unsorted values read by rank: each rank asked for is selected in place
 * (Floyd–Rivest), linear where a sort is n log n; a statistic asks for a
 * few ranks. The sum is in the given order: exact for whole seconds.
 */
export function rankedOf(values: ArrayLike<number>): RankedValues {
  const array = Float64Array.from(values);
  let sum = 0;
  for (let i = 0; i < array.length; i++) sum += array[i]!;
  return {
    length: array.length,
    sum,
    at(rank: number): number {
      select(array, rank, 0, array.length - 1);
      return array[rank]!;
    },
  };
}

/** Moves the value of rank k (0-based) of array[left..right] to index k, smaller ones before it, larger after (Floyd–Rivest). */
function select(array: Float64Array, k: number, left: number, right: number): void {
  while (right > left) {
    if (right - left > 600) {
      // Narrow to a sample's range around k first.
      const n = right - left + 1;
      const m = k - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      select(array, k, Math.max(left, Math.floor(k - (m * s) / n + sd)), Math.min(right, Math.floor(k + ((n - m) * s) / n + sd)));
    }
    const pivot = array[k]!;
    let i = left;
    let j = right;
    swap(array, left, k);
    if (array[right]! > pivot) swap(array, left, right);
    while (i < j) {
      swap(array, i, j);
      i++;
      j--;
      while (array[i]! < pivot) i++;
      while (array[j]! > pivot) j--;
    }
    if (array[left] === pivot) swap(array, left, j);
    else swap(array, ++j, right);
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

function swap(array: Float64Array, i: number, j: number): void {
  const value = array[i]!;
  array[i] = array[j]!;
  array[j] = value;
}

/** The values in ascending order, in a typed array (a numeric sort, no comparator calls). */
export function sortedNumbers(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
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
