import { describe, expect, it } from 'vitest';
import { ExpensiveOperationBudget } from '../../../src/server/limits/rate.js';

describe('the budget for expensive operations', () => {
  const clock = () => {
    let now = 0;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('never charges an operation under the threshold', () => {
    const time = clock();
    const budget = new ExpensiveOperationBudget({ threshold: 1_000, perMinute: 600, burst: 2_000 }, time.now);
    for (let i = 0; i < 1_000; i++) expect(budget.charge('t', 999)).toBeUndefined();
  });

  it('spends the burst, then refuses with the time until enough has come back', () => {
    const time = clock();
    const budget = new ExpensiveOperationBudget({ threshold: 1_000, perMinute: 600, burst: 2_000 }, time.now);
    expect(budget.charge('t', 1_000)).toBeUndefined();
    expect(budget.charge('t', 1_000)).toBeUndefined();
    const refused = budget.charge('t', 1_000);
    // 600 a minute is 10 a second: 1,000 takes 100 s.
    expect(refused?.extensions).toEqual({ code: 'RATE_LIMITED', cost: 1_000, retryAfterMs: 100_000 });
    time.advance(99_000);
    expect(budget.charge('t', 1_000)?.extensions.code).toBe('RATE_LIMITED');
    time.advance(1_000);
    expect(budget.charge('t', 1_000)).toBeUndefined();
  });

  it('keeps tokens apart', () => {
    const budget = new ExpensiveOperationBudget({ threshold: 1_000, perMinute: 600, burst: 1_000 }, clock().now);
    expect(budget.charge('a', 1_000)).toBeUndefined();
    expect(budget.charge('a', 1_000)?.extensions.code).toBe('RATE_LIMITED');
    expect(budget.charge('b', 1_000)).toBeUndefined();
  });

  it('lets an operation dearer than the whole burst run on a full bucket', () => {
    const budget = new ExpensiveOperationBudget({ threshold: 1_000, perMinute: 600, burst: 1_000 }, clock().now);
    expect(budget.charge('t', 5_000)).toBeUndefined();
    expect(budget.charge('t', 5_000)?.extensions.code).toBe('RATE_LIMITED');
  });
});
