import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandEntry } from '../../src/cli/command.js';
import { COMMANDS } from '../../src/cli/registry.js';
import { runCli } from '../../src/cli/run.js';

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'courtship-cli-run-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function cli(args: string[], registry: readonly CommandEntry[] = COMMANDS) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, registry, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { COURTSHIP_DATA_DIR: dataDir },
    cwd: dataDir,
  });
  return { code, stdout, stderr };
}

describe('bad usage exits with 2 and says what is wrong', () => {
  it.each([
    [['token', 'create', '--scopes', 'read'], /--tenant is required/],
    [['token', 'create', '--tenant', 'acme'], /--scopes is required/],
    [['token', 'create', '--tenant', 'Acme-Corp', '--scopes', 'read'], /invalid tenant "Acme-Corp"/],
    [['token', 'create', '--tenant', 'acme', '--scopes', 'read,root'], /unknown scope "root"/],
    [['token', 'create', '--tenant', 'acme', '--scopes', 'read', '--colour', 'red'], /Unknown option '--colour'/],
    [['token', 'revoke'], /missing argument/],
    [['token', 'revoke', 'tok_1', 'tok_2'], /unexpected argument "tok_2"/],
    [['token', 'frobnicate'], /unknown action "frobnicate"/],
    [['token'], /missing action/],
    [['tokn'], /unknown command "tokn"/],
    [['help', 'tokn'], /unknown command "tokn"/],
    [[], /Usage: courtship <command>/],
  ])('courtship %j', async (args, message) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('points at the right help page', async () => {
    expect((await cli(['token', 'create'])).stderr).toMatch(/Run "courtship token --help" for usage/);
  });
});

describe('help', () => {
  it("a command's --help shows its options and exits 0, without running it", async () => {
    const run = await cli(['token', 'create', '--tenant', 'acme', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/token create --tenant <id> --scopes <list>/);
    expect(run.stderr).toBe('');
    expect((await cli(['help', 'token'])).stdout).toBe(run.stdout);
  });
});

describe('the registry', () => {
  it('loads only the command that runs', async () => {
    const loaded: string[] = [];
    const registry: CommandEntry[] = ['first', 'second'].map((name) => ({
      name,
      load: async () => {
        loaded.push(name);
        return { name, summary: `the ${name} command`, help: `help for ${name}\n`, run: async () => 0 };
      },
    }));
    expect((await cli(['second'], registry)).code).toBe(0);
    expect(loaded).toEqual(['second']);
  });

  it('turns an unexpected failure into exit code 1 with the message', async () => {
    const failing: CommandEntry = {
      name: 'fail',
      load: async () => ({
        name: 'fail',
        summary: 'fails',
        help: '',
        run: async () => {
          throw new Error('disk full');
        },
      }),
    };
    const run = await cli(['fail'], [failing]);
    expect(run).toMatchObject({ code: 1, stderr: 'courtship fail: disk full\n' });
  });
});
