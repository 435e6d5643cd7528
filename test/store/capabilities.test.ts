/**
 * Which fast paths each adapter declares (src/store/capabilities.ts): the
 * contract suite checks a capability only where it is declared, so this says
 * where it must be, and that callers fall back on the port elsewhere.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openMemoryStore } from '../../src/store/memory.js';
import type { EventStore } from '../../src/store/port.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { partitionedStoreOf } from '../../src/projections/parallel-catch-up.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('store capabilities', () => {
  it('the embedded store declares partitioned reads on its file, grouped appends, stored rows, lean streams and many streams at once', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-capabilities-'));
    const store = openSqliteStore({ dataDir: dir });
    try {
      expect(Object.keys(store.capabilities).sort()).toEqual(['bulkAppend', 'leanStreams', 'manyStreams', 'partitionedReads', 'storedRows']);
      expect(partitionedStoreOf(store)?.file).toBe(store.file);
      expect(store.capabilities.bulkAppend?.grouped().capabilities?.exclusiveWriter).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('the in-memory store declares none: its callers take the port’s paths', () => {
    const store: EventStore = openMemoryStore();
    expect(store.capabilities?.partitionedReads).toBeUndefined();
    expect(store.capabilities?.bulkAppend).toBeUndefined();
    expect(store.capabilities?.leanStreams).toBeUndefined();
    expect(store.capabilities?.manyStreams).toBeUndefined();
    expect(partitionedStoreOf(store)).toBeNull();
  });
});
