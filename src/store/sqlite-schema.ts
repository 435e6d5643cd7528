/**
 * The embedded store's file format and its migrations.
 *
 * The schema version lives in SQLite's `user_version`. Migration `i` takes a
 * file from version `i` to `i + 1`; opening a file runs the missing ones in
 * one transaction, so a later release can open an older file and a crash
 * mid-migration leaves the file at its old version. Never edit a released
 * migration: append a new one.
 */
import type Database from 'better-sqlite3';
import { StoreError } from './port.js';

const MIGRATIONS: readonly string[] = [
  // 0 → 1: the log, and one row per stream so that revisions and listings
  // never scan events.
  `
  CREATE TABLE events (
    -- AUTOINCREMENT: positions are never reused, even after the last row is gone.
    position     INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id    TEXT    NOT NULL,
    revision     INTEGER NOT NULL,
    event_id     TEXT    NOT NULL,
    type         TEXT    NOT NULL,
    data         TEXT    NOT NULL,
    metadata     TEXT    NOT NULL,
    recorded_at  INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX events_by_stream ON events (stream_id, revision);
  CREATE UNIQUE INDEX events_by_id ON events (stream_id, event_id);
  CREATE TABLE streams (
    stream_id TEXT    PRIMARY KEY,
    revision  INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings a writable file up to `SCHEMA_VERSION`; refuses files from a newer release. */
export function migrate(db: Database.Database, file: string): void {
  const current = assertReadable(db, file);
  if (current === SCHEMA_VERSION) return;
  db.transaction(() => {
    for (let version = current; version < SCHEMA_VERSION; version++) {
      db.exec(MIGRATIONS[version]!);
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/** Returns the file's schema version; throws when this release cannot read it. */
export function assertReadable(db: Database.Database, file: string): number {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      `${file} has schema version ${version}, written by a newer Courtship (this one reads up to ${SCHEMA_VERSION}); upgrade Courtship to open it`,
      'SCHEMA_TOO_NEW',
    );
  }
  return version;
}
