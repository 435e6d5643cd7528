/** The 25k → 100k growth of each bench row (issue 14). */
import { describe, expect, it } from 'vitest';
import { growth } from '../../src/bench/growth.js';
import type { BenchReport, BenchRow } from '../../src/bench/report.js';

function report(relationships: number, rows: BenchRow[]): BenchReport {
  return {
    startedAt: '2026-01-01T00:00:00.000Z',
    durationSeconds: 1,
    machine: { cpu: 'test', cores: 2, memoryGb: 1, node: 'v20', platform: 'test' },
    scale: { mode: 'relationships', events: relationships * 37, relationships },
    rows,
  };
}

const bare = { name: 'bare', value: 1000, unit: 'req/s' };
const list = (rps: number, p50: number, p99: number): BenchRow => ({
  section: 'http',
  name: '`relationships(first: 50, filter)`',
  courtship: { value: rps, unit: 'req/s', detail: `p50 ${p50} ms · p99 ${p99} ms` },
  baseline: bare,
});
const rss = (relationships: string, value: number): BenchRow => ({
  section: 'memory',
  name: `server RSS once caught up, ${relationships} relationships / 999 events loaded`,
  courtship: { value, unit: 'MB' },
  baseline: { name: 'empty', value: 90, unit: 'MB' },
});

describe('growth between two scales', () => {
  it('divides the large run by the small one, latencies included, matching rows whatever scale their names mention', () => {
    const rows = growth(report(25_000, [list(400, 10, 40), rss('25,000', 200)]), report(100_000, [list(200, 25, 60), rss('100,000', 300)]));
    expect(rows).toEqual([
      expect.objectContaining({ section: 'http', valueGrowth: 0.5, p50Growth: 2.5, p99Growth: 1.5, baselineGrowth: 1 }),
      expect.objectContaining({ section: 'memory', name: 'server RSS once caught up, N relationships / M events loaded', valueGrowth: 1.5, p50Growth: null }),
    ]);
  });

  it('keeps apart the rows of one measure against two baselines', () => {
    const against = (baseline: string, value: number): BenchRow => ({ ...list(1, 1, 1), baseline: { ...bare, name: baseline, value } });
    const rows = growth(report(1, [against('raw', 10), against('peer', 20)]), report(2, [against('raw', 5), against('peer', 40)]));
    expect(rows.map((g) => [g.baseline, g.baselineGrowth])).toEqual([
      ['raw', 0.5],
      ['peer', 2],
    ]);
  });

  it('leaves out rows only one run has', () => {
    expect(growth(report(1, [list(1, 1, 1)]), report(2, [rss('2', 1)]))).toEqual([]);
  });
});
