/**
 * The relationships, held in memory for fast reads: tenant → id → row.
 *
 * Rows and their states are never mutated once stored here (the projector
 * replaces a row with a new one), so a reader may keep what it was given.
 */
import type { RelationshipRow } from '../app/read-side.js';

export class RelationshipTable {
  private readonly tenants = new Map<string, Map<string, RelationshipRow>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(tenant: string, id: string): RelationshipRow | undefined {
    return this.tenants.get(tenant)?.get(id);
  }

  /** The tenant's rows (empty for an unknown tenant). */
  ofTenant(tenant: string): ReadonlyMap<string, RelationshipRow> {
    return this.tenants.get(tenant) ?? EMPTY;
  }

  set(row: RelationshipRow): void {
    let rows = this.tenants.get(row.tenant);
    if (!rows) {
      rows = new Map();
      this.tenants.set(row.tenant, rows);
    }
    if (!rows.has(row.id)) this.count++;
    rows.set(row.id, row);
  }

  *all(): IterableIterator<RelationshipRow> {
    for (const rows of this.tenants.values()) yield* rows.values();
  }
}

const EMPTY: ReadonlyMap<string, RelationshipRow> = new Map();
