/**
 * Runs `courtship <command>` in-process against a temporary data directory,
 * capturing stdout and stderr (the child-process smoke test lives in
 * demo.test.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../../src/cli/run.js';
import { COMMANDS } from '../../../src/cli/registry.js';
import { openSqliteStore, type SqliteEventStore } from '../../../src/store/sqlite.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class Sandbox {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-cli-'));

  /** A data directory inside the sandbox (one per store). */
  dataDir(name: string): string {
    return path.join(this.dir, name);
  }

  file(name: string, text?: string): string {
    const file = path.join(this.dir, name);
    if (text !== undefined) fs.writeFileSync(file, text);
    return file;
  }

  async run(argv: string[], dataDir = this.dataDir('data')): Promise<CliResult> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, COMMANDS, {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: { COURTSHIP_DATA_DIR: dataDir, COURTSHIP_STORE: 'sqlite' },
      cwd: this.dir,
    });
    return { code, stdout, stderr };
  }

  /** Opens the store of a data directory for assertions; close it before the next command. */
  store(dataDir = this.dataDir('data')): SqliteEventStore {
    return openSqliteStore({ dataDir });
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
