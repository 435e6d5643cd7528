import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fold } from '../../../src/domain/fold.js';
import { generateHistory } from '../../../src/domain/generator/index.js';
import { defaultRules } from '../../../src/domain/rules.js';
import { initialState } from '../../../src/domain/state.js';
import { ReadModelDb } from '../../../src/projections/read-model-db.js';
import { createReadModelFile, rulesFingerprint } from '../../../src/projections/read-model-schema.js';
import { stored } from '../../support/events.js';

const SEGMENTS = ['SMB', 'ENTERPRISE', null] as const;

let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the kept counts of relationship_rows', () => {
  it('are the rows per tenant, phase, segment and married after every write, as phases, segments and marriages change', () => {
    // Given a read-model file
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-row-counts-'));
    const db = new ReadModelDb(createReadModelFile(path.join(dir, 'read-models.sqlite'), rulesFingerprint(defaultRules)), defaultRules);
    const histories = Array.from({ length: 40 }, (_, index) => generateHistory({ seed: 20, relationships: 40, start: Date.UTC(2024, 0, 1) }, index).events);
    const kept = db.connection.prepare('SELECT tenant, phase, segment, married, n FROM relationship_row_counts WHERE n != 0 ORDER BY 1, 2, 3, 4');
    const counted = db.connection.prepare(
      `SELECT tenant, phase, segment, married, COUNT(*) AS n FROM relationship_rows
       WHERE phase IS NOT NULL AND segment IS NOT NULL GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    );
    let position = 0n;
    for (let step = 1; step <= 6; step++) {
      // When each relationship is written again, further into its history, in another segment, in two tenants
      const rows = histories.flatMap((events, index) => {
        const cut = Math.ceil((events.length * step) / 6);
        const state = fold(stored(events.slice(0, cut)), defaultRules, initialState(`r${index}`));
        const segment = SEGMENTS[(index + step) % SEGMENTS.length]!;
        return [{ tenant: index % 2 === 0 ? 'acme' : 'globex', id: `r${index}`, state: { ...state, segment }, position: ++position }];
      });
      db.commit({ rows, phaseChanges: [], checkpoint: position });
      // Then the kept counts are the table's
      expect(kept.all(), `step ${step}`).toEqual(counted.all());
    }
    expect(counted.all().length).toBeGreaterThan(6);
    db.close();
  });
});
