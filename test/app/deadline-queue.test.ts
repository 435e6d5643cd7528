import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeadlineQueue } from '../../src/app/deadline-queue.js';

describe('the deadline queue', () => {
  it('always yields the earliest due instant, whatever the sequence of updates', () => {
    const operation = fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), at: fc.option(fc.integer({ min: 0, max: 100 })) });
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 60 }), fc.integer({ min: 0, max: 100 }), (operations, now) => {
        const queue = new DeadlineQueue();
        const expected = new Map<string, number>();
        for (const { key, at } of operations) {
          queue.set(key, at);
          if (at === null) expected.delete(key);
          else expected.set(key, at);
        }
        expect(queue.size).toBe(expected.size);
        const popped: number[] = [];
        for (let due = queue.popDue(now); due; due = queue.popDue(now)) {
          expect(due.at).toBe(expected.get(due.key));
          expected.delete(due.key);
          popped.push(due.at);
        }
        expect(popped).toEqual([...popped].sort((x, y) => x - y));
        expect([...expected.values()].every((at) => at > now)).toBe(true);
        expect(queue.size).toBe(expected.size);
      }),
    );
  });
});
