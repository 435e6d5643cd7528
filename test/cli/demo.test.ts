import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tenantStreamPrefix } from '../../src/app/relationship-stream.js';
import { Sandbox } from './support/sandbox.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../../dist/cli/main.js');

describe('courtship demo', () => {
  let sandbox: Sandbox;
  beforeEach(() => {
    sandbox = new Sandbox();
  });
  afterEach(() => sandbox.cleanup());

  async function streams(tenant: string): Promise<string[]> {
    const store = sandbox.store();
    try {
      return await store.listStreams({ prefix: tenantStreamPrefix(tenant) });
    } finally {
      await store.close();
    }
  }

  it('creates the relationships asked for, in the tenant asked for, and says where they stand', async () => {
    const result = await sandbox.run(['demo', '--relationships', '25', '--seed', '3', '--tenant', 'acme']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Created 25 relationships \(\d+ events\) in tenant "acme" with seed 3\./);
    expect(result.stdout).toMatch(/Where they stand now:\n {2}[A-Z_]+ +\d+/);
    expect(await streams('acme')).toHaveLength(25);
    expect(await streams('default')).toHaveLength(0);
  });

  it('leaves existing relationships alone when run again', async () => {
    await sandbox.run(['demo', '--relationships', '5', '--seed', '3']);
    const again = await sandbox.run(['demo', '--relationships', '8', '--seed', '3']);
    expect(again.stdout).toContain('Created 3 relationships');
    expect(again.stdout).toContain('5 already existed');
    expect(await streams('default')).toHaveLength(8);
  });

  it('refuses bad arguments with exit code 2', async () => {
    for (const [args, message] of [
      [['--seed', '1'], '--relationships is required'],
      [['--relationships', '0', '--seed', '1'], '--relationships must be a positive integer'],
      [['--relationships', '10'], '--seed is required'],
      [['--relationships', '10', '--seed', 'abc'], '--seed must be a non-negative integer'],
    ] as const) {
      const result = await sandbox.run(['demo', ...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
    }
  });

  it('runs as a program: demo, then help and a usage error (smoke test of dist/)', async () => {
    expect(fs.existsSync(CLI), 'run `npm run build` first').toBe(true);
    const env = { ...process.env, COURTSHIP_DATA_DIR: sandbox.dataDir('data'), COURTSHIP_STORE: 'sqlite' };
    const demo = await run(process.execPath, [CLI, 'demo', '--relationships', '3', '--seed', '1'], { env });
    expect(demo.stdout).toContain('Created 3 relationships');

    const help = await run(process.execPath, [CLI, 'export', '--help'], { env });
    expect(help.stdout).toContain('Usage: courtship export');

    const bad = run(process.execPath, [CLI, 'replay', '--nope'], { env });
    await expect(bad).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('courtship replay:') });
  });
});
