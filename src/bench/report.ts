/**
 * The report: every figure next to a baseline measured in the same run, as a
 * ratio, with the goal it answers to. Printed as Markdown and written to
 * bench/results.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Figure {
  readonly value: number;
  readonly unit: string;
  /** Shown after the value, e.g. "p50 1.2 ms · p99 8.1 ms". */
  readonly detail?: string;
}

export interface Goal {
  readonly text: string;
  readonly met: boolean;
}

export interface BenchRow {
  readonly section: string;
  readonly name: string;
  readonly courtship: Figure;
  readonly baseline: Figure & { readonly name: string };
  readonly goal?: Goal;
  /** Scale or method caveats, e.g. "extrapolated from 20k relationships". */
  readonly note?: string;
}

export interface BenchReport {
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: Machine;
  /** quick: sized in events (--events); relationships: --relationships N below full; full: 100k relationships. */
  readonly scale: { readonly mode: 'quick' | 'relationships' | 'full'; readonly events: number; readonly relationships: number };
  readonly rows: readonly BenchRow[];
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly platform: string;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
}

/** Courtship's figure over the baseline's (for rates: higher is better; for latencies and memory: lower is). */
export function ratio(row: BenchRow): number {
  return row.courtship.value / row.baseline.value;
}

export function formatReport(report: BenchReport): string {
  const m = report.machine;
  const lines = [
    `Scale: ${report.scale.mode}, ${fmt(report.scale.events)} events in ${fmt(report.scale.relationships)} relationships. ` +
      `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}, ${m.platform}. Run took ${Math.round(report.durationSeconds)} s.`,
    '',
    '| section | measure | Courtship | baseline (same run) | ratio | goal |',
    '| --- | --- | ---: | ---: | ---: | --- |',
    ...report.rows.map(formatRow),
  ];
  const notes = report.rows.filter((r) => r.note);
  if (notes.length > 0) lines.push('', ...notes.map((r) => `- ${r.section} / ${r.name}: ${r.note}`));
  return lines.join('\n');
}

function formatRow(row: BenchRow): string {
  const goal = row.goal ? `${row.goal.met ? 'met' : '**missed**'}: ${row.goal.text}` : '';
  return `| ${row.section} | ${row.name} | ${figure(row.courtship)} | ${row.baseline.name}: ${figure(row.baseline)} | ${ratio(row).toFixed(2)}× | ${goal} |`;
}

function figure(f: Figure): string {
  const value = f.value >= 100 ? fmt(f.value) : f.value.toFixed(f.value >= 10 ? 1 : 2);
  return `${value} ${f.unit}${f.detail ? ` (${f.detail})` : ''}`;
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function writeReport(file: string, report: BenchReport): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const rows = report.rows.map((row) => ({ ...row, ratio: ratio(row) }));
  fs.writeFileSync(file, `${JSON.stringify({ ...report, rows }, null, 2)}\n`);
}
