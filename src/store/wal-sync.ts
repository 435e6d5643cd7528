/**
 * Makes the embedded store's write-ahead log durable off the event loop.
 *
 * Under `synchronous = FULL` SQLite fsyncs the WAL inside COMMIT, on the
 * calling thread: with the API's writes on the event loop, every group
 * commit held every request for the length of an fsync (a fifth of the loop
 * under load, and the tail of the latencies). A group commit instead writes
 * its transaction at NORMAL (the frames reach the WAL file, unsynced) and
 * asks here for the fsync, which runs in libuv's thread pool; its appends are
 * acknowledged once it has returned. That is the same durability: FULL's
 * commit is "the WAL frames, then an fsync of the WAL file", and the fsync of
 * a file covers every write made to it before the call.
 *
 * Calls coalesce: a sync asked for while one is running waits for the next
 * one, which starts once the running one ends and covers every commit made
 * before it started. So syncs resolve in the order they were asked for.
 */
import fs from 'node:fs';

export class WalSync {
  private fd: number | null = null;
  /** The fsync running now, if one is. */
  private running: Promise<void> | null = null;
  /** The fsync that will start once the running one ends, shared by every caller meanwhile. */
  private next: Promise<void> | null = null;

  /** `file`: the WAL (`<database>-wal`), which SQLite keeps while the writer's connection is open. */
  constructor(private readonly file: string) {}

  /** Resolves once every write made to the WAL before this call is on disk. */
  sync(): Promise<void> {
    if (this.next !== null) return this.next;
    if (this.running === null) return this.start();
    this.next = this.running.then(
      () => this.startNext(),
      () => this.startNext(),
    );
    return this.next;
  }

  /** The same, blocking: for commits the caller makes durable before going on (opening the store). */
  syncNow(): void {
    if (!fs.existsSync(this.file)) return;
    fs.fsyncSync(this.open());
  }

  /** Waits for the syncs under way, then closes the file. */
  async close(): Promise<void> {
    await Promise.allSettled([this.running, this.next]);
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  private startNext(): Promise<void> {
    this.next = null;
    return this.start();
  }

  private start(): Promise<void> {
    let fd: number;
    try {
      fd = this.open();
    } catch (error) {
      return Promise.reject(error);
    }
    const running = new Promise<void>((resolve, reject) => fs.fsync(fd, (error) => (error ? reject(error) : resolve())));
    this.running = running;
    const clear = (): void => {
      if (this.running === running) this.running = null;
    };
    running.then(clear, clear);
    return running;
  }

  private open(): number {
    // Read-only is enough: fsync flushes the file's pages whichever descriptor asks.
    this.fd ??= fs.openSync(this.file, 'r');
    return this.fd;
  }
}
