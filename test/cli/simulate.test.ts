import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeToProposalStats } from '../../src/analytics/durations.js';
import type { StoredEvent } from '../../src/domain/events.js';
import { fold } from '../../src/domain/fold.js';
import { defaultRules } from '../../src/domain/rules.js';
import { initialState } from '../../src/domain/state.js';
import { decodeRecorded } from '../../src/app/relationship-stream.js';
import { Sandbox } from './support/sandbox.js';

describe('courtship simulate', () => {
  const sandbox = new Sandbox();

  beforeAll(async () => {
    expect((await sandbox.run(['demo', '--relationships', '60', '--seed', '5'])).code).toBe(0);
  });
  afterAll(() => sandbox.cleanup());

  it('reports zero differences under the default rules', async () => {
    const result = await sandbox.run(['simulate', '--rules', sandbox.file('same.json', '{}'), '--out', 'same.csv']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Compared 60 relationships');
    expect(result.stdout).toContain('0 would be in another phase; 0 differ');
    expect(fs.readFileSync(sandbox.file('same.csv'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('reports the relationships a shorter altar silence would leave at the altar, without writing anything', async () => {
    const store = sandbox.store();
    const headBefore = await store.headPosition();
    await store.close();

    const result = await sandbox.run(['simulate', '--rules', sandbox.file('strict.json', '{"altarSilenceDays": 10}'), '--out', 'changed.csv']);
    expect(result.code).toBe(0);
    const moved = /(\d+) would be in another phase/.exec(result.stdout);
    expect(Number(moved?.[1])).toBeGreaterThan(0);
    expect(result.stdout).toMatch(/→ LEFT_AT_ALTAR\s+\d+/);

    const rows = fs.readFileSync(sandbox.file('changed.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toMatch(/^id,accountName,phase,simulatedPhase,/);
    expect(rows.length - 1).toBeGreaterThanOrEqual(Number(moved?.[1]));

    const after = sandbox.store();
    expect(await after.headPosition()).toBe(headBefore);
    await after.close();
  });

  it('reports the time to proposal in seconds, as the API does', async () => {
    const result = await sandbox.run(['simulate', '--rules', sandbox.file('same.json', '{}')]);
    const store = sandbox.store();
    const streams = new Map<string, StoredEvent[]>();
    for (const recorded of await store.readAll()) {
      const decoded = decodeRecorded(recorded)!;
      streams.set(decoded.relationshipId, [...(streams.get(decoded.relationshipId) ?? []), { event: decoded.event, revision: decoded.revision }]);
    }
    await store.close();
    const states = [...streams].map(([id, events]) => fold(events, defaultRules, initialState(id)));
    const median = timeToProposalStats(states, { at: Date.now() }, defaultRules).overall.median;
    expect(result.stdout).toContain('Time to proposal (seconds');
    expect(result.stdout).toMatch(new RegExp(`median\\s+${median} → ${median}\\n`));
  });

  it('reads the store while the server holds it for writing', async () => {
    const server = sandbox.store();
    try {
      const result = await sandbox.run(['simulate', '--rules', sandbox.file('same.json', '{}')]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Compared 60 relationships');
    } finally {
      await server.close();
    }
  });

  it('fails, creating nothing, when the data directory holds no store', async () => {
    const missing = sandbox.dataDir('missing');
    const result = await sandbox.run(['simulate', '--rules', sandbox.file('same.json', '{}'), '--data-dir', missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`no event store in ${missing}`);
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('refuses missing or invalid rules with exit code 2', async () => {
    const missing = await sandbox.run(['simulate']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--rules is required');

    const invalid = await sandbox.run(['simulate', '--rules', sandbox.file('bad.json', '{"altarSilenceDays": -3}')]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('rules.altarSilenceDays');

    const unknown = await sandbox.run(['simulate', '--rules', sandbox.file('typo.json', '{"altarSilence": 3}')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('rules.altarSilence: unknown rule');
  });
});
