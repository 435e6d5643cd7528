/**
 * What the embedded store's global log shows while group commits wait for
 * their WAL sync (wal-sync.ts): only what is durable. An append is visible in
 * `readAll`, the subscriptions and `headPosition` once it would survive a
 * power cut, never before, as when SQLite synced inside COMMIT; a stream's
 * own reads (`readStream`, `streamRevision`) see every commit, which the
 * write path's checks need.
 *
 * A failed sync leaves the store refusing appends: what that commit wrote may
 * or may not be on disk (after a failed fsync the kernel may have dropped the
 * pages), so the only safe next step is a restart, which syncs the WAL again
 * and shows what survived.
 */
import type Database from 'better-sqlite3';
import { MAX_POSITION, StoreUnavailableError } from './port.js';
import type { Durability } from './sqlite-group-commit.js';

export interface Wal {
  readonly sync: () => Promise<void>;
  readonly close: () => Promise<void>;
}

export class DurableLog {
  /** Group commits whose WAL sync has not returned yet; while any has, the log ends at `durableHead`. */
  private syncsPending = 0;
  private durableHead: bigint | null;
  private syncFailure: StoreUnavailableError | null = null;

  constructor(
    private readonly file: string,
    /** The last position committed (SELECT max(position)). */
    private readonly committedHead: () => bigint | null,
    /** Absent: SQLite syncs at COMMIT (or the level is NORMAL), every commit is as durable as it gets. */
    private readonly wal: Wal | undefined,
  ) {
    this.durableHead = committedHead();
  }

  /** Throws once a sync has failed. */
  assertWritable(): void {
    if (this.syncFailure) throw this.syncFailure;
  }

  /** The last position readers of the global log may see. */
  visibleHead(): bigint {
    if (this.syncsPending === 0 && this.syncFailure === null) return MAX_POSITION;
    return this.durableHead ?? -1n;
  }

  /** `head` (the last committed position) as readers of the global log see it. */
  visible(head: bigint | null): bigint | null {
    return head !== null && head > this.visibleHead() ? this.durableHead : head;
  }

  /** A group commit's durability on `db`: COMMIT at NORMAL, then FULL's fsync off the event loop. */
  durability(db: Database.Database): Durability | undefined {
    const wal = this.wal;
    if (!wal) return undefined;
    const relaxed = db.prepare('PRAGMA synchronous = NORMAL');
    const full = db.prepare('PRAGMA synchronous = FULL');
    return {
      relax: () => relaxed.run(),
      restore: () => full.run(),
      sync: () => {
        const upTo = this.committedHead();
        this.syncsPending++;
        return wal.sync().then(
          () => {
            this.syncsPending--;
            if (upTo !== null && (this.durableHead === null || upTo > this.durableHead)) this.durableHead = upTo;
          },
          (error: unknown) => {
            this.syncsPending--;
            this.syncFailure ??= new StoreUnavailableError(
              `making ${this.file}'s log durable failed (${(error as Error).message}); restart to append again`,
              error,
            );
            throw this.syncFailure;
          },
        );
      },
    };
  }

  async close(): Promise<void> {
    await this.wal?.close();
  }
}
