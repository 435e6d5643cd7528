/**
 * Values a writer keeps in a table, counted per bucket of a fixed width by
 * triggers (latest-cycle-tallies.ts, decay-summary-tallies.ts), read by rank:
 * the buckets' counts give the bucket that holds a rank, and only that
 * bucket's values are read. A request's own corrections (values the kept
 * ones count but the instant does not, and values it adds) are applied to
 * the counts and to the buckets read.
 */

/** Where a tenant's kept values are: their buckets' counts in bucket order, and one bucket's values. */
export interface KeptBuckets {
  /** Values per bucket: bucket `b` holds the values in [b × width, (b + 1) × width). */
  readonly width: number;
  /** [bucket, count, sum of its values (when kept)] of the non-empty buckets, in bucket order. */
  counts(): [number, number, number?][];
  /** The values kept in `bucket`, in any order. */
  valuesIn(bucket: number): number[];
}

export class BucketedValues {
  readonly length: number;
  /** The sum of the values (exact while they are integers far below 2^53); NaN when the buckets keep no sums. */
  readonly sum: number;
  /** The non-empty buckets in order, with their counts (the corrections applied). */
  readonly buckets: readonly { readonly bucket: number; readonly n: number }[];
  private readonly loaded = new Map<number, Float64Array>();

  /** `left`: values the kept ones count that are not to be; `added`: values to count as well. */
  constructor(
    private readonly kept: KeptBuckets,
    private readonly left: readonly number[],
    private readonly added: readonly number[],
  ) {
    // The kept buckets come in order; the few the corrections change are adjusted in place.
    const delta = new Map<number, number>();
    let sum = 0;
    for (const value of left) delta.set(this.bucketOf(value), (delta.get(this.bucketOf(value)) ?? 0) - 1), (sum -= value);
    for (const value of added) delta.set(this.bucketOf(value), (delta.get(this.bucketOf(value)) ?? 0) + 1), (sum += value);
    const buckets: { bucket: number; n: number }[] = [];
    for (const [bucket, n, total] of kept.counts()) {
      buckets.push({ bucket, n: n + (delta.get(bucket) ?? 0) });
      delta.delete(bucket);
      sum += total ?? Number.NaN;
    }
    for (const [bucket, n] of delta) buckets.push({ bucket, n });
    if (delta.size > 0) buckets.sort((a, b) => a.bucket - b.bucket);
    this.buckets = buckets.filter(({ n }) => n > 0);
    this.length = this.buckets.reduce((total, { n }) => total + n, 0);
    this.sum = sum;
  }

  /** The value at `rank` (0-based) in ascending order. */
  at(rank: number): number {
    let before = 0;
    for (const { bucket, n } of this.buckets) {
      if (rank < before + n) return this.bucketValues(bucket)[rank - before]!;
      before += n;
    }
    throw new RangeError(`rank ${rank} of ${this.length} values`);
  }

  /** A bucket's values in order: the kept ones in it, less the left-out, plus the added. */
  private bucketValues(bucket: number): Float64Array {
    let values = this.loaded.get(bucket);
    if (values !== undefined) return values;
    const kept = this.kept.valuesIn(bucket);
    for (const value of this.left) if (this.bucketOf(value) === bucket) kept.splice(kept.indexOf(value), 1);
    for (const value of this.added) if (this.bucketOf(value) === bucket) kept.push(value);
    this.loaded.set(bucket, (values = Float64Array.from(kept).sort()));
    return values;
  }

  private bucketOf(value: number): number {
    return Math.floor(value / this.kept.width);
  }
}
