import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import { CommandService } from '../../src/app/commands.js';
import { importInto } from '../../src/cli/commands/import.js';
import { streamIdFor } from '../../src/projections/envelope.js';
import type { EventStore } from '../../src/store/port.js';
import { GroupCommitStore } from '../../src/store/sqlite-bulk.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { Sandbox } from './support/sandbox.js';

const line = (relationshipId: string, type: string, occurredAt: string, actor: string, data: unknown = {}) =>
  JSON.stringify({ relationshipId, type, occurredAt, actor, data });

const GOOD = [
  line('acme', 'RelationshipOpened', '2025-01-01T00:00:00Z', 'VENDOR', { accountName: 'Acme' }),
  line('acme', 'InterestSignaled', '2025-01-02T00:00:00Z', 'PROSPECT'),
  line('acme', 'InterestSignaled', '2025-01-03T00:00:00Z', 'VENDOR'),
  line('beta', 'RelationshipOpened', '2025-01-01T00:00:00Z', 'VENDOR', { accountName: 'Beta' }),
  line('beta', 'InteractionLogged', '2025-01-04T00:00:00Z', 'VENDOR', { channel: 'CALL' }),
];

describe('courtship import', () => {
  let sandbox: Sandbox;
  beforeEach(() => {
    sandbox = new Sandbox();
  });
  afterEach(() => sandbox.cleanup());

  async function streamLength(relationshipId: string): Promise<number | null> {
    const store = sandbox.store();
    try {
      const revision = await store.streamRevision(streamIdFor('default', relationshipId));
      return revision === null ? null : revision + 1;
    } finally {
      await store.close();
    }
  }

  async function log(): Promise<string[]> {
    const store = sandbox.store();
    try {
      return (await store.readAll()).map((e) => `${e.streamId} ${e.revision} ${e.type} ${e.id}`);
    } finally {
      await store.close();
    }
  }

  it('appends every line of a clean file and reports it', async () => {
    const result = await sandbox.run(['import', sandbox.file('good.ndjson', `${GOOD.join('\n')}\n`)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Imported 5 events');
    expect(await streamLength('acme')).toBe(3);
    expect(await streamLength('beta')).toBe(2);
  });

  it('reports every bad line with its number and reason, and writes nothing for a relationship with a bad line', async () => {
    const file = sandbox.file(
      'mixed.ndjson',
      [
        line('acme', 'RelationshipOpened', '2025-01-01T00:00:00Z', 'VENDOR', { accountName: 'Acme' }), // 1
        line('delta', 'RelationshipOpened', '2025-01-01T00:00:00Z', 'VENDOR', { accountName: 'Delta' }), // 2
        '{not json', // 3
        line('acme', 'InterestSignaled', '2025-01-02T00:00:00Z', 'PROSPECT'), // 4
        line('beta', 'RelationshipOpened', '2025-01-01T00:00:00Z', 'VENDOR', { accountName: 'Beta' }), // 5
        line('beta', 'QuestionAnswered', '2025-01-02T00:00:00Z', 'VENDOR', { questionId: 'never-asked' }), // 6
        line('delta', 'InterestSignaled', '2025-01-02T00:00:00Z', 'ROBOT'), // 7
        '', // 8: blank lines are skipped
        line('delta', 'InterestSignaled', '2024-12-01T00:00:00Z', 'PROSPECT'), // 9: also bad (backwards), but the domain check stopped at 7
      ].join('\n'),
    );
    const result = await sandbox.run(['import', file]);

    expect(result.code).toBe(1);
    const reported = result.stderr.trim().split('\n');
    expect(reported).toHaveLength(3);
    expect(reported[0]).toMatch(/^line 3: not valid JSON/);
    expect(reported[1]).toMatch(/^line 6 \(relationship beta\): question "never-asked" was never asked.* \(QUESTION_NOT_ASKED\)$/);
    expect(reported[2]).toMatch(/^line 7 \(relationship delta\): actor: expected one of VENDOR, PROSPECT, SYSTEM/);
    expect(result.stdout).toContain('3 bad lines; 2 relationships refused');

    expect(await streamLength('acme')).toBe(2);
    expect(await streamLength('beta')).toBeNull();
    expect(await streamLength('delta')).toBeNull();
  });

  it('reports a bad line found after the relationship’s good ones and still writes none of them', async () => {
    const file = sandbox.file(
      'late.ndjson',
      [...GOOD, line('acme', 'InterestSignaled', '2024-06-01T00:00:00Z', 'PROSPECT')].join('\n'),
    );
    const result = await sandbox.run(['import', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^line 6 \(relationship acme\): it occurred at .*before the stream's last event.*\(OCCURRED_AT_BACKWARDS\)/);
    expect(await streamLength('acme')).toBeNull();
    expect(await streamLength('beta')).toBe(2);
  });

  it('refuses a relationship whose lines repeat an event id, and writes none of its lines', async () => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const withId = (text: string) => JSON.stringify({ ...JSON.parse(text), eventId: id });
    const file = [withId(GOOD[0]!), withId(GOOD[1]!), ...GOOD.slice(3)].join('\n');
    const result = await sandbox.run(['import', sandbox.file('repeat.ndjson', `${file}\n`)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('line 2');
    expect(result.stderr).toContain('repeats an earlier line');
    expect(await streamLength('acme')).toBeNull();
    expect(await streamLength('beta')).toBe(2);
  });

  it('is idempotent: running the same file twice writes nothing the second time', async () => {
    const file = sandbox.file('good.ndjson', GOOD.join('\n'));
    await sandbox.run(['import', file]);
    const first = await log();
    const again = await sandbox.run(['import', file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Imported 0 events');
    expect(again.stdout).toContain('5 already present');
    expect(await log()).toEqual(first);
  });

  it('resumes after an interruption: the missing lines only, with the ids a single run would give', async () => {
    const whole = sandbox.file('whole.ndjson', GOOD.join('\n'));
    await sandbox.run(['import', whole]);
    const single = await log();

    const other = new Sandbox();
    try {
      const dataDir = other.dataDir('data');
      await other.run(['import', other.file('part.ndjson', GOOD.slice(0, 2).join('\n'))], dataDir);
      const resumed = await other.run(['import', other.file('whole.ndjson', GOOD.join('\n'))], dataDir);
      expect(resumed.stdout).toContain('Imported 3 events');
      const store = other.store(dataDir);
      try {
        const ids = (await store.readAll()).map((e) => `${e.streamId} ${e.revision} ${e.type} ${e.id}`);
        expect(ids.sort()).toEqual([...single].sort());
      } finally {
        await store.close();
      }
    } finally {
      other.cleanup();
    }
  });

  it('writes the same store through grouped commits (embedded store) as through one append at a time (any store)', async () => {
    const day = (n: number) => new Date(Date.UTC(2025, 0, 1 + n)).toISOString();
    const lines: string[] = [];
    for (let i = 0; i < 6; i++) lines.push(line(`r${i}`, 'RelationshipOpened', day(0), 'VENDOR', { accountName: `R${i}` }));
    for (let n = 1; n <= 12; n++) {
      // Interleaved relationships, one of them refused midway (a backwards instant).
      for (let i = 0; i < 6; i++) lines.push(line(`r${i}`, 'InteractionLogged', day(i === 3 && n === 7 ? -5 : n), 'PROSPECT', { channel: 'CALL' }));
    }
    const half = sandbox.file('half.ndjson', lines.slice(0, 40).join('\n'));
    const whole = sandbox.file('whole.ndjson', lines.join('\n'));

    const run = async (dataDir: string, bulk: boolean) => {
      const outputs: string[] = [];
      for (const file of [half, whole, whole]) {
        let out = '';
        const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (out += t) }, env: {}, cwd: sandbox.dir };
        const sqlite = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
        const store: EventStore = bulk ? new GroupCommitStore(sqlite, 5) : sqlite;
        await importInto(io, file, fs.statSync(file).size, 'default', store);
        outputs.push(out.replace(/\(\d+ events\/s\)/, ''));
      }
      const store = openSqliteStore({ dataDir });
      try {
        return { outputs, log: (await store.readAll()).map(({ recordedAt: _, ...rest }) => rest) };
      } finally {
        await store.close();
      }
    };
    const single = await run(sandbox.dataDir('single'), false);
    const grouped = await run(sandbox.dataDir('grouped'), true);
    expect(grouped).toEqual(single);
    // r3's first 7 lines landed with the first half; its bad line then stops the rest.
    expect(single.outputs[1]).toMatch(/^line 46 \(relationship r3\): .*\nImported 32 events ; 33 already present/);
    expect(single.outputs[2]).toContain('Imported 0 events');
    expect(single.log.filter((e) => e.streamId === streamIdFor('default', 'r3'))).toHaveLength(7);
    expect(single.log).toHaveLength(72);
  });

  it('writes the lines its first pass checked without running the schemas on them again', async () => {
    const checked = vi.spyOn(CommandService.prototype, 'appendChecked');
    const full = vi.spyOn(CommandService.prototype, 'appendEvents');
    try {
      const result = await sandbox.run(['import', sandbox.file('good.ndjson', `${GOOD.join('\n')}\n`)]);
      expect(result.code).toBe(0);
      expect(checked).toHaveBeenCalledTimes(2);
      expect(full).not.toHaveBeenCalled();
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('checks every line in full again when the file changed after the first pass read it', async () => {
    const file = sandbox.file('changing.ndjson', `${GOOD.join('\n')}\n`);
    // Line 2 turns bad (same length: the first pass reads nothing more) once the first pass has read and accepted it.
    const changed = [...GOOD];
    changed[1] = GOOD[1]!.replace('PROSPECT', 'PROSPEKT');
    const sqlite = openSqliteStore({ dataDir: sandbox.dataDir('data') });
    let rewritten = false;
    // The first pass asks the store about each relationship after reading the (small) file whole.
    const store: EventStore = Object.assign(Object.create(sqlite) as EventStore, {
      streamRevision: async (streamId: string) => {
        if (!rewritten) {
          rewritten = true;
          fs.writeFileSync(file, `${changed.join('\n')}\n`);
        }
        return sqlite.streamRevision(streamId);
      },
      close: () => sqlite.close(),
    });
    let stderr = '';
    const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) }, env: {}, cwd: sandbox.dir };
    const code = await importInto(io, file, fs.statSync(file).size, 'default', store);
    expect(rewritten).toBe(true);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^line 2 \(relationship acme\): actor: expected one of [^\n]*\n$/);
    expect(await streamLength('acme')).toBeNull();
    expect(await streamLength('beta')).toBe(2);
  });

  it('refuses bad arguments with exit code 2', async () => {
    const missing = await sandbox.run(['import']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('courtship import: missing argument');

    const absent = await sandbox.run(['import', 'nope.ndjson']);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toContain('cannot read nope.ndjson');

    const tenant = await sandbox.run(['import', sandbox.file('x.ndjson', ''), '--tenant', 'Bad-Tenant']);
    expect(tenant.code).toBe(2);
    expect(tenant.stderr).toContain('invalid tenant "Bad-Tenant"');
  });
});
