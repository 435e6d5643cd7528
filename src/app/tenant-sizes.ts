/**
 * How many relationships each tenant has, as the server's query-cost limit
 * asks for it on every request whose work scales with the tenant
 * (src/server/limits): the read side's count, kept for `ttlMs` per tenant so
 * that a burst of requests costs one count. A count a few seconds old is
 * exact enough for a cost estimate; tenants grow by appends, not by orders
 * of magnitude between two counts.
 */
import type { ReadSide } from './read-side.js';

/** How long a tenant's count is reused. */
export const TENANT_SIZE_TTL_MS = 5_000;

/** Tenants remembered before the stale counts are dropped. */
const MAX_TENANTS = 10_000;

export class TenantSizes {
  private readonly counts = new Map<string, { readonly relationships: number; readonly at: number }>();

  constructor(
    private readonly readSide: Pick<ReadSide, 'relationshipCount'>,
    private readonly ttlMs = TENANT_SIZE_TTL_MS,
    /** Monotonic milliseconds (not the business clock, which tests stop). */
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The tenant's relationships, counted at most `ttlMs` ago. */
  of(tenant: string): number {
    const now = this.now();
    const known = this.counts.get(tenant);
    if (known !== undefined && now - known.at < this.ttlMs) return known.relationships;
    if (known === undefined && this.counts.size >= MAX_TENANTS) this.forgetStale(now);
    const relationships = this.readSide.relationshipCount(tenant);
    this.counts.set(tenant, { relationships, at: now });
    return relationships;
  }

  private forgetStale(now: number): void {
    for (const [tenant, known] of this.counts) if (now - known.at >= this.ttlMs) this.counts.delete(tenant);
    // All fresh (10,000 tenants within the ttl): start over rather than grow.
    if (this.counts.size >= MAX_TENANTS) this.counts.clear();
  }
}
