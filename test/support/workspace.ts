/**
 * Given a store and the read side over it: the ground of the application
 * and read-side tests. The store is in memory (src/store/memory.ts, which
 * passes the port's contract suite with EventStoreDB's semantics), so no
 * file is opened for it; only a projector's read models need a directory,
 * made on first use and removed by `cleanup`. A test about the SQLite store
 * itself opens that store in test/store/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Projector, type ProjectorOptions } from '../../src/projections/projector.js';
import { openMemoryStore, type MemoryEventStore } from '../../src/store/memory.js';

export class Workspace {
  readonly store: MemoryEventStore = openMemoryStore();
  private dir: string | null = null;
  private readonly closers: (() => Promise<void> | void)[] = [];

  /** A projector over the store, with its own read-model directory (`name` tells two apart); closed by `cleanup`. */
  projector(name = 'main', options: Partial<ProjectorOptions> = {}): Projector {
    const projector = new Projector({ store: this.store, dataDir: path.join(this.directory(), name), ...options });
    this.closers.push(() => projector.close());
    return projector;
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
