/**
 * The SQL side of the read models: one transaction per projector batch, and
 * the queries the read side answers from disk (the event log and the phase
 * changes; relationships are answered from memory).
 */
import type Database from 'better-sqlite3';
import type { EventLogFilter, LoggedEvent, PhaseChangeRecord } from '../app/read-side.js';
import type { Phase } from '../domain/events.js';
import type { RelationshipState } from '../domain/state.js';
import type { AppliedBatch } from './batch.js';
import type { RelationshipTable } from './relationship-table.js';

interface EventLogRow {
  tenant: string;
  position: bigint;
  relationship_id: string;
  revision: bigint;
  event_id: string;
  type: string;
  occurred_at: bigint;
  actor: LoggedEvent['actor'];
  data: string;
  metadata: string | null;
  recorded_at: bigint;
}

interface PhaseChangeRow {
  tenant: string;
  position: bigint;
  relationship_id: string;
  from_phase: Phase | null;
  to_phase: Phase;
  at: bigint;
  cycle: bigint;
  cause: string;
}

const EVENT_COLUMNS =
  'tenant, position, relationship_id, revision, event_id, type, occurred_at, actor, data, metadata, recorded_at';
/** Dynamic queries are prepared once per filter shape; list values go through json_each. */
const MAX_CACHED_STATEMENTS = 64;

