import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DecayTally } from '../../../src/analytics/decay.js';
import { fold } from '../../../src/domain/fold.js';
import { generateHistory } from '../../../src/domain/generator/index.js';
import { decayInputsOf, decayStatusOfInputs } from '../../../src/domain/metrics/decay-inputs.js';
import { DAY_MS, defaultRules } from '../../../src/domain/rules.js';
import { initialState } from '../../../src/domain/state.js';
import { cycleRows } from '../../../src/projections/tables/cycles.js';
import { decayInputsOfBlob, decayInputsTable, decayRowOf, tallyDecayRows } from '../../../src/projections/tables/decay-inputs.js';
import { stored } from '../../support/events.js';

describe('the decay_inputs row', () => {
  it("repeats exactly the latest cycle's columns of `cycles` the decay summary reads, for every generated marriage", () => {
    let married = 0;
    for (let index = 0; index < 400; index++) {
      // Given a generated relationship after its whole history
      const events = generateHistory({ seed: 11, relationships: 10_001, start: Date.UTC(2024, 0, 1) }, index).events;
      const state = fold(stored(events), defaultRules, initialState(`r${index}`));
      // When its decay row is made
      const row = decayRowOf(state);
      const latest = cycleRows(state, defaultRules).at(-1);
      // Then it exists exactly when the latest cycle married, with that cycle's columns
      if (latest?.marriedAt == null || latest.cycle !== state.cycle) {
        expect(row).toBeNull();
        continue;
      }
      married++;
      expect(row).toMatchObject({
        cycle: latest.cycle,
        segment: state.segment,
        owner: state.owner,
        openedAt: state.openedAt,
        startedAt: latest.startedAt,
        marriedAt: latest.marriedAt,
        endedAt: latest.endedAt,
        neglectedAt: latest.entered[4],
        vetoStanceChangedAt: latest.vetoStanceChangedAt,
      });
      expect(row!.inputs).toEqual(decayInputsOf(state));
    }
    expect(married).toBeGreaterThan(50);
  });

  it('reads back a blob whatever its alignment', () => {
    // Given inputs stored as bytes at an odd offset of a larger buffer
    const inputs = Float64Array.of(1, 2.5, Infinity, NaN, -Infinity);
    const bytes = Buffer.alloc(inputs.byteLength + 3);
    Buffer.from(inputs.buffer).copy(bytes, 3);
    // When they are read, then they are the same numbers
    expect(decayInputsOfBlob(bytes.subarray(3))).toEqual(inputs);
    expect(decayInputsOfBlob(Buffer.from(inputs.buffer))).toEqual(inputs);
  });
});

describe('the decay summary read from decay_inputs', () => {
  // Given the rows of 300 generated relationships, written as the projector writes them
  const db = new Database(':memory:');
  db.exec(decayInputsTable.schema);
  const write = decayInputsTable.writer(db, defaultRules);
  const rows = Array.from({ length: 300 }, (_, index) => {
    const events = generateHistory({ seed: 5, relationships: 10_001, start: Date.UTC(2024, 0, 1) }, index).events;
    return { tenant: 'acme', id: `r${String(index).padStart(3, '0')}`, state: fold(stored(events), defaultRules, initialState(`r${index}`)), position: 0n };
  });
  for (const row of rows) write(row);
  const decayRows = rows.flatMap(({ state }) => decayRowOf(state) ?? []);
  const divorces = decayRows.flatMap(({ inputs }) => (Number.isNaN(inputs[1]!) ? [] : [inputs[1]!])).sort((a, b) => a - b);

  /** What scoring each row's inputs one at a time counts. */
  function rowByRow(at: number, cut: number) {
    const tally = new DecayTally();
    for (const row of decayRows) {
      const neglected = row.neglectedAt !== null && row.neglectedAt <= cut ? row.neglectedAt : null;
      tally.add(row.marriedAt, neglected, row.endedAt === null || row.endedAt > cut, decayStatusOfInputs(row.inputs, at, defaultRules));
    }
    return tally.result();
  }

  it('has divorces before and after the instants asked about', () => {
    expect(divorces.length).toBeGreaterThan(20);
    expect(decayRows.length - divorces.length).toBeGreaterThan(5);
  });

  it('counts every marriage once, whatever the chunk, as scoring each row does: divorces frozen before the instant, scored after', () => {
    const instants = [divorces[Math.floor(divorces.length / 3)]!, divorces[Math.floor(divorces.length / 3)]! - 1, divorces.at(-1)! + 400 * DAY_MS];
    for (const at of instants) {
      for (const cut of [at, Number.MAX_SAFE_INTEGER]) {
        for (const chunk of [1, 7, 4096]) {
          // When the summary reads the rows `chunk` at a time
          const tally = new DecayTally();
          tallyDecayRows(db, { sql: 'tenant = @tenant', params: { tenant: 'acme' } }, at, cut, defaultRules, tally, chunk);
          // Then it counts what scoring each row's inputs at the instant counts
          expect(tally.result(), `at ${new Date(at).toISOString()}, ${chunk} a chunk`).toEqual(rowByRow(at, cut));
        }
      }
    }
  });

  it('goes on counting from the counts a read worker sends back', () => {
    // Given a tally of the rows, sent as plain data
    const tally = new DecayTally();
    const at = divorces.at(-1)! + DAY_MS;
    tallyDecayRows(db, { sql: 'tenant = @tenant', params: { tenant: 'acme' } }, at, Number.MAX_SAFE_INTEGER, defaultRules, tally);
    // When another thread takes it up, then it gives the same summary
    expect(DecayTally.from(structuredClone(tally.counts())).result()).toEqual(tally.result());
  });
});
