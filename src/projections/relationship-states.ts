/**
 * The relationships' folded states, read from the read-model file by primary
 * key through a bounded cache of parsed states (least recently used first
 * out): memory follows the working set, not the number of relationships.
 *
 * The file is the truth: the projector commits a batch, then installs its
 * rows here (`set`), so a state read here is always a committed one. Rows and
 * their states are never mutated once stored (the projector replaces a row
 * with a new one), so a reader may keep what it was given.
 */
import type Database from 'better-sqlite3';
import { relationshipKey, type RelationshipColumns, type RelationshipRow } from '../app/read-side.js';
import { parseStreamId } from '../app/relationship-stream.js';
import type { DecayInputs } from '../domain/metrics/decay-inputs.js';
import type { RelationshipState } from '../domain/state.js';

/** Parsed states kept by default (COURTSHIP_STATE_CACHE): a state takes about 10 KB once parsed. */
export const DEFAULT_STATE_CACHE = 5000;

/** Rows read per query when iterating every state. */
const PAGE = 1000;

interface StoredRow {
  tenant: string;
  id: string;
  state: string;
  position: bigint;
}

/** Where a fold reads the states it starts from (batch.ts, partition-fold.ts). */
export interface StateSource {
  get(tenant: string, id: string): RelationshipRow | undefined;
  /** Reads the states of these streams' relationships at once, ahead of `get`s (optional: a hint). */
  prefetch?(streamIds: Iterable<string>): void;
}

export class RelationshipStates implements StateSource {
  private readonly cache = new Map<string, RelationshipRow>();
  /**
   * List columns read for relationships whose state is not cached (least
   * recently used first out; dropped when a new row is installed): a page
   * asked again reads nothing. About 0.4 KB each; twice the states' count.
   */
  private readonly columns = new Map<string, RelationshipColumns>();
  /**
   * Decay inputs read for married relationships (tables/decay-inputs.ts;
   * null: none kept), first kept first out, dropped when a row of
   * theirs is installed or read, as the list columns are: a list ordered by
   * decay asked again reads none. About 0.5 KB each; four times the states' count.
   */
  private readonly inputs = new Map<string, DecayInputs | null>();
  /** Relationships the last prefetch found in no row (new ones), until a row of theirs is installed. */
  private absent = new Set<string>();
  private readonly statements;

  constructor(
    db: Database.Database,
    private readonly capacity = DEFAULT_STATE_CACHE,
  ) {
    this.statements = {
      one: db.prepare('SELECT tenant, id, state, position FROM relationships WHERE tenant = ? AND id = ?'),
      many: db.prepare(
        `SELECT tenant, id, state, position FROM relationships
         WHERE (tenant, id) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))`,
      ),
      count: db.prepare('SELECT COUNT(*) FROM relationships').pluck().safeIntegers(false),
      countOfTenant: db.prepare('SELECT COUNT(*) FROM relationships WHERE tenant = ?').pluck().safeIntegers(false),
      firstPage: db.prepare(`SELECT tenant, id, state, position FROM relationships ORDER BY tenant, id LIMIT ${PAGE}`),
      nextPage: db.prepare(
        `SELECT tenant, id, state, position FROM relationships WHERE (tenant, id) > (?, ?) ORDER BY tenant, id LIMIT ${PAGE}`,
      ),
    };
  }

  /** Number of relationships (all tenants). */
  get size(): number {
    return this.statements.count.get() as number;
  }

  countOfTenant(tenant: string): number {
    return this.statements.countOfTenant.get(tenant) as number;
  }

  get(tenant: string, id: string): RelationshipRow | undefined {
    const key = relationshipKey(tenant, id);
    const cached = this.cache.get(key);
    if (cached) {
      this.touch(key, cached);
      return cached;
    }
    if (this.absent.has(key)) return undefined;
    const stored = this.statements.one.get(tenant, id) as StoredRow | undefined;
    return stored && this.remember(parsed(stored));
  }

  /**
   * These relationships of one tenant as the API shows them, by id (those
   * that exist): the cached row when its state is cached, else a row of its
   * list columns (`rowOf`), the columns not cached read at once by `read`.
   */
  shown(tenant: string, ids: readonly string[], read: (ids: readonly string[]) => RelationshipColumns[]): Map<string, RelationshipRow> {
    const found = new Map<string, RelationshipRow>();
    const missing: string[] = [];
    for (const id of ids) {
      const key = relationshipKey(tenant, id);
      const cached = this.cache.get(key);
      const columns = cached === undefined ? this.columns.get(key) : undefined;
      if (cached !== undefined) found.set(id, cached);
      else if (columns !== undefined) found.set(id, this.rowOf(columns));
      else missing.push(id);
    }
    if (missing.length === 0) return found;
    for (const columns of read(missing)) {
      const key = relationshipKey(tenant, columns.id);
      this.columns.delete(key);
      this.columns.set(key, columns);
      if (this.columns.size > 2 * this.capacity) this.columns.delete(this.columns.keys().next().value!);
      found.set(columns.id, this.rowOf(columns));
    }
    return found;
  }

  /**
   * A row read from its list columns: the state is read (through this cache)
   * only if something asks for it. The columns and the state are written in
   * one transaction; a row read later than its columns may be a newer one.
   */
  rowOf(columns: RelationshipColumns): RelationshipRow {
    return new ColumnsRow(columns, this);
  }

