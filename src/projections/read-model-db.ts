/**
 * The SQL side of the read models: one transaction per projector batch, and
 * the phase changes the read side answers from disk (relationships are read
 * through relationship-states.ts and listed by relationship-list.ts, events
 * from the log itself).
 */
import { decayReferenceRefresh } from './tables/decay-reference-refresh.js';
import type Database from 'better-sqlite3';
import type { PhaseChangeCursor, PhaseChangeRecord, RelationshipRow } from '../app/read-side.js';
import type { Phase } from '../domain/events.js';
import type { Rules } from '../domain/rules.js';
import type { RelationshipState } from '../domain/state.js';
import { DERIVED_TABLES } from './derived-tables.js';
import { LogAnchorTable, type LogAnchor } from './log-anchor.js';

interface PhaseChangeRow {
  tenant: string;
  position: bigint;
  relationship_id: string;
  from_phase: Phase | null;
  to_phase: Phase;
  at: bigint;
  cycle: bigint;
  cause: string;
  seq: bigint;
  retracted: bigint;
  corrected_by: string | null;
  recorded_at: bigint;
}

/** Dynamic queries are prepared once per filter shape; list values go through json_each. */
const MAX_CACHED_STATEMENTS = 256;
/**
 * The query planner needs statistics to pick a list's index (without them it
 * scans a tenant's rows: 10–30× slower at 5,000 relationships; sampled ones,
 * `analysis_limit`, see a single tenant and phase and mislead it). The list
 * table is analysed in full when it has none or its size moved 2× since:
 * checked at open, after a catch-up or rebuild, and every OPTIMIZE_EVERY commits.
 */
const OPTIMIZE_EVERY = 1000;
const LIST_TABLE = 'relationship_rows';

export interface SerializedRow {
  readonly tenant: string;
  readonly id: string;
  /** The state as JSON (a parallel catch-up's workers serialise the states they fold). */
  readonly state: string;
  readonly position: bigint;
}

/** What one transaction writes: changed rows (as states, or already serialised), phase changes in log order, the checkpoint. */
export interface BatchToWrite {
  readonly rows: readonly RelationshipRow[];
  readonly serializedRows?: readonly SerializedRow[];
  readonly phaseChanges: readonly PhaseChangeRecord[];
  readonly checkpoint: bigint;
}

