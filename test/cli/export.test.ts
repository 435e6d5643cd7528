import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceTo } from '../../src/domain/deadlines.js';
import { describe as describeRelationship } from '../../src/domain/metrics/view.js';
import { defaultRules } from '../../src/domain/rules.js';
import { Projector } from '../../src/projections/projector.js';
import { Sandbox } from './support/sandbox.js';

/** Every relationship of the default tenant as the API would show it at `at`, by id. */
async function readModels(sandbox: Sandbox, dataDir: string, at: number): Promise<Map<string, unknown>> {
  const store = sandbox.store(dataDir);
  const projector = new Projector({ store, dataDir, rules: defaultRules });
  try {
    projector.start();
    await projector.catchUp(20_000);
    const views = new Map<string, unknown>();
    for (const row of projector.relationships()) {
      views.set(row.id, describeRelationship(advanceTo(row.state, at, defaultRules).state, at, defaultRules));
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
    expect(rows[0]).toBe(
      'id,accountName,segment,owner,phase,phaseSince,cycle,version,timeToProposalSeconds,timeToMarriageSeconds,decayStatus,decayScore,flags',
    );
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

  it('refuses bad arguments with exit code 2', async () => {
    for (const [args, message] of [
      [['--format', 'xml'], '--format must be ndjson or csv'],
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