  /**
   * These relationships' decay inputs, by id (null: none): kept ones, the
   * others read at once by `read` (those it does not give have none) and
   * kept, unless there are more than this cache holds (a scan of every
   * marriage would only churn it).
   */
  decayInputs(tenant: string, ids: readonly string[], read: (ids: readonly string[]) => Iterable<[string, DecayInputs]>): Map<string, DecayInputs | null> {
    const found = new Map<string, DecayInputs | null>();
    const missing: string[] = [];
    for (const id of ids) {
      const key = relationshipKey(tenant, id);
      const kept = this.inputs.get(key);
      if (kept === undefined) missing.push(id);
      else found.set(id, kept);
    }
    if (missing.length === 0) return found;
    for (const id of missing) found.set(id, null);
    for (const [id, inputs] of read(missing)) found.set(id, inputs);
    const limit = 4 * this.capacity;
    if (missing.length > limit) return found;
    for (const id of missing) {
      const inputs = found.get(id)!;
      this.inputs.set(relationshipKey(tenant, id), inputs === null ? null : Float64Array.from(inputs));
      if (this.inputs.size > limit) this.inputs.delete(this.inputs.keys().next().value!);
    }
    return found;
  }

  /** The rows of these relationships of one tenant that exist, by id: those not cached read in one query. */
  getMany(tenant: string, ids: readonly string[]): Map<string, RelationshipRow> {
    const found = new Map<string, RelationshipRow>();
    const missing: [string, string][] = [];
    for (const id of ids) {
      const cached = this.cache.get(relationshipKey(tenant, id));
      if (cached) found.set(id, cached);
      else missing.push([tenant, id]);
    }
    for (const row of this.readMany(missing)) found.set(row.id, row);
    return found;
  }

  prefetch(streamIds: Iterable<string>): void {
    const missing = new Map<string, [string, string]>();
    for (const streamId of streamIds) {
      const ids = parseStreamId(streamId);
      if (ids === null) continue;
      const key = relationshipKey(ids.tenant, ids.relationshipId);
      if (!this.cache.has(key)) missing.set(key, [ids.tenant, ids.relationshipId]);
    }
    const found = this.readMany([...missing.values()]);
    for (const row of found) missing.delete(relationshipKey(row.tenant, row.id));
    this.absent = new Set(missing.keys());
  }

  /**
   * The rows a query of `relationships` (tenant, id, state, position) returns,
   * one at a time: the cached state when there is one, else parsed. The
   * first half a cache's worth parsed are kept (a list asked again finds
   * them), the rest are not: a scan over many rows must not evict the
   * working set.
   */
  *scan(statement: Database.Statement, params: unknown): IterableIterator<RelationshipRow> {
    let kept = 0;
    for (const stored of statement.iterate(params) as Iterable<StoredRow>) {
      const cached = this.cache.get(relationshipKey(stored.tenant, stored.id));
      if (cached) yield cached;
      else if (kept++ < this.capacity / 2) yield this.remember(parsed(stored));
      else yield parsed(stored);
    }
  }

  /** Installs a committed row. */
  set(row: RelationshipRow): void {
    this.remember(row);
  }

  /** Every relationship of every tenant, read from the file a page at a time (nothing kept). */
  *all(): IterableIterator<RelationshipRow> {
    let page = this.statements.firstPage.all() as StoredRow[];
    while (page.length > 0) {
      for (const stored of page) yield parsed(stored);
      if (page.length < PAGE) return;
      const last = page[page.length - 1]!;
      page = this.statements.nextPage.all(last.tenant, last.id) as StoredRow[];
    }
  }

  private readMany(keys: readonly [string, string][]): RelationshipRow[] {
    if (keys.length === 0) return [];
    const rows = (this.statements.many.all(JSON.stringify(keys)) as StoredRow[]).map(parsed);
    // The cache keeps the most recent reads when a batch holds more than it does.
    for (const row of rows.slice(-this.capacity)) this.remember(row);
    return rows;
  }

  private remember(row: RelationshipRow): RelationshipRow {
    const key = relationshipKey(row.tenant, row.id);
    this.absent.delete(key);
    this.columns.delete(key);
    this.inputs.delete(key);
    this.touch(key, row);
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
    return row;
  }

  /** Moves the key to the most recent end. */
  private touch(key: string, row: RelationshipRow): void {
    this.cache.delete(key);
    this.cache.set(key, row);
  }
}

class ColumnsRow implements RelationshipRow {
  readonly tenant: string;
  readonly id: string;
  readonly position: bigint;
  private read: RelationshipState | undefined;

  constructor(
    readonly columns: RelationshipColumns,
    private readonly states: RelationshipStates,
  ) {
    this.tenant = columns.tenant;
    this.id = columns.id;
    this.position = columns.position;
  }

  get state(): RelationshipState {
    if (this.read === undefined) {
      const row = this.states.get(this.tenant, this.id);
      // The row and its state are written in one transaction: one without the other is a damaged file.
      if (row === undefined) throw new Error(`relationship ${this.id} of ${this.tenant} has list columns but no state`);
      this.read = row.state;
    }
    return this.read;
  }
}

function parsed(stored: StoredRow): RelationshipRow {
  return { tenant: stored.tenant, id: stored.id, state: JSON.parse(stored.state) as RelationshipState, position: stored.position };
}
