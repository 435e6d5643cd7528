/** Which heavy reads may share one run: the same task with the same plain arguments. */
import { describe, expect, it } from 'vitest';
import { coalescingKey } from '../../src/projections/read-task-coalescing.js';

describe('the key identical read tasks share', () => {
  it('is the same for the same task and equal plain arguments, positions included', () => {
    const key = (args: unknown) => coalescingKey('file:///t.js', 'page', args);
    expect(key({ tenant: 't1', query: { first: 50, after: 12n } })).toBe(key({ tenant: 't1', query: { first: 50, after: 12n } }));
    expect(key({ tenant: 't1', query: { first: 50, after: 12n } })).not.toBe(key({ tenant: 't1', query: { first: 50, after: 13n } }));
    expect(key({ tenant: 't1' })).not.toBe(key({ tenant: 't2' }));
    expect(coalescingKey('file:///t.js', 'page', {})).not.toBe(coalescingKey('file:///t.js', 'count', {}));
  });

  it('is none for arguments JSON would make look alike: shared memory, typed arrays, maps, class instances', () => {
    for (const args of [{ gate: new Int32Array(new SharedArrayBuffer(4)) }, { ids: new Set(['a']) }, { byId: new Map() }, { at: new (class At {})() }]) {
      expect(coalescingKey('file:///t.js', 'page', args)).toBeNull();
    }
  });
});