export class ReadModelDb {
  private readonly statements;
  private readonly commitBatch: (batch: BatchToWrite, anchor: LogAnchor | undefined) => void;
  private readonly cache = new Map<string, Database.Statement>();
  private readonly anchors: LogAnchorTable;
  /** One writer per derived table (derived-tables.ts), run for every changed row. */
  private readonly derivedWriters: ((row: RelationshipRow) => void)[];
  /** The decay references' refresh, prepared on first use (`refreshDecayReferences`). */
  private refreshReferences: ((at: number, limit?: number, horizonMs?: number) => number) | undefined;
  private commits = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly rules: Rules,
  ) {
    this.anchors = new LogAnchorTable(db);
    this.derivedWriters = DERIVED_TABLES.map((table) => table.writer(db, rules));
    this.statements = {
      checkpoint: db.prepare('SELECT checkpoint FROM projector WHERE id = 1').pluck(),
      setCheckpoint: db.prepare('UPDATE projector SET checkpoint = ? WHERE id = 1'),
      deadlines: db.prepare('SELECT tenant, id, next_deadline AS at FROM relationship_rows WHERE next_deadline IS NOT NULL').safeIntegers(false),
      ids: db.prepare('SELECT id FROM relationships WHERE tenant = ? ORDER BY id').pluck(),
      upsertRow: db.prepare(
        `INSERT INTO relationships (tenant, id, state, position) VALUES (?, ?, ?, ?)
         ON CONFLICT (tenant, id) DO UPDATE SET state = excluded.state, position = excluded.position`,
      ),
      insertPhaseChange: db.prepare(
        `INSERT INTO phase_changes (tenant, position, seq, relationship_id, from_phase, to_phase, at, cycle, cause, retracted, corrected_by, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
    this.commitBatch = db.transaction((batch: BatchToWrite, anchor: LogAnchor | undefined) => {
      this.write(batch);
      if (anchor) this.anchors.set(anchor);
    });
  }

  /** The connection, for read tasks run on this thread (read-task.ts); never for writes. */
  get connection(): Database.Database {
    return this.db;
  }

  checkpoint(): bigint | null {
    return (this.statements.checkpoint.get() as bigint | null) ?? null;
  }

  /** Each relationship's next deadline (those with one), read from the file a row at a time. */
  deadlines(): IterableIterator<{ tenant: string; id: string; at: number }> {
    return this.statements.deadlines.iterate() as IterableIterator<{ tenant: string; id: string; at: number }>;
  }

  /** The ids of the tenant's relationships, in id order. */
  relationshipIds(tenant: string): string[] {
    return this.statements.ids.all(tenant) as string[];
  }

  /** Writes a batch and its checkpoint atomically, with the log anchor (log-anchor.ts) when the batch's events are known. */
  commit(batch: BatchToWrite, anchor?: LogAnchor): void {
    this.commitBatch(batch, anchor);
    if (++this.commits % OPTIMIZE_EVERY === 0) this.optimize();
  }

  /** Refreshes up to `limit` decay references due by `at` (tables/decay-reference-refresh.ts); how many it refreshed. */
  refreshDecayReferences(at: number, limit?: number, horizonMs?: number): number {
    this.refreshReferences ??= decayReferenceRefresh(this.db, this.rules);
    return this.refreshReferences(at, limit, horizonMs);
  }

  /** Refreshes the query planner's statistics of the list table when missing or stale (after a catch-up, a rebuild). */
  optimize(): void {
    const rows = Number(this.db.prepare(`SELECT COUNT(*) FROM ${LIST_TABLE}`).pluck().get());
    let analysed: number | null = null;
    try {
      const stat = this.db.prepare('SELECT stat FROM sqlite_stat1 WHERE tbl = ? AND idx = ?').pluck().get(LIST_TABLE, LIST_TABLE) as string | undefined;
      analysed = stat === undefined ? null : Number(stat.split(' ')[0]);
    } catch {
      // No statistics table yet: nothing was ever analysed.
    }
    if (analysed !== null && rows <= 2 * analysed && 2 * rows >= analysed) return;
    this.db.exec(`ANALYZE ${LIST_TABLE}`);
  }

  /** The event the read models last recorded applying, to check they follow the same log; null before any. */
  anchor(): LogAnchor | null {
    return this.anchors.get();
  }

  /** Records the anchor outside a batch (after a catch-up in chunks, whose events were read elsewhere). */
  setAnchor(anchor: LogAnchor): void {
    this.anchors.set(anchor);
  }

  private write(batch: BatchToWrite): void {
    const { upsertRow, insertPhaseChange, setCheckpoint } = this.statements;
    for (const row of batch.rows) {
      upsertRow.run(row.tenant, row.id, JSON.stringify(row.state), row.position);
      for (const write of this.derivedWriters) write(row);
    }
    for (const row of batch.serializedRows ?? []) {
      upsertRow.run(row.tenant, row.id, row.state, row.position);
      if (this.derivedWriters.length === 0) continue;
      const parsed: RelationshipRow = { tenant: row.tenant, id: row.id, state: JSON.parse(row.state) as RelationshipState, position: row.position };
      for (const write of this.derivedWriters) write(parsed);
    }
    for (const change of batch.phaseChanges) {
      insertPhaseChange.run(
        change.tenant,
        change.position,
        change.seq,
        change.relationshipId,
        change.from,
        change.to,
        change.at,
        change.cycle,
        JSON.stringify(change.cause),
        change.retracted ? 1 : 0,
        change.correctedBy === null ? null : JSON.stringify(change.correctedBy),
        change.recordedAt,
      );
    }
    setCheckpoint.run(batch.checkpoint);
  }

  phaseChanges(
    tenant: string,
    query: { after?: PhaseChangeCursor; first: number; relationshipId?: string; phases?: Phase[] },
  ): PhaseChangeRecord[] {
    const after = query.after ?? { position: -1n, seq: null };
    // A cursor without a rank (a position, as cursors were before corrections) is after every change of that event.
    const params: unknown[] = [tenant, after.position, after.position, after.seq ?? Number.MAX_SAFE_INTEGER];
    let where = '';
    if (query.relationshipId !== undefined) {
      where += ' AND relationship_id = ?';
      params.push(query.relationshipId);
    }
    if (query.phases !== undefined) {
      where += ' AND to_phase IN (SELECT value FROM json_each(?))';
      params.push(JSON.stringify(query.phases));
    }
    const sql =
      'SELECT tenant, position, seq, relationship_id, from_phase, to_phase, at, cycle, cause, retracted, corrected_by, recorded_at FROM phase_changes ' +
      `WHERE tenant = ? AND (position > ? OR (position = ? AND seq > ?))${where} ORDER BY position, seq LIMIT ?`;
    const rows = this.statement(sql).all(...params, query.first) as PhaseChangeRow[];
    return rows.map((row) => ({
      tenant: row.tenant,
      relationshipId: row.relationship_id,
      from: row.from_phase,
      to: row.to_phase,
      at: Number(row.at),
      cycle: Number(row.cycle),
      cause: JSON.parse(row.cause) as PhaseChangeRecord['cause'],
      position: row.position,
      seq: Number(row.seq),
      retracted: row.retracted !== 0n,
      correctedBy: row.corrected_by === null ? null : (JSON.parse(row.corrected_by) as PhaseChangeRecord['correctedBy']),
      recordedAt: Number(row.recorded_at),
    }));
  }

  close(): void {
    this.db.close();
  }

  /** A statement prepared once per SQL text (dynamic queries: one text per query shape), on this connection. */
  statement(sql: string): Database.Statement {
    let statement = this.cache.get(sql);
    if (!statement) {
      if (this.cache.size >= MAX_CACHED_STATEMENTS) this.cache.clear();
      statement = this.db.prepare(sql);
      this.cache.set(sql, statement);
    }
    return statement;
  }
}
