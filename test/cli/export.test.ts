import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceTo } from '../../src/domain/deadlines.js';
import { describe as describeRelationship } from '../../src/domain/metrics/view.js';
import { defaultRules } from '../../src/domain/rules.js';
import { Projector } from '../../src/projections/projector.js';
import { PLAIN_CSV } from '../../src/cli/lib/csv.js';
import { decodedEventCsvPages, storedEventCsvPages } from '../../src/cli/lib/events-csv.js';
import { encodedLogLines, storedLogLines, type Range } from '../../src/cli/lib/log-lines.js';
import { toNewEvent } from '../../src/app/relationship-stream.js';
import type { NewEvent } from '../../src/store/port.js';
import type { SqliteEventStore } from '../../src/store/sqlite.js';
import { Sandbox } from './support/sandbox.js';

async function text(pages: AsyncGenerator<{ text: string; count: number }>): Promise<{ text: string; count: number }> {
  let all = '';
  let count = 0;
  for await (const page of pages) {
    all += page.text;
    count += page.count;
  }
  return { text: all, count };
}

/** Every relationship of the default tenant as the API would show it at `at`, by id. */
async function readModels(sandbox: Sandbox, dataDir: string, at: number): Promise<Map<string, unknown>> {
  const store = sandbox.store(dataDir);
  const projector = new Projector({ store, dataDir, rules: defaultRules });
  try {
    projector.start();
    await projector.catchUp(20_000);
    const views = new Map<string, unknown>();
    for (const row of projector.relationships()) {
      const view = describeRelationship(advanceTo(row.state, at, defaultRules).state, at, defaultRules);
      // When a change became known is when this store learned it: an import is a new recording.
      views.set(row.id, { ...view, phaseHistory: view.phaseHistory.map((change) => ({ ...change, recordedAt: null })) });
    }
    return views;
  } finally {
    await projector.close();
    await store.close();
  }
}

