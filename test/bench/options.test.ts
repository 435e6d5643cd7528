/** `npm run bench` sized in demo relationships (issue 14: report 25k and 100k). */
import { describe, expect, it } from 'vitest';
import { parseBenchOptions, UsageError } from '../../src/bench/options.js';
import { FULL_RELATIONSHIPS } from '../../src/bench/workload.js';

describe('sizing the bench', () => {
  it('sizes the log in relationships with --relationships N', () => {
    expect(parseBenchOptions(['--relationships', '25000']).relationships).toBe(25_000);
  });

  it('keeps --full as 100k relationships', () => {
    expect(parseBenchOptions(['--full']).relationships).toBe(FULL_RELATIONSHIPS);
  });

  it('sizes the log in events when no relationship count is given', () => {
    const options = parseBenchOptions(['--events', '1000']);
    expect([options.relationships, options.events]).toEqual([null, 1000]);
  });

  it.each([
    [['--relationships', '0'], /--relationships must be a positive integer/],
    [['--relationships', '2.5'], /--relationships must be a positive integer/],
    [['--full', '--relationships', '25000'], /give one of them/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseBenchOptions(argv)).toThrow(UsageError);
    expect(() => parseBenchOptions(argv)).toThrow(message);
  });
});
