/**
 * States are read from the read-model file by key, through a bounded cache:
 * what a reader gets is the committed state whether or not it was cached.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RelationshipRow } from '../../src/app/read-side.js';
import { defaultRules } from '../../src/domain/rules.js';
import { initialState } from '../../src/domain/state.js';
import { ReadModelDb } from '../../src/projections/read-model-db.js';
import { createReadModelFile, rulesFingerprint } from '../../src/projections/read-model-schema.js';
import { RelationshipStates } from '../../src/projections/relationship-states.js';
import { columnsFrom, COLUMNS_OF_ONE, type SelectedColumns } from '../../src/projections/tables/relationship-rows.js';

let dir: string;
let db: ReadModelDb;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-states-'));
  db = new ReadModelDb(createReadModelFile(path.join(dir, 'read-models.sqlite'), rulesFingerprint(defaultRules)), defaultRules);
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const row = (id: string, accountName: string, position: bigint): RelationshipRow => ({
  tenant: 'acme',
  id,
  state: { ...initialState(id), accountName },
  position,
});

describe('relationship states read through a bounded cache', () => {
  it('gives the committed state of relationships the cache let go', () => {
    // Given ten relationships committed, and a cache of three
    const rows = Array.from({ length: 10 }, (_, i) => row(`r${i}`, `Account ${i}`, BigInt(i + 1)));
    db.commit({ rows, phaseChanges: [], checkpoint: 10n });
    const states = new RelationshipStates(db.connection, 3);
    for (const each of rows) states.set(each);
    // When every one is read back
    const read = rows.map((each) => states.get('acme', each.id));
    // Then each is the committed state, the evicted ones read from the file
    expect(read.map((each) => [each?.state.accountName, each?.position])).toEqual(rows.map((each) => [each.state.accountName, each.position]));
    expect(states.get('acme', 'missing')).toBeUndefined();
    expect(states.size).toBe(10);
  });

  it('reads the states a batch lacks in one query, and knows the new relationships are none', () => {
    db.commit({ rows: [row('old', 'Old Co', 1n)], phaseChanges: [], checkpoint: 1n });
    const states = new RelationshipStates(db.connection, 3);
    states.prefetch(['rel-acme-old', 'rel-acme-new', '$et-other']);
    // The file changes under the cache only through the projector, which installs what it commits.
    db.commit({ rows: [row('new', 'New Co', 2n)], phaseChanges: [], checkpoint: 2n });
    expect(states.get('acme', 'new')).toBeUndefined();
    states.set(row('new', 'New Co', 2n));
    expect(states.get('acme', 'new')?.state.accountName).toBe('New Co');
    expect(states.get('acme', 'old')?.state.accountName).toBe('Old Co');
  });

  it('lists every state a page at a time, and counts a tenant\u2019s', () => {
    const rows = Array.from({ length: 2500 }, (_, i) => row(`r${String(i).padStart(4, '0')}`, 'A', BigInt(i + 1)));
    db.commit({ rows, phaseChanges: [], checkpoint: 2500n });
    const states = new RelationshipStates(db.connection, 10);
    expect([...states.all()].map((each) => each.id)).toEqual(rows.map((each) => each.id));
    expect(states.countOfTenant('acme')).toBe(2500);
    expect(states.countOfTenant('other')).toBe(0);
  });

  it('shows a relationship from its columns until a newer row is installed, then the newer one', () => {
    // Given a relationship committed, its state not cached
    db.commit({ rows: [row('r1', 'Old name', 1n)], phaseChanges: [], checkpoint: 1n });
    const states = new RelationshipStates(db.connection, 1);
    let reads = 0;
    const read = (ids: readonly string[]) => {
      reads++;
      const selected = ids.map((id) => db.connection.prepare(COLUMNS_OF_ONE).safeIntegers(false).get('acme', id) as SelectedColumns | undefined);
      return selected.filter((found) => found !== undefined).map(columnsFrom);
    };
    // When it is shown twice: its columns are read once
    const first = states.shown('acme', ['r1', 'nobody'], read);
    expect([first.get('r1')!.columns!.accountName, first.has('nobody')]).toEqual(['Old name', false]);
    expect(states.shown('acme', ['r1'], read).get('r1')!.columns!.accountName).toBe('Old name');
    expect(reads).toBe(1);
    // When the projector commits and installs a newer row: the newer one is shown
    const newer = row('r1', 'New name', 2n);
    db.commit({ rows: [newer], phaseChanges: [], checkpoint: 2n });
    states.set(newer);
    expect(states.shown('acme', ['r1'], read).get('r1')!.state.accountName).toBe('New name');
    // And once the state leaves the cache, the newer columns are read
    states.set(row('r2', 'Other', 3n));
    expect(states.shown('acme', ['r1'], read).get('r1')!.columns!.accountName).toBe('New name');
  });
});
