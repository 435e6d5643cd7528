/**
 * The read-model file's page size: new files take 16 KiB pages (a state of
 * about 3 KB then shares its page instead of spilling out of a 4 KiB one);
 * a file made before keeps its 4 KiB pages and opens as it is.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createReadModelFile, openReadModelFile, READ_MODEL_SCHEMA_VERSION } from '../../src/projections/read-model-schema.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'courtship-read-models-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const pageSize = (db: Database.Database) => Number(db.pragma('page_size', { simple: true }));

describe('the read-model file', () => {
  it('is made with 16 KiB pages, in WAL mode', () => {
    const db = createReadModelFile(path.join(dir, 'read-models.sqlite'), 'rules');
    expect(pageSize(db)).toBe(16_384);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('keeps the 4 KiB pages of a file made before, and opens it without a rebuild', () => {
    const file = path.join(dir, 'read-models.sqlite');
    // The layout of the current version in a file of SQLite's default 4 KiB pages: what an earlier release left.
    const made = createReadModelFile(path.join(dir, 'template.sqlite'), 'rules');
    const schema = made.prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL").pluck().all() as string[];
    made.close();
    const legacy = new Database(file);
    legacy.pragma('page_size = 4096');
    legacy.pragma('journal_mode = WAL');
    for (const sql of schema) legacy.exec(sql);
    legacy.prepare("INSERT INTO projector (id, checkpoint, rules_fingerprint) VALUES (1, 42, 'rules')").run();
    legacy.pragma(`user_version = ${READ_MODEL_SCHEMA_VERSION}`);
    legacy.close();

    const opened = openReadModelFile(file, 'rules');
    expect(opened.rebuilt).toBe(false);
    expect(pageSize(opened.db)).toBe(4096);
    expect(opened.db.prepare('SELECT checkpoint FROM projector WHERE id = 1').pluck().get()).toBe(42n);
    opened.db.close();
  });
});
