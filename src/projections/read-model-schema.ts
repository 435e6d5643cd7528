/**
 * The read-model file: `<dataDir>/read-models.sqlite`, next to the event store.
 *
 * Everything in it is derived from the log, so there are no migrations: when
 * the file's layout (`PRAGMA user_version`) or the rules it was projected
 * under (their fingerprint) differ from this release's, the file is thrown
 * away and the projector replays the log into a new one.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { canonicalJson } from '../domain/canonical-json.js';
import type { Rules } from '../domain/rules.js';
import { DERIVED_TABLES } from './derived-tables.js';

export const READ_MODEL_FILE_NAME = 'read-models.sqlite';

/** Bump on any change below: files of another version are rebuilt, not migrated. */
export const READ_MODEL_SCHEMA_VERSION = 7;

/** WAL size at which SQLite folds it into the file. */
const WAL_CHECKPOINT_BYTES = 64 * 1024 * 1024;
/**
 * Page size of a new file. A relationship's state is about 3 KB of JSON:
 * 16 KiB pages hold several, where 4 KiB pages hold one and spill the rest
 * (writing a 1M-event catch-up's states and phase changes takes 0.9 s instead
 * of 1.4 s). Files made before keep their 4 KiB pages until a rebuild.
 */
const PAGE_SIZE = 16_384;

const SCHEMA = `
  -- One row: the position of the last event applied, written in the same
  -- transaction as what it covers, so a restart resumes exactly there.
  CREATE TABLE projector (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    checkpoint        INTEGER,
    rules_fingerprint TEXT NOT NULL
  );

  -- The folded state of each relationship (the snapshot loaded at start).
  -- A rowid table: states are kilobytes of JSON, which SQLite stores and
  -- rewrites faster in a rowid table than in a WITHOUT ROWID one (measured
  -- ~25 % less CPU per upsert).
  CREATE TABLE relationships (
    tenant   TEXT    NOT NULL,
    id       TEXT    NOT NULL,
    state    TEXT    NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (tenant, id)
  );

  -- Every phase change and correction, keyed by the position of the event
  -- whose recording delivered it (seq orders several delivered by one event;
  -- retracted: a late fact took the transition back).
  CREATE TABLE phase_changes (
    tenant          TEXT    NOT NULL,
    position        INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    relationship_id TEXT    NOT NULL,
    from_phase      TEXT,
    to_phase        TEXT    NOT NULL,
    at              INTEGER NOT NULL,
    cycle           INTEGER NOT NULL,
    cause           TEXT    NOT NULL,
    retracted       INTEGER NOT NULL,
    corrected_by    TEXT,
    recorded_at     INTEGER NOT NULL,
    PRIMARY KEY (tenant, position, seq)
  ) WITHOUT ROWID;
  CREATE INDEX phase_changes_by_relationship ON phase_changes (tenant, relationship_id, position);
`;

/**
 * Identifies the rules a file was projected under, and the layout of its
 * derived tables (derived-tables.ts): a file made under other rules or
 * another layout is rebuilt.
 */
export function rulesFingerprint(rules: Rules): string {
  const layout = DERIVED_TABLES.map((table) => table.schema).join('\n');
  return createHash('sha256').update(canonicalJson(rules)).update(layout).digest('hex');
}

/**
 * Opens (or creates) a read-model file ready for this release and these
 * rules. `rebuilt` tells the caller the file was started over from nothing.
 */
export function openReadModelFile(file: string, fingerprint: string): { db: Database.Database; rebuilt: boolean } {
  if (fs.existsSync(file)) {
    const db = configure(new Database(file, { timeout: 5000 }));
    if (isCurrent(db, fingerprint)) return { db, rebuilt: false };
    db.close();
    removeReadModelFile(file);
  }
  return { db: createReadModelFile(file, fingerprint), rebuilt: true };
}

/** Creates an empty read-model file (any previous one at `file` must be gone). */
export function createReadModelFile(file: string, fingerprint: string): Database.Database {
  const created = new Database(file, { timeout: 5000 });
  // Only an empty file not yet in WAL mode takes a page size.
  created.pragma(`page_size = ${PAGE_SIZE}`);
  const db = configure(created);
  db.transaction(() => {
    db.exec(SCHEMA);
    for (const table of DERIVED_TABLES) db.exec(table.schema);
    db.prepare('INSERT INTO projector (id, checkpoint, rules_fingerprint) VALUES (1, NULL, ?)').run(fingerprint);
    db.pragma(`user_version = ${READ_MODEL_SCHEMA_VERSION}`);
  })();
  return db;
}

/** Another connection to a read-model file that exists and is current, for the write thread (write-thread.ts). */
export function openReadModelWriter(file: string): Database.Database {
  return configure(new Database(file, { timeout: 5000, fileMustExist: true }));
}

/** Deletes a read-model file with its WAL companions. */
export function removeReadModelFile(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
}

function configure(db: Database.Database): Database.Database {
  db.pragma('journal_mode = WAL');
  // A lost tail after a power cut is replayed from the log on the next start:
  // the checkpoint is committed with the rows it covers, so they stay consistent.
  db.pragma('synchronous = NORMAL');
  // A catch-up writes every event to two B-trees; checkpointing the WAL
  // every 4 MB (SQLite's default) copies the same index pages back again and
  // again. A larger WAL is checkpointed less often, once per page it holds.
  const pageSize = Number(db.pragma('page_size', { simple: true }));
  db.pragma(`wal_autocheckpoint = ${Math.floor(WAL_CHECKPOINT_BYTES / pageSize)}`);
  db.defaultSafeIntegers(true);
  return db;
}

function isCurrent(db: Database.Database, fingerprint: string): boolean {
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version !== READ_MODEL_SCHEMA_VERSION) return false;
  const stored = db.prepare('SELECT rules_fingerprint FROM projector WHERE id = 1').pluck().get();
  return stored === fingerprint;
}
