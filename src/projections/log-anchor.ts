/**
 * Which log the read models were built from. Positions alone do not say: a
 * restored backup, a replaced store or a rewound sequence hands out the same
 * positions again for other events, and a checkpoint that is not past the
 * head looks fine. So the read models record the id of an event they
 * applied with its position (the anchor, written in the same transaction as
 * the checkpoint it belongs to), and the projector asks the store, through
 * the port alone, whether that position still holds that event.
 */
import type Database from 'better-sqlite3';
import type { EventStore, RecordedEvent } from '../store/port.js';

export interface LogAnchor {
  readonly position: bigint;
  readonly eventId: string;
  /**
   * The position of the event just before it (null: it was the log's first),
   * from which the port reads it back: EventStoreDB positions are not
   * consecutive numbers, so `position - 1` is not one to read from.
   */
  readonly after: bigint | null;
}

/** The anchor's row in the read-model file (its own table: files made before it simply have none yet). */
export class LogAnchorTable {
  private readonly select: Database.Statement;
  private readonly upsert: Database.Statement;

  constructor(db: Database.Database) {
    db.exec(
      'CREATE TABLE IF NOT EXISTS log_anchor (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL, event_id TEXT NOT NULL, after_position INTEGER)',
    );
    this.select = db.prepare('SELECT position, event_id, after_position FROM log_anchor WHERE id = 1');
    this.upsert = db.prepare(
      `INSERT INTO log_anchor (id, position, event_id, after_position) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET position = excluded.position, event_id = excluded.event_id, after_position = excluded.after_position`,
    );
  }

  get(): LogAnchor | null {
    const row = this.select.get() as { position: bigint; event_id: string; after_position: bigint | null } | undefined;
    return row ? { position: BigInt(row.position), eventId: row.event_id, after: row.after_position === null ? null : BigInt(row.after_position) } : null;
  }

  /** Call inside the transaction that commits the checkpoint the anchor belongs to. */
  set(anchor: LogAnchor): void {
    this.upsert.run(anchor.position, anchor.eventId, anchor.after);
  }
}

/** The anchor of a batch of applied events (its last one), given the checkpoint before the batch. */
export function anchorOf(events: readonly Pick<RecordedEvent, 'position' | 'id'>[], before: bigint | null): LogAnchor | undefined {
  const last = events[events.length - 1];
  if (!last) return undefined;
  return { position: last.position, eventId: last.id, after: events.length > 1 ? events[events.length - 2]!.position : before };
}

/** The event at exactly `position`, read from `after` (an earlier event's position, null for the start), or null when there is none. */
export async function eventAt(store: EventStore, position: bigint, after: bigint | null): Promise<RecordedEvent | null> {
  const [event] = await store.readAll(after === null ? { maxCount: 1 } : { after, maxCount: 1 });
  return event !== undefined && event.position === position ? event : null;
}

export type LogCheck =
  | { readonly matches: true }
  | { readonly matches: false; readonly reason: string; readonly details: Record<string, string | null> };

/**
 * Whether read models at `checkpoint` (anchored at `anchor`, when known)
 * were built from the log `store` holds now.
 */
export async function checkLog(store: EventStore, checkpoint: bigint | null, anchor: LogAnchor | null): Promise<LogCheck> {
  if (checkpoint === null) return { matches: true };
  const head = await store.headPosition();
  if (head === null || head < checkpoint) {
    return {
      matches: false,
      reason: 'the read models are ahead of the event log (a replaced or restored store?)',
      details: { checkpoint: checkpoint.toString(), head: head?.toString() ?? null },
    };
  }
  if (anchor === null) return { matches: true };
  const found = await eventAt(store, anchor.position, anchor.after);
  if (found?.id === anchor.eventId) return { matches: true };
  return {
    matches: false,
    reason: 'the read models do not match the event log: it holds another event where they applied one (a restored backup, a replaced store, a rewound sequence?)',
    details: {
      checkpoint: checkpoint.toString(),
      head: head.toString(),
      position: anchor.position.toString(),
      expectedEventId: anchor.eventId,
      foundEventId: found?.id ?? null,
    },
  };
}
