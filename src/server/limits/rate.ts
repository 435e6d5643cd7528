/**
 * Per-token budget for expensive operations: an operation whose estimated
 * cost reaches `threshold` is charged against its token's bucket, which
 * refills at `perMinute` cost units a minute up to `burst`. Past it the
 * operation is refused before it runs, with RATE_LIMITED and how long to
 * wait (`retryAfterMs`; over HTTP a 429 with `Retry-After`). Cheap
 * operations are never charged: the budget is for what takes a good part
 * of a second, priced on the tenant's size (weights.ts): dashboards on
 * large tenants, `knownAt` replays.
 */
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../graphql/errors.js';

export interface ExpensiveOperationLimits {
  /** Cost from which an operation is charged (COURTSHIP_EXPENSIVE_COST). */
  readonly threshold: number;
  /** Cost units a token regains per minute (COURTSHIP_EXPENSIVE_COST_PER_MINUTE). */
  readonly perMinute: number;
  /** Most a token can spend at once, after being idle. */
  readonly burst: number;
}

/** Buckets kept before the full (idle) ones are forgotten. */
const MAX_TRACKED_TOKENS = 10_000;

export class ExpensiveOperationBudget {
  private readonly buckets = new Map<string, { level: number; at: number }>();

  constructor(
    private readonly limits: ExpensiveOperationLimits,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Whether an operation of this cost is charged at all. */
  isCharged(cost: number): boolean {
    return cost >= this.limits.threshold;
  }

  /** Charges `cost` to the token when it is expensive; the refusal when the token cannot afford it. */
  charge(tokenId: string, cost: number): GraphQLError | undefined {
    if (!(cost >= this.limits.threshold)) return undefined;
    const now = this.now();
    const ratePerMs = this.limits.perMinute / 60_000;
    const bucket = this.buckets.get(tokenId) ?? { level: this.limits.burst, at: now };
    const level = Math.min(this.limits.burst, bucket.level + (now - bucket.at) * ratePerMs);
    // An operation dearer than the whole burst could never run: it waits for a full bucket and takes it all.
    const needed = Math.min(cost, this.limits.burst);
    if (level < needed) {
      this.buckets.set(tokenId, { level, at: now });
      const retryAfterMs = Math.ceil((needed - level) / ratePerMs);
      return new GraphQLError(`this token has used its budget for expensive operations; retry in ${Math.ceil(retryAfterMs / 1000)} s`, {
        extensions: { code: ErrorCode.RATE_LIMITED, cost, retryAfterMs },
      });
    }
    if (this.buckets.size >= MAX_TRACKED_TOKENS && !this.buckets.has(tokenId)) this.forgetIdle(now, ratePerMs);
    this.buckets.set(tokenId, { level: level - needed, at: now });
    return undefined;
  }

  private forgetIdle(now: number, ratePerMs: number): void {
    for (const [tokenId, bucket] of this.buckets) {
      if (bucket.level + (now - bucket.at) * ratePerMs >= this.limits.burst) this.buckets.delete(tokenId);
    }
  }
}
