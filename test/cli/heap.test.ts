import { describe, expect, it } from 'vitest';
import { GarbageBound } from '../../src/cli/lib/heap.js';

describe('GarbageBound', () => {
  it('collects once every so many lines, counting from the last collection', () => {
    // Given a bound of 100 lines
    let collections = 0;
    const bound = new GarbageBound(100, () => collections++);
    // When batches of lines pass
    bound.count(60);
    expect(collections).toBe(0);
    bound.count(60);
    expect(collections).toBe(1);
    bound.count(60);
    // Then a collection happens only once 100 lines have passed since the last one
    expect(collections).toBe(1);
    bound.count(40);
    expect(collections).toBe(2);
    bound.now();
    expect(collections).toBe(3);
  });

  it('reaches V8\'s collector without the --expose-gc flag', () => {
    // Given garbage in the heap, when the default bound collects, then it does not throw and frees it
    let garbage: object[] | null = Array.from({ length: 200_000 }, (_, i) => ({ i }));
    const before = process.memoryUsage().heapUsed;
    garbage = null;
    new GarbageBound().now();
    expect(process.memoryUsage().heapUsed).toBeLessThan(before);
  });
});