describe('courtship export', () => {
  const sandbox = new Sandbox();
  const source = sandbox.dataDir('source');
  let log: string;

  beforeAll(async () => {
    const demo = await sandbox.run(['demo', '--relationships', '40', '--seed', '11'], source);
    expect(demo.code).toBe(0);
    const exported = await sandbox.run(['export', '--out', 'log.ndjson'], source);
    expect(exported.code).toBe(0);
    log = fs.readFileSync(sandbox.file('log.ndjson'), 'utf8');
  });
  afterAll(() => sandbox.cleanup());

  it('writes the log in log order, in the import format, deadline events included', async () => {
    const lines = log.trim().split('\n').map((text) => JSON.parse(text) as Record<string, unknown>);
    const store = sandbox.store(source);
    try {
      const recorded = await store.readAll();
      expect(lines.map((l) => l.eventId)).toEqual(recorded.map((r) => r.id));
    } finally {
      await store.close();
    }
    expect(Object.keys(lines[0]!)).toEqual(['relationshipId', 'type', 'occurredAt', 'actor', 'data', 'eventId']);
    expect(lines.some((l) => l.type === 'DeadlineReached')).toBe(true);
  });

  it('round-trips: importing the export into a fresh store gives identical read models', async () => {
    const copy = sandbox.dataDir('copy');
    const imported = await sandbox.run(['import', 'log.ndjson'], copy);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);

    const at = Date.now();
    const original = await readModels(sandbox, source, at);
    const reproduced = await readModels(sandbox, copy, at);
    expect(original.size).toBe(40);
    expect(reproduced).toEqual(original);
  });

  it('writes one CSV row per relationship as of an instant', async () => {
    const now = await sandbox.run(['export', '--format', 'csv'], source);
    const rows = now.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^id,accountName,segment,owner,source,openedAt,cohortMonth,cycle,cycleStartedAt,phase,phaseSince,version,/);
    expect(rows).toHaveLength(41);

    const firstEvent = JSON.parse(log.split('\n')[0]!) as { occurredAt: string };
    const early = await sandbox.run(['export', '--format', 'csv', '--as-of', firstEvent.occurredAt], source);
    const earlyRows = early.stdout.trim().split('\n');
    expect(earlyRows.length).toBeLessThan(rows.length);
    expect(earlyRows[1]).toMatch(/,ATTRACTION,/);
  });

  it('limits the log to a time range', async () => {
    const all = log.trim().split('\n').map((text) => JSON.parse(text) as { occurredAt: string });
    const middle = all.map((l) => l.occurredAt).sort()[Math.floor(all.length / 2)]!;
    const later = await sandbox.run(['export', '--from', middle], source);
    const lines = later.stdout.trim().split('\n').map((text) => JSON.parse(text) as { occurredAt: string });
    expect(lines.length).toBe(all.filter((l) => l.occurredAt >= middle).length);
    expect(lines.every((l) => l.occurredAt >= middle)).toBe(true);
  });

  it('copies the stored text into the lines where it can, giving exactly the lines encoding gives', async () => {
    const store = await oddStore(sandbox);
    try {
      for (const tenant of ['default', 't2', null]) {
        for (const range of ODD_RANGES) {
          const stored = await text(storedLogLines(store.capabilities.storedRows!, tenant, range));
          expect(stored).toEqual(await text(encodedLogLines(store, tenant, range)));
          expect(stored.text.split('\n').filter((l) => l !== '')).toHaveLength(stored.count);
        }
      }
      const everything = await text(storedLogLines(store.capabilities.storedRows!, null, ODD_RANGES[0]!));
      expect(everything.count).toBe(10);
      expect(everything.text).toContain('"metadata":{"note":"x \\"quoted\\" {brace}","list":[1,{"b":"}"}]}');
    } finally {
      await store.close();
    }
  });

  it('writes the events table from the stored text where it can, giving exactly the rows decoding gives', async () => {
    const store = await oddStore(sandbox);
    try {
      for (const style of [PLAIN_CSV, { excel: true }]) {
        for (const tenant of ['default', 't2', null]) {
          for (const range of ODD_RANGES) {
            const stored = await text(storedEventCsvPages(store.capabilities.storedRows!, tenant, range, style));
            expect(stored).toEqual(await text(decodedEventCsvPages(store, tenant, range, style)));
          }
        }
      }
      const everything = await text(storedEventCsvPages(store.capabilities.storedRows!, null, ODD_RANGES[0]!, PLAIN_CSV));
      expect(everything.count).toBe(10);
      expect(everything.text).toContain('"{""note"":""x \\""quoted\\"" {brace}"",""list"":[1,{""b"":""}""}]}"');
    } finally {
      await store.close();
    }
  });

  it('reads the store while the server holds it for writing', async () => {
    const server = sandbox.store(source);
    try {
      const ndjson = await sandbox.run(['export'], source);
      expect(ndjson.stderr).toBe('');
      expect(ndjson.code).toBe(0);
      expect(ndjson.stdout).toBe(log);
      const csv = await sandbox.run(['export', '--format', 'csv'], source);
      expect(csv.code).toBe(0);
      expect(csv.stdout.trim().split('\n')).toHaveLength(41);
    } finally {
      await server.close();
    }
  });

  it('fails, creating nothing, when the data directory holds no store', async () => {
    const missing = sandbox.dataDir('missing');
    const result = await sandbox.run(['export', '--data-dir', missing, '--out', 'none.ndjson'], source);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`courtship export: no event store in ${missing} (no courtship.db); check --data-dir or COURTSHIP_DATA_DIR\n`);
    expect(fs.existsSync(missing)).toBe(false);
    expect(fs.existsSync(sandbox.file('none.ndjson'))).toBe(false);
  });

  it('refuses bad arguments with exit code 2', async () => {
    for (const [args, message] of [
      [['--format', 'xml'], '--format must be one of ndjson, csv, transitions, events, snapshots, retention'],
      [['--format', 'snapshots', '--every', 'week'], '--every must be month or quarter'],
      [['--every', 'month'], '--every applies to --format snapshots'],
      [['--format', 'retention', '--by', 'signing'], '--by must be marriage or opening'],
      [['--excel'], '--excel applies to the CSV formats'],
      [['--format', 'csv', '--all-tenants'], '--all-tenants applies to --format ndjson, events'],
      [['--from', 'yesterday'], '--from "yesterday" is not an ISO 8601 instant'],
      [['--as-of', '2025-01-01T00:00:00Z'], '--as-of applies to --format csv'],
      [['--bogus'], "Unknown option '--bogus'"],
    ] as const) {
      const result = await sandbox.run(['export', ...args], source);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
    }
  });
});

