import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import { CommandService, MAX_EVENTS_PER_APPEND } from '../../src/app/commands.js';
import { importInto } from '../../src/cli/commands/import.js';
import { streamIdFor } from '../../src/app/relationship-stream.js';
import type { EventStore, NewEvent } from '../../src/store/port.js';
import { GroupCommitStore } from '../../src/store/sqlite-bulk.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { Sandbox } from './support/sandbox.js';

/** What `import` uses without --tenant. */
const DEFAULT_TENANT = { tenant: 'default', explicit: false };

const lineNumber = (reported: string) => Number(/^line (\d+)/.exec(reported)?.[1]);

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

  /**
   * Imports GOOD, which becomes `changed` on disk once the first pass has read it
   * whole (the first pass asks the store about each relationship after reading
   * the small file to its end).
   */
  async function importRewrittenAfterCheck(changed: readonly string[]): Promise<{ code: number; stderr: string; rewritten: boolean }> {
    const file = sandbox.file('changing.ndjson', `${GOOD.join('\n')}\n`);
    const sqlite = openSqliteStore({ dataDir: sandbox.dataDir('data') });
    let rewritten = false;
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
    const code = await importInto(io, file, fs.statSync(file).size, DEFAULT_TENANT, store);
    return { code, stderr, rewritten };
  }

  async function streamLength(relationshipId: string, tenant = 'default'): Promise<number | null> {
    const store = sandbox.store();
    try {
      const revision = await store.streamRevision(streamIdFor(tenant, relationshipId));
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
        JSON.stringify({ relationshipId: 'gamma', type: 'RelationshipOpened', colour: 'red' }), // 3
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
    // A line the domain refuses is reported once the file is read (its relationship's lines are tried in business order first).
    const reported = result.stderr.trim().split('\n').sort((a, b) => lineNumber(a) - lineNumber(b));
    expect(reported).toHaveLength(3);
    expect(reported[0]).toBe('line 3 (relationship gamma): colour: unknown field');
    expect(reported[1]).toMatch(/^line 6 \(relationship beta\): question "never-asked" was never asked.* \(QUESTION_NOT_ASKED\)$/);
    expect(reported[2]).toMatch(/^line 7 \(relationship delta\): actor: expected one of VENDOR, PROSPECT, SYSTEM/);
    expect(result.stdout).toContain('4 relationships in the file; 3 bad lines; 3 relationships refused');

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
    expect(result.stderr).toMatch(/^line 6 \(relationship acme\): it occurred at .*before the relationship was opened.*\(OCCURRED_AT_BEFORE_OPENING\)/);
    expect(await streamLength('acme')).toBeNull();
    expect(await streamLength('beta')).toBe(2);
  });

  it('accepts a relationship\'s lines in any order: refused in the file\'s order, written in business order', async () => {
    const courtship = [
      line('shuffled', 'RelationshipOpened', '2025-01-01T00:00:00Z', 'VENDOR', { accountName: 'Shuffled' }),
      line('shuffled', 'InterestSignaled', '2025-01-02T00:00:00Z', 'PROSPECT'),
      line('shuffled', 'QuestionAsked', '2025-01-03T00:00:00Z', 'PROSPECT', { questionId: 'q1', topic: 'SECURITY' }),
      line('shuffled', 'QuestionAnswered', '2025-01-04T00:00:00Z', 'VENDOR', { questionId: 'q1' }),
      line('shuffled', 'InterestSignaled', '2025-01-05T00:00:00Z', 'VENDOR'),
    ];
    // Newest first (a CRM's activity feed), another relationship's lines in between.
    const file = sandbox.file('shuffled.ndjson', [...courtship].reverse().flatMap((text, i) => (i === 2 ? [text, GOOD[3]!] : [text])).join('\n'));
    const first = await sandbox.run(['import', file]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const types = (await log()).filter((text) => text.startsWith('rel-default-shuffled ')).map((text) => text.split(' ')[2]);
    expect(types).toEqual(['RelationshipOpened', 'InterestSignaled', 'QuestionAsked', 'QuestionAnswered', 'InterestSignaled']);

    const again = await sandbox.run(['import', file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Imported 0 events');
    expect(await streamLength('shuffled')).toBe(5);
  });

  it('writes a late fact in the file\'s order, checked against the stream already stored and the file\'s earlier lines', async () => {
    // Given a relationship whose first two events are already stored
    const courtship = [
      line('late', 'RelationshipOpened', '2025-01-01T00:00:00Z', 'VENDOR', { accountName: 'Late' }),
      line('late', 'InterestSignaled', '2025-01-05T00:00:00Z', 'PROSPECT'),
      line('late', 'InteractionLogged', '2025-01-03T00:00:00Z', 'VENDOR', { channel: 'CALL' }), // a late fact
      line('late', 'InterestSignaled', '2025-01-06T00:00:00Z', 'VENDOR'),
    ];
    await sandbox.run(['import', sandbox.file('part.ndjson', courtship.slice(0, 2).join('\n'))]);

    // When the whole file, with other relationships' lines among them, is imported
    const result = await sandbox.run(['import', sandbox.file('whole.ndjson', [GOOD[0], ...courtship, ...GOOD.slice(1)].join('\n'))]);

    // Then the late fact is accepted and written in the file's order, as it was recorded
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Imported 7 events');
    const types = (await log()).filter((text) => text.startsWith('rel-default-late ')).map((text) => text.split(' ')[2]);
    expect(types).toEqual(['RelationshipOpened', 'InterestSignaled', 'InteractionLogged', 'InterestSignaled']);
    expect(await streamLength('acme')).toBe(3);
  });

  it('refuses a relationship whose lines cannot be told in any order, and writes none of them', async () => {
    const file = sandbox.file(
      'impossible.ndjson',
      [
        line('odd', 'QuestionAnswered', '2025-01-04T00:00:00Z', 'VENDOR', { questionId: 'never' }),
        line('odd', 'RelationshipOpened', '2025-01-01T00:00:00Z', 'VENDOR', { accountName: 'Odd' }),
      ].join('\n'),
    );
    const result = await sandbox.run(['import', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^line 1 \(relationship odd\): .*\(NOT_OPENED\)$/m);
    expect(await streamLength('odd')).toBeNull();
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
        await importInto(io, file, fs.statSync(file).size, DEFAULT_TENANT, store);
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
    // Line 2 turns bad (same length: the first pass reads nothing more) once the first pass has read and accepted it.
    const changed = [...GOOD];
    changed[1] = GOOD[1]!.replace('PROSPECT', 'PROSPEKT');
    const { code, stderr, rewritten } = await importRewrittenAfterCheck(changed);
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
  describe('a bad line that names no relationship readably', () => {
    const acme = [
      GOOD[0]!,
      line('acme', 'InterestSignaled', '2025-01-02T00:00:00Z', 'PROSPECT'),
      line('acme', 'InterestSignaled', '2025-01-03T00:00:00Z', 'VENDOR'),
      line('acme', 'InterestSignaled', '2025-01-04T00:00:00Z', 'VENDOR'),
    ];

    it('refuses the whole file, writing nothing, and says so', async () => {
      const broken = [...acme, GOOD[3]!, line('beta', 'InterestSignaled', '2025-01-02T00:00:00Z', 'ROBOT')];
      broken[1] = '{"relationshipId":"acme","type":"InterestSignaled" "occurredAt"}';
      broken[3] = JSON.stringify({ tenant: 'Acme', ...JSON.parse(acme[3]!) });
      const result = await sandbox.run(['import', sandbox.file('broken.ndjson', broken.join('\n'))]);

      expect(result.code).toBe(1);
      const reported = result.stderr.trim().split('\n');
      expect(reported).toHaveLength(3);
      expect(reported[0]).toMatch(/^line 2: not valid JSON/);
      expect(reported[1]).toBe('line 4: tenant: expected 1-40 characters among a-z, 0-9 and _');
      expect(reported[2]).toMatch(/^line 6 \(relationship beta\): actor: expected one of/);
      expect(result.stdout).toBe(
        'Imported nothing: 3 bad lines, 2 of them tied to no relationship, so no line of the file was written; fix them and run the import again.\n',
      );
      expect(await log()).toEqual([]);
    });

    it('once fixed, imports each line exactly once, on the first run and any later one', async () => {
      const broken = [...acme];
      broken[1] = '{"relationshipId":"acme", oops}';
      const file = sandbox.file('fixed.ndjson', broken.join('\n'));
      expect((await sandbox.run(['import', file])).code).toBe(1);

      fs.writeFileSync(file, acme.join('\n'));
      const fixed = await sandbox.run(['import', file]);
      expect(fixed.code).toBe(0);
      expect(fixed.stdout).toContain('Imported 4 events');
      const again = await sandbox.run(['import', file]);
      expect(again.stdout).toContain('Imported 0 events');
      expect(again.stdout).toContain('4 already present');
      expect(await streamLength('acme')).toBe(4);
    });

    it('refuses a file whose bytes are not UTF-8, naming the line', async () => {
      const bytes = Buffer.concat([Buffer.from(`${GOOD[0]}\n${GOOD[1]!.slice(0, -3)}`), Buffer.from([0xe9]), Buffer.from(`"}}\n${GOOD[2]}\n`)]);
      const result = await sandbox.run(['import', sandbox.file('latin1.ndjson', bytes as unknown as string)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`line 2: not valid UTF-8 (byte ${GOOD[1]!.length - 2} of the line)\n`);
      expect(await log()).toEqual([]);
    });

    it('refuses a line naming another tenant than --tenant, writing nothing', async () => {
      const lines = [JSON.stringify({ tenant: 'alpha', ...JSON.parse(GOOD[0]!) }), GOOD[3]!, JSON.stringify({ tenant: 'beta', ...JSON.parse(GOOD[0]!) })];
      const file = sandbox.file('tenants.ndjson', lines.join('\n'));
      const result = await sandbox.run(['import', file, '--tenant', 'alpha']);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('line 3: tenant: "beta" is not the tenant given with --tenant (alpha); drop one of the two\n');
      expect(await log()).toEqual([]);

      // Without --tenant, each line's own tenant holds.
      const own = await sandbox.run(['import', file]);
      expect(own.code).toBe(0);
      expect(await streamLength('acme', 'alpha')).toBe(1);
      expect(await streamLength('beta', 'default')).toBe(1);
      expect(await streamLength('acme', 'beta')).toBe(1);
    });

    it('stops writing when one appears in the file after it was checked', async () => {
      const changed = [...GOOD];
      changed[3] = '#'.repeat(GOOD[3]!.length);
      const { code, stderr } = await importRewrittenAfterCheck(changed);
      expect(code).toBe(1);
      expect(stderr).toMatch(/^line 4: not valid JSON .*\(the file changed after it was checked\)\n$/);
      expect(await log()).toEqual([]);
    });
  });

  it('drops a byte-order mark opening the file', async () => {
    const result = await sandbox.run(['import', sandbox.file('bom.ndjson', `\uFEFF${GOOD.join('\n')}\n`)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await streamLength('acme')).toBe(3);
  });

  describe('the write path’s limits, checked before anything is written', () => {
    /** Metadata of exactly `bytes` bytes, serialised. */
    const metadataOf = (bytes: number) => ({ note: 'm'.repeat(bytes - '{"note":""}'.length) });

    it('refuses metadata over 16 KiB in the first pass, writing nothing of its relationship, and writes the largest event within the limits', async () => {
      // Control characters take 6 bytes each once serialised (\u0001), the most any character takes.
      const longest = (length: number) => '\u0001'.repeat(length);
      const lines = [
        GOOD[0]!, // 1
        GOOD[3]!, // 2: another relationship in between, so acme's lines make two appends
        JSON.stringify({ ...JSON.parse(GOOD[1]!), metadata: metadataOf(16 * 1024 + 1) }), // 3
        JSON.stringify({
          relationshipId: 'beta',
          type: 'QuestionAsked',
          occurredAt: '2025-01-02T00:00:00Z',
          actor: 'VENDOR',
          data: { questionId: longest(128), topic: 'PRICING', text: longest(10_000) },
          metadata: metadataOf(16 * 1024),
        }), // 4
      ];
      const result = await sandbox.run(['import', sandbox.file('large.ndjson', lines.join('\n'))]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('line 3 (relationship acme): metadata: larger than 16384 bytes (METADATA_TOO_LARGE)\n');
      expect(await streamLength('acme')).toBeNull();
      expect(await streamLength('beta')).toBe(2);
    });

    it('refuses metadata nested 5,000 levels deep in the first pass, naming the line, instead of crashing', async () => {
      const deep = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
      const lines = [GOOD[0]!, JSON.stringify({ ...JSON.parse(GOOD[1]!), metadata: 'DEEP' }).replace('"DEEP"', deep)];
      const result = await sandbox.run(['import', sandbox.file('deep.ndjson', lines.join('\n'))]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('line 2 (relationship acme): metadata: nested deeper than 32 levels (METADATA_TOO_DEEP)\n');
      expect(await streamLength('acme')).toBeNull();
    });

    it('splits a relationship’s lines into appends that EventStoreDB’s default MaxAppendSize (1 MiB) admits', async () => {
      const lines = [GOOD[0]!];
      for (let day = 2; day <= 70; day++) {
        const occurredAt = new Date(Date.UTC(2025, 0, day)).toISOString();
        lines.push(JSON.stringify({ ...JSON.parse(line('acme', 'InteractionLogged', occurredAt, 'VENDOR', { channel: 'CALL' })), metadata: metadataOf(16_000) }));
      }
      expect(lines.length).toBeLessThan(MAX_EVENTS_PER_APPEND);
      const file = sandbox.file('heavy.ndjson', lines.join('\n'));
      const sqlite = openSqliteStore({ dataDir: sandbox.dataDir('data') });
      const appended: number[] = [];
      const store: EventStore = Object.assign(Object.create(sqlite) as EventStore, {
        append: (streamId: string, events: readonly NewEvent[], expected: never) => {
          appended.push(events.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e.data)) + Buffer.byteLength(JSON.stringify(e.metadata)), 0));
          return sqlite.append(streamId, events, expected);
        },
        close: () => sqlite.close(),
      });
      const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: sandbox.dir };
      expect(await importInto(io, file, fs.statSync(file).size, DEFAULT_TENANT, store)).toBe(0);
      expect(appended.length).toBeGreaterThan(1);
      expect(Math.max(...appended)).toBeLessThanOrEqual(1024 * 1024);
      expect(await streamLength('acme')).toBe(70);
    });
  });
});
