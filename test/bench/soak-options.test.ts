/** `npm run soak`'s options: phases, and the diagnostics it can ask the server for. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/bench/options.js';
import { parseSoakOptions } from '../../src/bench/soak-options.js';

describe("the soak's options", () => {
  it('runs a plain phase by default, a hostile one with --hostile, both back to back with --compare', () => {
    expect(parseSoakOptions([])).toMatchObject({ minutes: 10, phases: ['plain'] });
    expect(parseSoakOptions(['--hostile'])).toMatchObject({ phases: ['hostile'] });
    expect(parseSoakOptions(['--compare', '--minutes', '5'])).toMatchObject({ minutes: 5, phases: ['plain', 'hostile'] });
  });

  it('keeps the listed tenant at its loaded size only when asked (--steady-data)', () => {
    expect(parseSoakOptions([])).toMatchObject({ steadyData: false });
    expect(parseSoakOptions(['--steady-data'])).toMatchObject({ steadyData: true });
  });

  it('takes heap snapshot minutes within the whole run, in order', () => {
    expect(parseSoakOptions(['--compare', '--minutes', '10', '--heap-snapshots', '12,2'])).toMatchObject({ heapSnapshotsAt: [2, 12] });
  });

  it.each([
    [['--minutes', '2'], /at least 3/],
    [['--minutes', '2.5'], /whole number/],
    [['--hostile', '--compare'], /one of --compare and --hostile/],
    [['--minutes', '5', '--heap-snapshots', '2,6'], /between 0 and 5/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSoakOptions(argv)).toThrow(UsageError);
    expect(() => parseSoakOptions(argv)).toThrow(message);
  });
});