export class ReadModelDb {
  private readonly statements;
  private readonly commitBatch: (batch: AppliedBatch) => void;
  private readonly cache = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    this.statements = {
      checkpoint: db.prepare('SELECT checkpoint FROM projector WHERE id = 1').pluck(),
      setCheckpoint: db.prepare('UPDATE projector SET checkpoint = ? WHERE id = 1'),
      rows: db.prepare('SELECT tenant, id, state, position FROM relationships'),
      upsertRow: db.prepare(
        `INSERT INTO relationships (tenant, id, state, position) VALUES (?, ?, ?, ?)
         ON CONFLICT (tenant, id) DO UPDATE SET state = excluded.state, position = excluded.position`,
      ),
      insertPhaseChange: db.prepare(
        `INSERT INTO phase_changes (tenant, position, seq, relationship_id, from_phase, to_phase, at, cycle, cause)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertEvent: db.prepare(`INSERT INTO event_log (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      relationshipEvents: db.prepare(
        `SELECT ${EVENT_COLUMNS} FROM event_log
         WHERE tenant = ? AND relationship_id = ? AND revision > ? ORDER BY revision LIMIT ?`,
      ),
      countRelationshipEvents: db
        .prepare('SELECT count(*) FROM event_log WHERE tenant = ? AND relationship_id = ?')
        .pluck(),
      // Numbers each relationship's events after the revision from the index
      // alone, then reads the whole rows of only the first `limit` of each.
      relationshipEventsMany: db.prepare(
        `WITH numbered AS (
           SELECT tenant, position, ROW_NUMBER() OVER (PARTITION BY relationship_id ORDER BY revision) AS n
           FROM event_log
           WHERE tenant = ? AND relationship_id IN (SELECT value FROM json_each(?)) AND revision > ?
         )
         SELECT ${EVENT_COLUMNS} FROM numbered JOIN event_log USING (tenant, position)
         WHERE n <= ? ORDER BY relationship_id, revision`,
      ),
      countRelationshipEventsMany: db.prepare(
        `SELECT relationship_id, count(*) AS count FROM event_log
         WHERE tenant = ? AND relationship_id IN (SELECT value FROM json_each(?)) GROUP BY relationship_id`,
      ),
    };
    this.commitBatch = db.transaction((batch: AppliedBatch) => this.write(batch));
  }

  checkpoint(): bigint | null {
    return (this.statements.checkpoint.get() as bigint | null) ?? null;
  }

  /** Loads the persisted relationships (the snapshot) into `table`. */
  loadInto(table: RelationshipTable): void {
    for (const row of this.statements.rows.iterate() as Iterable<{
      tenant: string;
      id: string;
      state: string;
      position: bigint;
    }>) {
      table.set({ tenant: row.tenant, id: row.id, state: JSON.parse(row.state) as RelationshipState, position: row.position });
    }
  }

  /** Writes a batch and its checkpoint atomically. */
  commit(batch: AppliedBatch): void {
    this.commitBatch(batch);
  }

  private write(batch: AppliedBatch): void {
    const { upsertRow, insertPhaseChange, insertEvent, setCheckpoint } = this.statements;
    for (const row of batch.rows) upsertRow.run(row.tenant, row.id, JSON.stringify(row.state), row.position);
    let seq = 0;
    let previous: bigint | undefined;
    for (const change of batch.phaseChanges) {
      seq = change.position === previous ? seq + 1 : 0;
      previous = change.position;
      insertPhaseChange.run(
        change.tenant,
        change.position,
        seq,
        change.relationshipId,
        change.from,
        change.to,
        change.at,
        change.cycle,
        JSON.stringify(change.cause),
      );
    }
    for (const event of batch.events) {
      insertEvent.run(
        event.tenant,
        event.position,
        event.relationshipId,
        event.revision,
        event.eventId,
        event.type,
        event.occurredAt,
        event.actor,
        JSON.stringify(event.data),
        event.metadata === null ? null : JSON.stringify(event.metadata),
        event.recordedAt,
      );
    }
    setCheckpoint.run(batch.checkpoint);
  }

  /** The tenant's log after `after`, filtered; `limit` rows at most. */
  events(tenant: string, after: bigint | undefined, limit: number, filter: EventLogFilter = {}): LoggedEvent[] {
    const { where, params } = eventConditions(filter);
    const sql = `SELECT ${EVENT_COLUMNS} FROM event_log WHERE tenant = ? AND position > ?${where} ORDER BY position LIMIT ?`;
    const rows = this.prepared(sql).all(tenant, after ?? -1n, ...params, limit) as EventLogRow[];
    return rows.map(toLoggedEvent);
  }

  countEvents(tenant: string, filter: EventLogFilter = {}): number {
    const { where, params } = eventConditions(filter);
    const sql = `SELECT count(*) FROM event_log WHERE tenant = ?${where}`;
    return Number(this.prepared(sql).pluck().get(tenant, ...params));
  }

  relationshipEvents(tenant: string, id: string, afterRevision: number, limit: number): LoggedEvent[] {
    return (this.statements.relationshipEvents.all(tenant, id, afterRevision, limit) as EventLogRow[]).map(toLoggedEvent);
  }

  countRelationshipEvents(tenant: string, id: string): number {
    return Number(this.statements.countRelationshipEvents.get(tenant, id));
  }

  /** The first `limit` events after `afterRevision` of each relationship in `ids`, by relationship then revision. */
  relationshipEventsMany(tenant: string, ids: readonly string[], afterRevision: number, limit: number): LoggedEvent[] {
    const rows = this.statements.relationshipEventsMany.all(tenant, JSON.stringify(ids), afterRevision, limit) as EventLogRow[];
    return rows.map(toLoggedEvent);
  }

  /** Number of events of each relationship in `ids` (absent when it has none). */
  countRelationshipEventsMany(tenant: string, ids: readonly string[]): Map<string, number> {
    const rows = this.statements.countRelationshipEventsMany.all(tenant, JSON.stringify(ids)) as {
      relationship_id: string;
      count: bigint;
    }[];
    return new Map(rows.map((row) => [row.relationship_id, Number(row.count)]));
  }

  phaseChanges(
    tenant: string,
    query: { after?: bigint; first: number; relationshipId?: string; phases?: Phase[] },
  ): PhaseChangeRecord[] {
    const params: unknown[] = [tenant, query.after ?? -1n];
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
      'SELECT tenant, position, relationship_id, from_phase, to_phase, at, cycle, cause FROM phase_changes ' +
      `WHERE tenant = ? AND position > ?${where} ORDER BY position, seq LIMIT ?`;
    const rows = this.prepared(sql).all(...params, query.first) as PhaseChangeRow[];
    return rows.map((row) => ({
      tenant: row.tenant,
      relationshipId: row.relationship_id,
      from: row.from_phase,
      to: row.to_phase,
      at: Number(row.at),
      cycle: Number(row.cycle),
      cause: JSON.parse(row.cause) as PhaseChangeRecord['cause'],
      position: row.position,
    }));
  }

  close(): void {
    this.db.close();
  }

  private prepared(sql: string): Database.Statement {
    let statement = this.cache.get(sql);
    if (!statement) {
      if (this.cache.size >= MAX_CACHED_STATEMENTS) this.cache.clear();
      statement = this.db.prepare(sql);
      this.cache.set(sql, statement);
    }
    return statement;
  }
}

function eventConditions(filter: EventLogFilter): { where: string; params: unknown[] } {
  let where = '';
  const params: unknown[] = [];
  const inList = (column: string, values: readonly string[] | undefined): void => {
    if (values === undefined) return;
    where += ` AND ${column} IN (SELECT value FROM json_each(?))`;
    params.push(JSON.stringify(values));
  };
  inList('type', filter.types);
  inList('actor', filter.actors);
  inList('relationship_id', filter.relationshipIds);
  if (filter.occurredFrom !== undefined) {
    where += ' AND occurred_at >= ?';
    params.push(filter.occurredFrom);
  }
  // Both bounds are inclusive.
  if (filter.occurredTo !== undefined) {
    where += ' AND occurred_at <= ?';
    params.push(filter.occurredTo);
  }
  return { where, params };
}

function toLoggedEvent(row: EventLogRow): LoggedEvent {
  return {
    tenant: row.tenant,
    relationshipId: row.relationship_id,
    position: row.position,
    revision: Number(row.revision),
    eventId: row.event_id,
    type: row.type,
    occurredAt: Number(row.occurred_at),
    actor: row.actor,
    data: JSON.parse(row.data),
    metadata: row.metadata === null ? null : (JSON.parse(row.metadata) as Record<string, unknown>),
    recordedAt: Number(row.recorded_at),
  };
}
