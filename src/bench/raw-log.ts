/**
 * The baseline of the write rows: raw better-sqlite3 writing the rows the
 * store writes (same columns, WAL, the same `synchronous`), in a table with
 * no index but the key, with no checks, no JSON validation, no grouping.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { NewEvent } from '../store/port.js';
import type { SynchronousLevel } from '../store/sqlite.js';
import { nowMs, quantile } from './measure.js';

/** Same row shape as the store writes, in a table with no index but the key. */
export function openRaw(file: string, synchronous: SynchronousLevel) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec(`CREATE TABLE events (
    position INTEGER PRIMARY KEY, stream_id TEXT, revision INTEGER, event_id TEXT,
    type TEXT, data TEXT, metadata TEXT, recorded_at INTEGER)`);
  const insert = db.prepare(
    'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const select = db.prepare('SELECT * FROM events ORDER BY position');
  const revisions = new Map<string, number>();
  const insertBatch = db.transaction((streamId: string, batch: NewEvent[]) => {
    let revision = revisions.get(streamId) ?? -1;
    const now = Date.now();
    for (const event of batch) {
      insert.run(streamId, ++revision, event.id, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata ?? {}), now);
    }
    revisions.set(streamId, revision);
  });
  return {
    insertBatch: (streamId: string, batch: NewEvent[]) => insertBatch.immediate(streamId, batch),
    readAll: () => {
      for (const r of select.iterate() as Iterable<{ data: string; metadata: string }>) {
        JSON.parse(r.data);
        JSON.parse(r.metadata);
      }
    },
    close: () => db.close(),
  };
}

export interface RawSingleInserts {
  /** Inserts (one event, one transaction, one commit each) per second. */
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
}

/**
 * One-event transactions back to back for `seconds`: what a single writer
 * gets from SQLite when every event is its own durable commit.
 */
export function rawSingleInserts(file: string, synchronous: SynchronousLevel, seconds: number): RawSingleInserts {
  const raw = openRaw(file, synchronous);
  const samples: number[] = [];
  try {
    const start = nowMs();
    const end = start + seconds * 1000;
    for (let i = 0; nowMs() < end; i++) {
      const before = nowMs();
      raw.insertBatch(`raw-${i}`, [{ id: `raw-${i}`, type: 'RelationshipOpened', data: { accountName: 'Load test' }, metadata: { tenant: 'bench' } }]);
      samples.push(nowMs() - before);
    }
    return { rate: samples.length / ((nowMs() - start) / 1000), p50: quantile(samples, 0.5), p99: quantile(samples, 0.99) };
  } finally {
    raw.close();
  }
}
