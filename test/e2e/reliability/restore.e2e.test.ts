/**
 * Read models know which log they were built from. An operator restores an
 * older backup of the event store (the read models stay those of the newer
 * log), then imports new events, so the log's head passes the old
 * checkpoint and the same positions now hold other events. The read models
 * must notice, say so loudly, and be rebuilt from the restored log — never
 * serve relationships that are no longer in it, nor miss those that are.
 * A damaged read-model file is moved aside and rebuilt, naming the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run.js';
import { COMMANDS } from '../../../src/cli/registry.js';
import { READ_MODEL_FILE_NAME } from '../../../src/projections/read-model-schema.js';
import { datingEvents } from '../support/courtship.js';
import { APPEND, gqlOk } from '../support/gql.js';
import { startServer, type E2EServer } from '../support/server.js';

const STORE_FILE = 'courtship.db';
let server: E2EServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function open(server: E2EServer, token: string, ids: readonly string[]): Promise<void> {
  for (const id of ids) await gqlOk(server.url, token, APPEND, { id, events: datingEvents(id, 'SMB') });
}

const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

async function listed(server: E2EServer, token: string): Promise<string[]> {
  const data = await gqlOk(server.url, token, '{ relationships(first: 100, orderBy: [{ field: ID }]) { totalCount edges { node { id phase } } } }');
  return data.relationships.edges.map((edge: { node: { id: string } }) => edge.node.id);
}

async function cli(args: string[], dataDir: string): Promise<{ code: number; stderr: string; stdout: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, COMMANDS, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { COURTSHIP_DATA_DIR: dataDir, COURTSHIP_STORE: 'sqlite' },
    cwd: dataDir,
  });
  return { code, stdout, stderr };
}

describe('a restored event store', () => {
  it('is noticed at start, logged loudly, and the read models are rebuilt from it', async () => {
    server = await startServer();
    const s = server;
    const writer = s.token('acme');
    await open(s, writer, ids('kept', 5));
    const backup = path.join(s.dataDir, 'backup.db');
    // The backup, taken while the server is stopped: the store file alone (closing folded the WAL into it).
    await s.restart(() => fs.copyFileSync(path.join(s.dataDir, STORE_FILE), backup));
    await open(s, writer, ids('lost', 10));

    await s.restart(async () => {
      // Restore the backup over the store, then import more events than were lost, so the head passes the checkpoint.
      for (const suffix of ['-wal', '-shm']) fs.rmSync(path.join(s.dataDir, STORE_FILE + suffix), { force: true });
      fs.copyFileSync(backup, path.join(s.dataDir, STORE_FILE));
      const lines = ids('imported', 15).flatMap((id) => datingEvents(id, 'SMB').map((event) => JSON.stringify({ tenant: 'acme', relationshipId: id, ...event })));
      const file = path.join(s.dataDir, 'import.ndjson');
      fs.writeFileSync(file, `${lines.join('\n')}\n`);
      const imported = await cli(['import', file, '--tenant', 'acme'], s.dataDir);
      expect(imported.code, imported.stderr).toBe(0);
    });

    const reader = s.token('acme', ['read']);
    expect(await listed(s, reader)).toEqual([...ids('imported', 15), ...ids('kept', 5)].sort());
    const warnings = s.logs().filter((line) => /read models .*(another|other) log|do not match the event log/.test(String(line.msg)));
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings[0]!.level).toBe(50);
  });
});

describe('a damaged read-model file', () => {
  it('is moved aside, named in the log, and rebuilt from the log at start', async () => {
    server = await startServer();
    const s = server;
    const writer = s.token('acme');
    await open(s, writer, ids('r', 5));
    await s.restart(() => {
      const file = path.join(s.dataDir, READ_MODEL_FILE_NAME);
      const fd = fs.openSync(file, 'r+');
      fs.writeSync(fd, Buffer.alloc(8 * 1024, 0xa5), 0, 8 * 1024, 0);
      fs.closeSync(fd);
    });
    expect(await listed(s, s.token('acme', ['read']))).toEqual(ids('r', 5));
    const moved = s.logs().find((line) => String(line.msg).includes('damaged'));
    expect(moved).toMatchObject({ level: 50, file: path.join(s.dataDir, READ_MODEL_FILE_NAME) });
    expect(fs.existsSync(String(moved!.movedTo))).toBe(true);
  });

  it('does not stop `courtship replay`, which rebuilds from the log alone', async () => {
    server = await startServer();
    const s = server;
    const writer = s.token('acme');
    await open(s, writer, ids('r', 3));
    await s.restart(async () => {
      const file = path.join(s.dataDir, READ_MODEL_FILE_NAME);
      const fd = fs.openSync(file, 'r+');
      fs.writeSync(fd, Buffer.alloc(8 * 1024, 0x5a), 0, 8 * 1024, 0);
      fs.closeSync(fd);
      const replay = await cli(['replay'], s.dataDir);
      expect(replay.code, replay.stderr).toBe(0);
      expect(replay.stdout).toMatch(/into 3 relationships/);
    });
    expect(await listed(s, s.token('acme', ['read']))).toEqual(ids('r', 3));
  });
});
