/**
 * Group commit for the embedded store's appends.
 *
 * With `synchronous = FULL` every commit costs an fsync, and an fsync costs
 * far more than the rows it makes durable. Appends that arrive together (in
 * the same turn of the event loop: the requests one poll of the sockets
 * brings in, or everything that queued up while the previous group's fsync
 * held the thread) are written in one IMMEDIATE transaction and made durable
 * by one commit.
 *
 * Each append still runs on its own, in arrival order, inside a savepoint:
 * its checks (expected revision, idempotent retry, ids) see every earlier
 * append of the group, and when it is refused (a conflict, a reused id half
 * way through its batch) only its own rows are rolled back. No promise settles
 * before the commit: an append is acknowledged once it is durable, and a
 * failed commit fails every append of its group (none of them was written).
 *
 * A lone writer that awaits each append gets a group of one, committed at the
 * end of the turn it was called in: it waits for no timer.
 *
 * With a `Durability` (the store at synchronous = FULL), the COMMIT itself
 * does not fsync: the group is acknowledged once `sync` has made the WAL
 * durable off the event loop (wal-sync.ts), so requests keep being served
 * during the fsync and the next group forms meanwhile. A failed sync fails
 * every append of its group (none is acknowledged).
 */
import type Database from 'better-sqlite3';

/** What one shared commit held (for tests and measurements). */
export interface CommittedGroup {
  readonly appends: number;
  readonly events: number;
}

/** Largest group: past it, the rest waits for the next commit (bounds the transaction and the WAL it writes). */
export const MAX_GROUP_EVENTS = 20_000;

interface Pending<T> {
  readonly events: number;
  /** Runs inside the group's transaction; throws to refuse (its savepoint is rolled back). */
  readonly write: () => T;
  readonly resolve: (value: T) => void;
  readonly reject: (reason: unknown) => void;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** How a group's commit is made durable when not by SQLite's own fsync at COMMIT. */
export interface Durability {
  /** Runs before the group's transaction: its COMMIT skips the fsync (PRAGMA synchronous = NORMAL). */
  readonly relax: () => void;
  /** Runs after it, committed or not (back to the connection's level). */
  readonly restore: () => void;
  /** Resolves once everything committed so far is durable; the group is acknowledged then. */
  readonly sync: () => Promise<void>;
}

export class GroupCommit<T> {
  private pending: Pending<T>[] = [];
  private scheduled = false;
  /** The error that made SQLite roll the current group's transaction back, if one did. */
  private rolledBackBy: unknown = undefined;
  private readonly inGroup: (items: readonly Pending<T>[]) => Outcome<T>[];
  /** Groups committed and waiting for their sync. */
  private readonly syncing = new Set<Promise<void>>();

  constructor(
    private readonly db: Database.Database,
    private readonly afterCommit: (group: CommittedGroup) => void,
    private readonly durability?: Durability,
  ) {
    // A better-sqlite3 transaction called inside another one is a savepoint.
    const inSavepoint = db.transaction((write: () => T) => write());
    const inGroup = db.transaction((items: readonly Pending<T>[]) =>
      items.map((item) => {
        // A few errors (I/O, disk full) make SQLite roll the whole transaction back: then
        // nothing more may run, or it would run outside the group, and the COMMIT fails.
        if (!db.inTransaction) return { ok: false as const, error: this.rolledBackBy ?? new Error('the group commit was rolled back') };
        const outcome = attempt(() => inSavepoint(item.write));
        // The write that made SQLite roll back is the group's cause (SQLITE_FULL, SQLITE_IOERR), not
        // the COMMIT that then finds no transaction.
        if (!outcome.ok && !db.inTransaction) this.rolledBackBy ??= outcome.error;
        return outcome;
      }),
    );
    this.inGroup = (items) => inGroup.immediate(items);
  }

  /** Queues `write` for the current group; settles after the group's commit. */
  submit(events: number, write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ events, write, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits every queued write now, in groups of at most MAX_GROUP_EVENTS events. */
  flush(): void {
    this.scheduled = false;
    while (this.pending.length > 0) {
      const group = this.takeGroup();
      let outcomes: Outcome<T>[];
      this.rolledBackBy = undefined;
      try {
        this.durability?.relax();
        outcomes = this.inGroup(group);
      } catch (error) {
        // BEGIN or COMMIT failed: the transaction was rolled back, nothing of the group is written.
        const cause = this.rolledBackBy ?? error;
        for (const item of group) item.reject(cause);
        continue;
      } finally {
        this.rolledBackBy = undefined;
        if (!this.db.inTransaction) this.durability?.restore();
      }
      if (this.durability) this.settleWhenDurable(group, outcomes, this.durability.sync());
      else this.settle(group, outcomes);
    }
  }

  /** Resolves once every group committed so far is acknowledged (or failed). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.syncing]);
  }

  private settleWhenDurable(group: readonly Pending<T>[], outcomes: readonly Outcome<T>[], synced: Promise<void>): void {
    const done = synced.then(
      () => this.settle(group, outcomes),
      (error: unknown) => {
        // Committed but not known to be durable: none of them is acknowledged.
        for (const item of group) item.reject(error);
      },
    );
    this.syncing.add(done);
    // A listener that throws surfaces as it does without a Durability (out of `flush`).
    void done.finally(() => this.syncing.delete(done));
  }

  private settle(group: readonly Pending<T>[], outcomes: readonly Outcome<T>[]): void {
    let events = 0;
    let appends = 0;
    outcomes.forEach((outcome, i) => {
      if (outcome.ok) {
        appends++;
        events += group[i]!.events;
      }
    });
    try {
      if (appends > 0) this.afterCommit({ appends, events });
    } finally {
      // Committed: whatever a listener does, every append of the group is told.
      outcomes.forEach((outcome, i) => (outcome.ok ? group[i]!.resolve(outcome.value) : group[i]!.reject(outcome.error)));
    }
  }

  private takeGroup(): Pending<T>[] {
    let events = 0;
    let count = 0;
    while (count < this.pending.length && (count === 0 || events + this.pending[count]!.events <= MAX_GROUP_EVENTS)) {
      events += this.pending[count]!.events;
      count++;
    }
    return this.pending.splice(0, count);
  }
}

function attempt<T>(write: () => T): Outcome<T> {
  try {
    return { ok: true, value: write() };
  } catch (error) {
    return { ok: false, error };
  }
}
