/**
 * The references a page by decay reads (decay-reference-scan.ts): the valid
 * ones of the filter's rows, every one, nearest bound first, whether read
 * from one range per phase or from the tenant's index.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelationshipFilter } from '../../src/app/read-side.js';
import { fold } from '../../src/domain/fold.js';
import { generateHistory } from '../../src/domain/generator/index.js';
import { defaultRules } from '../../src/domain/rules.js';
import { initialState } from '../../src/domain/state.js';
import { validReferences } from '../../src/projections/decay-reference-scan.js';
import { ReadModelDb } from '../../src/projections/read-model-db.js';
import { createReadModelFile, rulesFingerprint } from '../../src/projections/read-model-schema.js';
import { filterSql, SqlParams } from '../../src/projections/relationship-sql.js';
import { HISTORY_START } from '../domain/arbitraries.js';
import { stored } from '../support/events.js';

const TENANT = 'acme';
const SEGMENTS = ['SMB', 'Enterprise'] as const;
const AT = 1_000;
let dir: string;
let db: ReadModelDb;

/** Given 80 demo relationships whose references are set to drawn bounds (every third one not valid at AT). */
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-reference-scan-'));
  db = new ReadModelDb(createReadModelFile(path.join(dir, 'read-models.sqlite'), rulesFingerprint(defaultRules)), defaultRules);
  const rows = Array.from({ length: 80 }, (_, n) => {
    const id = `g${String(n).padStart(2, '0')}`;
    const events = generateHistory({ seed: 22, relationships: 80, start: HISTORY_START }, n).events;
    return { tenant: TENANT, id, state: { ...fold(stored(events), defaultRules, initialState(id)), id, segment: SEGMENTS[n % 2]! }, position: BigInt(n + 1) };
  });
  db.commit({ rows, phaseChanges: [], checkpoint: 1n });
  const ids = db.connection.prepare('SELECT relationship_id FROM decay_inputs ORDER BY relationship_id').pluck().all() as string[];
  const set = db.connection.prepare('UPDATE decay_inputs SET ref_from = ?, ref_to = ?, ref_lo = ?, ref_hi = ? WHERE relationship_id = ?');
  const scores = fc.sample(fc.integer({ min: 0, max: 40 }), { numRuns: ids.length, seed: 22 });
  ids.forEach((id, n) => set.run(0, n % 3 === 0 ? AT - 1 : AT, scores[n]!, scores[n]! + (n % 5), id));
});
afterAll(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The rows of the filter with a reference valid at AT, by id, from a plain query. */
function expectedRows(filter: RelationshipFilter | undefined): Map<string, [number, number]> {
  const params = new SqlParams();
  const where = `tenant = @tenant AND married = 1${filter ? ` AND ${filterSql(filter, params, 'UPPER')}` : ''}`;
  const rows = db.connection
    .prepare(
      `SELECT d.relationship_id, d.ref_lo, d.ref_hi FROM decay_inputs d WHERE d.tenant = @tenant AND d.ref_from <= @at AND d.ref_to >= @at
       AND EXISTS (SELECT 1 FROM relationship_rows WHERE id = d.relationship_id AND ${where})`,
    )
    .raw()
    .safeIntegers(false)
    .all({ ...params.values, tenant: TENANT, at: AT }) as [string, number, number][];
  return new Map(rows.map(([id, lo, hi]) => [id, [lo, hi]]));
}

describe('the references a page by decay reads', () => {
  it('are every valid one of the filter\u2019s rows, nearest bound first, from ranges per phase or the tenant\u2019s index', () => {
    const phases = ['MARRIED', 'NEGLECTED', 'CHEATING', 'DIVORCED'] as const;
    const filters: (RelationshipFilter | undefined)[] = [
      undefined,
      { segment: { eq: 'SMB' } },
      { phase: { in: [...phases] }, segment: { eq: 'Enterprise' } },
      { phase: { in: ['DIVORCED', 'MARRIED', 'DIVORCED'] }, segment: { eq: 'SMB' } },
      { phase: { eq: 'DIVORCED' }, segment: { eq: 'Enterprise' } },
      { phase: { eq: 'DIVORCED', in: ['MARRIED'] }, segment: { eq: 'Enterprise' } },
    ];
    let read = 0;
    for (const filter of filters) {
      const expected = expectedRows(filter);
      for (const highFirst of [true, false]) {
        // When the references are read
        const params = new SqlParams();
        const rows = `tenant = @tenant AND married = 1${filter ? ` AND ${filterSql(filter, params, 'UPPER')}` : ''}`;
        const got = [...validReferences((sql) => db.statement(sql), filter, rows, { ...params.values, tenant: TENANT, at: AT }, highFirst)];
        // Then they are the filter's valid ones, each once, nearest bound first, ties by id
        expect(new Map(got.map(([id, lo, hi]) => [id, [lo, hi]])), JSON.stringify(filter)).toEqual(expected);
        expect(got).toHaveLength(expected.size);
        const order = got.map(([id, lo, hi]) => [highFirst ? -hi : lo, id] as const);
        expect(order).toEqual([...order].sort(([a, x], [b, y]) => a - b || (x < y ? -1 : x > y ? 1 : 0)));
        read += got.length;
      }
    }
    expect(read).toBeGreaterThan(40);
  });
});
