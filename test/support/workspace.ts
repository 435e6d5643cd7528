/**
 * Given a store and the read side over it: the ground of the application
 * and read-side tests. The store is in memory (src/store/memory.ts, which
 * passes the port's contract suite with EventStoreDB's semantics), so no
 * file is opened for it; only a projector's read models need a directory,
 * made on first use and removed by `cleanup`.
 *
 * `Workspace.onSqlite()` opens the embedded SQLite store in that directory
 * instead, for the tests of what only it offers (the partitioned reads of a
 * chunked catch-up); a test about the SQLite store itself is in test/store/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Projector, type ProjectorOptions } from '../../src/projections/projector.js';
import { openMemoryStore, type MemoryEventStore } from '../../src/store/memory.js';
import type { EventStore } from '../../src/store/port.js';
import { openSqliteStore, type SqliteEventStore } from '../../src/store/sqlite.js';

export class Workspace<S extends EventStore = MemoryEventStore> {
  readonly store: S;
  private dir: string | null = null;
  private readonly closers: (() => Promise<void> | void)[] = [];

  /** With the store `open` makes in the workspace's directory; in memory when not told. */
  constructor(open?: (directory: string) => S) {
    this.store = open === undefined ? (openMemoryStore() as EventStore as S) : open(this.directory());
  }

  /** A workspace over the embedded SQLite store (in its directory, under store/). */
  static onSqlite(): Workspace<SqliteEventStore> {
    return new Workspace((directory) => openSqliteStore({ dataDir: path.join(directory, 'store'), synchronous: 'NORMAL' }));
  }

  /** A projector over the store, with its own read-model directory (`name` tells two apart); closed by `cleanup`. */
  projector(name = 'main', options: Partial<ProjectorOptions> = {}): Projector {
    const projector = new Projector({ store: this.store, dataDir: this.readModelDir(name), ...options });
    this.closers.push(() => projector.close());
    return projector;
  }

  /** The read-model directory of projector `name` (for a projector built by hand, or to open its file). */
  readModelDir(name = 'main'): string {
    return path.join(this.directory(), name);
  }

  /** Runs `close` at cleanup, before what was registered earlier. */
  onCleanup(close: () => Promise<void> | void): void {
    this.closers.push(close);
  }

  async cleanup(): Promise<void> {
    for (const close of this.closers.reverse()) await close();
    await this.store.close();
    if (this.dir !== null) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private directory(): string {
    this.dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-read-'));
    return this.dir;
  }
}