const ODD_RANGES: Range[] = [
  { from: undefined, to: undefined },
  { from: Date.UTC(2025, 0, 3), to: Date.UTC(2025, 0, 5) },
];

/** A store holding rows in the canonical stored form and rows in every other form the log may hold. */
async function oddStore(sandbox: Sandbox): Promise<SqliteEventStore> {
  const store: SqliteEventStore = sandbox.store(sandbox.dataDir(`odd-${++oddStores}`));
  let n = 0;
  const id = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
  const opened = (tenant: string, rel: string, accountName: string, metadata: Record<string, unknown> | null = null): NewEvent =>
    toNewEvent(id(), tenant, rel, { type: 'RelationshipOpened', occurredAt: Date.UTC(2025, 0, 1), actor: 'VENDOR', data: { accountName } } as never, metadata);
  const raw = (type: string, data: unknown, metadata: Record<string, unknown>): NewEvent => ({ id: id(), type, data, metadata });
  const meta = (rel: string, extra: Record<string, unknown> = {}) => ({ tenant: 'default', relationshipId: rel, schemaVersion: 1, ...extra });
  await store.append('rel-default-a', [opened('default', 'a', 'Brace } " \\ [é] 😀 {', { note: 'x "quoted" {brace}', list: [1, { b: '}' }] })]);
  await store.append('rel-default-b', [
    opened('default', 'b', 'Plain'),
    // An older schema version: re-encoded.
    raw('InteractionLogged', { occurredAt: '2025-01-02T00:00:00.000Z', actor: 'PROSPECT', data: { medium: 'CALL' } }, meta('b', { schemaVersion: 0 })),
    // Not the canonical instant: re-encoded.
    raw('InteractionLogged', { occurredAt: '2025-01-03T00:00:00Z', actor: 'PROSPECT', data: { channel: 'EMAIL' } }, meta('b')),
    // A key after data, user metadata null, metadata keys in another order: re-encoded.
    raw('InteractionLogged', { occurredAt: '2025-01-04T00:00:00.000Z', actor: 'PROSPECT', data: { channel: 'EMAIL' }, extra: { x: 1 } }, meta('b')),
    raw('InteractionLogged', { occurredAt: '2025-01-05T00:00:00.000Z', actor: 'PROSPECT', data: { channel: 'EMAIL' } }, meta('b', { metadata: null })),
    raw('InteractionLogged', { occurredAt: '2025-01-06T00:00:00.000Z', actor: 'PROSPECT', data: { channel: 'EMAIL' } }, { relationshipId: 'b', tenant: 'default', schemaVersion: 1 }),
    // Data the events table spreads over its columns, keeps as JSON (otherData), or writes as an instant; a formula cell.
    raw(
      'ContractSigned',
      { occurredAt: '2025-01-04T12:00:00.000Z', actor: 'VENDOR', data: { contractId: '=k1', endsAt: '2026-01-01T00:00:00.000Z', value: -10, extra: { deep: [1] } } },
      meta('b'),
    ),
    // A type this release does not know: left out.
    raw('Mystery', { occurredAt: '2025-01-07T00:00:00.000Z', actor: 'PROSPECT', data: {} }, meta('b')),
    raw('InteractionLogged', { occurredAt: '2025-01-08T00:00:00.000Z', actor: 'PROSPECT', data: { channel: 'CALL' } }, meta('b', { metadata: {} })),
  ]);
  await store.append('other-stream', [raw('Thing', { any: 1 }, {})]);
  await store.append('rel-t2-c', [opened('t2', 'c', 'Other tenant')]);
  return store;
}

let oddStores = 0;
