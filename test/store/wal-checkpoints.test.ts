/**
 * The API writer's WAL is checkpointed by a worker thread, not by the
 * committing thread (the event loop).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WalCheckpoints } from '../../src/store/wal-checkpoints.js';

let dir: string;
let db: Database.Database;
let checkpoints: WalCheckpoints | null;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-ckpt-'));
  db = new Database(path.join(dir, 'file.db'));
  db.pragma('journal_mode = WAL');
  // Only the worker may checkpoint.
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (x TEXT)');
  checkpoints = null;
});
afterEach(async () => {
  await checkpoints?.close();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function writeRows(count: number): void {
  const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < count; i++) insert.run('x'.repeat(500));
  })();
}

async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('checkpoints on a worker', () => {
  it('copy the WAL into the file once it is worth it', async () => {
    // Given a WAL holding ~1 MB of commits that nothing checkpointed
    writeRows(2000);
    const fileSize = (): number => fs.statSync(path.join(dir, 'file.db')).size;
    const before = fileSize();
    const errors: string[] = [];
    checkpoints = new WalCheckpoints(path.join(dir, 'file.db'), { intervalMs: 0, minWalBytes: 64 * 1024, onError: (m) => errors.push(m) });
    // When a commit tells it
    checkpoints.afterCommit();
    // Then the worker copies the pages into the file
    await until(() => fileSize() > before + 500_000);
    expect(errors).toEqual([]);
  });

  it('leave a small WAL alone (no thread for a store that writes little)', async () => {
    // Given a few commits
    writeRows(3);
    const before = fs.statSync(path.join(dir, 'file.db')).size;
    checkpoints = new WalCheckpoints(path.join(dir, 'file.db'), { intervalMs: 0 });
    // When told of them
    checkpoints.afterCommit();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Then nothing was copied
    expect(fs.statSync(path.join(dir, 'file.db')).size).toBe(before);
  });
});
