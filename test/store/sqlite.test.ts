import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeEventStoreContract } from './contract.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

let dir: string | undefined;

describeEventStoreContract('SQLite', {
  async open() {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-store-'));
    return openSqliteStore({ dataDir: dir });
  },
  async cleanup() {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  },
});
