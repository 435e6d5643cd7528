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
}

/** The anchor's row in the read-model file (its own table: files made before it simply have none yet). */
export class LogAnchorTable {
  private readonly select: Database.Statement;
  private readonly upsert: Database.Statement;

  constructor(db: Database.Database) {
    db.exec('CREATE TABLE IF NOT EXISTS log_anchor (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL, event_id TEXT NOT NULL)');
    this.select = db.prepare('SELECT position, event_id FROM log_anchor WHERE id = 1');
    this.upsert = db.prepare(
      'INSERT INTO log_anchor (id, position, event_id) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position, event_id = excluded.event_id',
    );
  }

  get(): LogAnchor | null {
    const row = this.select.get() as { position: bigint; event_id: string } | undefined;
    return row ? { position: BigInt(row.position), eventId: row.event_id } : null;
  }

  /** Call inside the transaction that commits the checkpoint the anchor belongs to. */
  set(anchor: LogAnchor): void {
    this.upsert.run(anchor.position, anchor.eventId);
  }
}

/** The anchor of a batch of applied events: its last one. */
export function anchorOf(events: readonly Pick<RecordedEvent, 'position' | 'id'>[]): LogAnchor | undefined {
  const last = events[events.length - 1];
  return last ? { position: last.position, eventId: last.id } : undefined;
}

/** The event at exactly `position`, or null when the log has none there. */
export async function eventAt(store: EventStore, position: bigint): Promise<RecordedEvent | null> {
  const [event] = await store.readAll(position > 0n ? { after: position - 1n, maxCount: 1 } : { maxCount: 1 });
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
  const found = await eventAt(store, anchor.position);
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
