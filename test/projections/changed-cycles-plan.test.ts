/**
 * The kept statistics' changes at an instant (tables/latest-cycle-deltas.ts)
 * read three ranges of the latest cycles — changed since the instant, a
 * deadline due, opened after it — each through its own index: a range of
 * cycles_latest_changed other than "changed since" would read nearly every
 * latest cycle (80 ms instead of 4 at 100k relationships).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnalyticsRequest } from '../../src/app/read-side.js';
import { defaultRules } from '../../src/domain/rules.js';
import { createReadModelFile, rulesFingerprint } from '../../src/projections/read-model-schema.js';
import { ChangedCycles } from '../../src/projections/tables/latest-cycle-deltas.js';

describe('the changes of the kept statistics at an instant', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'changed-cycles-'));
  const db = createReadModelFile(path.join(dir, 'read-models.sqlite'), rulesFingerprint(defaultRules));
  afterAll(() => (db.close(), fs.rmSync(dir, { recursive: true, force: true })));

  /** The statements ChangedCycles prepares for `request`, each run once. */
  function statementsOf(request: AnalyticsRequest): string[] {
    const prepared: string[] = [];
    const recording = new Proxy(db, {
      get: (target, key) => (key === 'prepare' ? (sql: string) => (prepared.push(sql), target.prepare(sql)) : Reflect.get(target, key, target)),
    }) as Database.Database;
    const changed = new ChangedCycles(recording, 'plan', request, ['skipped']);
    changed.changes([0, 1, 2, 3, 4, 5], true);
    changed.endingCounts();
    return prepared;
  }

  it('reads each range of the latest cycles through its own index, at a past instant and now', () => {
    for (const asOf of [true, false]) {
      // Given the statements for a funnel at a past instant, or now
      const request: AnalyticsRequest = { question: { kind: 'FUNNEL', groupBy: 'NONE' }, scope: { at: Date.UTC(2022, 6, 1) }, asOf };
      const statements = statementsOf(request);
      expect(statements).toHaveLength(2);
      for (const sql of statements) {
        // When SQLite plans them
        const params = { tenant: 'plan', at: 0, cut: 0, skip: '["skipped"]' };
        const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((step) => step.detail);
        // Then cycles_latest_changed is read only from the instant on, and the deadline and opening ranges from their indexes
        const changedRanges = plan.filter((step) => step.includes('cycles_latest_changed'));
        expect(changedRanges, plan.join('\n')).toEqual([expect.stringContaining('(tenant=? AND changed>?)')]);
        expect(plan.some((step) => step.includes('INDEX cycles_latest_deadline (tenant=? AND next_deadline<?)')), plan.join('\n')).toBe(true);
        expect(plan.some((step) => step.includes('INDEX cycles_latest_opened (tenant=? AND opened_at>?)')), plan.join('\n')).toBe(true);
        expect(plan.some((step) => /SCAN cycles\b/.test(step)), plan.join('\n')).toBe(false);
      }
    }
  });
});
