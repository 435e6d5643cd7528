/**
 * The growth of each row between two bench reports at two scales (issue 14:
 * "report 25k and 100k relationships, and the 25k → 100k growth of each
 * row"). Rows are matched by section and measure, with the scale taken out
 * of the measure's name; latencies come from the rows' p50/p99 details.
 *
 *   node dist/bench/growth.js bench/results-25k.json bench/results-100k.json
 */
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { BenchReport, BenchRow } from './report.js';

interface Latency {
  readonly p50: number;
  readonly p99: number;
}

export interface Growth {
  readonly section: string;
  readonly name: string;
  readonly baseline: string;
  readonly unit: string;
  readonly small: number;
  readonly large: number;
  /** large / small of the value (for req/s and events/s, below 1 is a slowdown). */
  readonly valueGrowth: number;
  /** The same for the row's same-run baseline: how much of the change is the machine's. */
  readonly baselineGrowth: number;
  /** large / small of p50 and p99, when both rows have them. */
  readonly p50Growth: number | null;
  readonly p99Growth: number | null;
}

export function growth(small: BenchReport, large: BenchReport): Growth[] {
  const bySmall = new Map(small.rows.map((row) => [key(row), row]));
  const out: Growth[] = [];
  for (const row of large.rows) {
    const before = bySmall.get(key(row));
    if (!before) continue;
    const [a, b] = [latency(before), latency(row)];
    out.push({
      section: row.section,
      name: scaleless(row.name),
      baseline: row.baseline.name,
      unit: row.courtship.unit,
      small: before.courtship.value,
      large: row.courtship.value,
      valueGrowth: row.courtship.value / before.courtship.value,
      baselineGrowth: row.baseline.value / before.baseline.value,
      p50Growth: a && b ? b.p50 / a.p50 : null,
      p99Growth: a && b ? b.p99 / a.p99 : null,
    });
  }
  return out;
}

function key(row: BenchRow): string {
  return `${row.section}\u0000${scaleless(row.name)}\u0000${row.baseline.name}`;
}

/** "server RSS, 25,000 relationships / 915,000 events loaded" → "server RSS, N relationships / M events loaded". */
function scaleless(name: string): string {
  return name.replace(/[\d,]+ relationships/g, 'N relationships').replace(/[\d,]+ events/g, 'M events');
}

function latency(row: BenchRow): Latency | null {
  const match = /p50 ([\d.]+) ms · p99 ([\d.]+) ms/.exec(row.courtship.detail ?? '');
  return match ? { p50: Number(match[1]), p99: Number(match[2]) } : null;
}

export function formatGrowth(small: BenchReport, large: BenchReport): string {
  const times = (n: number | null) => (n === null ? '' : `${n.toFixed(2)}×`);
  const value = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
  return [
    `Growth from ${small.scale.relationships.toLocaleString('en-US')} to ${large.scale.relationships.toLocaleString('en-US')} relationships`,
    '',
    '| section | measure | small | large | value growth | p50 growth | p99 growth | baseline | baseline growth |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
    ...growth(small, large).map(
      (g) =>
        `| ${g.section} | ${g.name} | ${value(g.small)} ${g.unit} | ${value(g.large)} ${g.unit} | ${times(g.valueGrowth)} | ${times(g.p50Growth)} | ${times(g.p99Growth)} | ${g.baseline} | ${times(g.baselineGrowth)} |`,
    ),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [smallFile, largeFile] = process.argv.slice(2);
  if (!smallFile || !largeFile) {
    process.stderr.write('usage: node dist/bench/growth.js SMALL.json LARGE.json\n');
    process.exit(2);
  }
  const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as BenchReport;
  process.stdout.write(`${formatGrowth(read(smallFile), read(largeFile))}\n`);
}
