/**
 * One writer per SQLite file. SQLite would serialise two writing processes
 * safely, but two Courtship servers on one file would each believe they own
 * the live subscriptions and deadlines. So the writer holds an exclusive
 * SQLite lock on a small side file for its whole life: the operating system
 * drops it when the process ends, even on `kill -9`, so a crash never leaves
 * a stale lock behind.
 */
import Database from 'better-sqlite3';
import { StoreUnavailableError } from './port.js';

export interface WriterLock {
  release(): void;
}

export function acquireWriterLock(dbFile: string): WriterLock {
  const lockFile = `${dbFile}.writer-lock`;
  const lock = new Database(lockFile, { timeout: 0 });
  try {
    // In EXCLUSIVE locking mode the lock taken by the first write is kept until close.
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new StoreUnavailableError(
        `${dbFile} is already open for writing by another Courtship process; stop that one, or open this store read-only`,
        error,
      );
    }
    throw error;
  }
  return { release: () => lock.close() };
}
