/** The soak's figures: the per-minute table and the criteria, as Markdown and as JSON. */
import { quantile } from './measure.js';
import { minuteCpu, type CpuReading } from './machine-cpu.js';
import type { Criterion, MinuteFigures } from './soak-criteria.js';
import type { MinuteTally } from './soak-load.js';
import type { Phase } from './soak-options.js';

export interface MemorySample {
  /** ms from the start of the run. */
  readonly atMs: number;
  readonly rssMb: number;
  readonly heapTotalMb: number;
  readonly heapUsedMb: number;
  /** Memory V8 knows of outside its heap (Buffers, ArrayBuffers). */
  readonly externalMb: number;
  /** V8's old generation just after the latest full collection; NaN before the first. */
  readonly liveHeapMb: number;
}

/** One minute's figures from its answers and the memory samples taken during it. */
export function minuteFigures(
  minute: number,
  phase: Phase,
  tally: MinuteTally | undefined,
  readings: { readonly memory: readonly MemorySample[]; readonly cpu: readonly CpuReading[] },
  snapshot: boolean,
  relationships: number,
): MinuteFigures {
  const within = readings.memory.filter((s) => s.atMs >= (minute - 1) * 60_000 && s.atMs < minute * 60_000);
  const latencies = tally?.latencies ?? [];
  return {
    minute,
    phase,
    requests: latencies.length,
    errors: Object.fromEntries(tally?.errors ?? []),
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    deliveries: tally?.deliveries ?? 0,
    p50ByOperationMs: Object.fromEntries([...(tally?.byOperation ?? [])].map(([operation, ms]) => [operation, quantile(ms, 0.5)])),
    relationships,
    rssMb: medianOf(within.map((s) => s.rssMb)),
    heapTotalMb: medianOf(within.map((s) => s.heapTotalMb)),
    heapUsedMb: medianOf(within.map((s) => s.heapUsedMb)),
    externalMb: medianOf(within.map((s) => s.externalMb)),
    liveHeapMb: medianOf(within.map((s) => s.liveHeapMb).filter((mb) => !Number.isNaN(mb))),
    cpu: minuteCpu(minute, readings.cpu),
    snapshot,
  };
}

export function minuteTable(minutes: readonly MinuteFigures[]): string[] {
  const lines = [
    '| minute | phase | requests | errors | p50 ms | p99 ms | p50 ms by operation | relationships | subscription deliveries | server RSS MB | V8 heap total / used MB | live heap MB | external MB | CPU cores: server / load / other / steal |',
    '| ---: | --- | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const m of minutes) {
    const errors = Object.entries(m.errors).map(([kind, count]) => `${kind} ${count}`).join(', ') || '0';
    lines.push(
      `| ${m.minute}${m.snapshot ? ' (heap snapshot)' : ''} | ${m.phase} | ${m.requests} | ${errors} | ${m.p50Ms.toFixed(1)} | ${m.p99Ms.toFixed(1)} | ${byOperation(m)} | ${m.relationships} | ${m.deliveries} | ${Math.round(m.rssMb)} | ${Math.round(m.heapTotalMb)} / ${Math.round(m.heapUsedMb)} | ${Math.round(m.liveHeapMb)} | ${Math.round(m.externalMb)} | ${cpuCell(m.cpu)} |`,
    );
  }
  return lines;
}

export function criteriaLines(criteria: readonly Criterion[]): string[] {
  return ['', ...criteria.map((c) => `${c.pass ? 'PASS' : 'FAIL'} [${c.phase}] ${c.name}: ${c.detail}`)];
}

/** The minute's CPU, in cores: the server, the soak's load, everything else, stolen by the hypervisor. */
export function cpuCell(cpu: MinuteFigures['cpu']): string {
  if (cpu === null) return '-';
  return [cpu.serverCores, cpu.loadCores, cpu.otherCores, cpu.stealCores].map((c) => c.toFixed(2)).join(' / ');
}

function byOperation(m: MinuteFigures): string {
  return Object.entries(m.p50ByOperationMs)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([operation, ms]) => `${operation} ${ms.toFixed(1)}`)
    .join(' · ');
}

function medianOf(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return quantile(values, 0.5);
}
