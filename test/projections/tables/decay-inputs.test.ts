import { describe, expect, it } from 'vitest';
import { fold } from '../../../src/domain/fold.js';
import { generateHistory } from '../../../src/domain/generator/index.js';
import { decayInputsOf } from '../../../src/domain/metrics/decay-inputs.js';
import { defaultRules } from '../../../src/domain/rules.js';
import { initialState } from '../../../src/domain/state.js';
import { cycleRows } from '../../../src/projections/tables/cycles.js';
import { decayInputsOfBlob, decayRowOf } from '../../../src/projections/tables/decay-inputs.js';
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
