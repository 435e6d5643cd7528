/**
 * Issue 18's "done when" for `npm run soak`, computed from the per-minute
 * figures of a run:
 *
 * - steady throughput and p99: every minute from the phase's second to its
 *   last within 15 % of the median of those minutes (minute 1 is warm-up;
 *   minutes in which the server wrote a heap snapshot are left out: the
 *   snapshot stops it for seconds);
 * - flat memory: the phase's first third is warm-up; the peak RSS of its
 *   last third within 10 % of its middle third's, and the same for the live
 *   heap (V8's old generation after a full collection, the measure a leak
 *   moves; RSS also follows V8's sizing of its heap);
 * - no error for the workload's clients;
 * - with a hostile client (--compare): the other clients' p99 within 3× of
 *   the plain phase's, no error for them, memory flat, every attack refused.
 */
import type { CpuShare } from './machine-cpu.js';
import type { Phase } from './soak-options.js';

export const STEADY_TOLERANCE = 0.15;
export const MEMORY_TOLERANCE = 0.1;
export const HOSTILE_P99_FACTOR = 3;

export interface MinuteFigures {
  /** 1-based, from the start of the run. */
  readonly minute: number;
  readonly phase: Phase;
  readonly requests: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly deliveries: number;
  /** p50 of each operation (relationship, asOf, list, append), in ms. */
  readonly p50ByOperationMs: Readonly<Record<string, number>>;
  /** Relationships in the log at the end of the minute (the writers open new ones). */
  readonly relationships: number;
  /** Median of the minute's samples of the server's RSS, in MB. */
  readonly rssMb: number;
  /** Medians of the minute's samples of the server's V8 heap (reserved and in use) and external memory, in MB. */
  readonly heapTotalMb: number;
  readonly heapUsedMb: number;
  readonly externalMb: number;
  /** Median of the minute's samples of V8's old generation just after a full collection (child-memory.ts), in MB. */
  readonly liveHeapMb: number;
  /** Where the machine's CPU went during the minute (machine-cpu.ts); null where /proc cannot tell. */
  readonly cpu: CpuShare | null;
  /** The server wrote a heap snapshot during this minute. */
  readonly snapshot: boolean;
}

export interface PhaseLatency {
  readonly phase: Phase;
  /** p99 of every request of the phase after its first minute, in ms. */
  readonly p99Ms: number;
}

export interface Criterion {
  readonly phase: Phase;
  readonly name: string;
  readonly pass: boolean;
  readonly detail: string;
}

/** The criteria of one phase's minutes (in order, the phase's first minute first). */
export function phaseCriteria(phase: Phase, minutes: readonly MinuteFigures[]): Criterion[] {
  const afterWarmUp = minutes.slice(1);
  const measured = afterWarmUp.filter((m) => !m.snapshot);
  const span = `minutes ${afterWarmUp[0]?.minute ?? '-'}–${afterWarmUp.at(-1)?.minute ?? '-'}`;
  const errorsIn = (ms: readonly MinuteFigures[]) => ms.reduce((n, m) => n + Object.values(m.errors).reduce((a, b) => a + b, 0), 0);
  const errors = errorsIn(minutes.filter((m) => !m.snapshot));
  // A heap snapshot stops the server for seconds: keep-alive sockets it closes meanwhile fail requests, pings go unanswered.
  const duringSnapshots = errorsIn(minutes.filter((m) => m.snapshot));
  return [
    steady(phase, `throughput steady (${span} within ${pct(STEADY_TOLERANCE)} of their median)`, measured, (m) => m.requests, 'req/min'),
    steady(phase, `p99 steady (${span} within ${pct(STEADY_TOLERANCE)} of their median)`, measured, (m) => m.p99Ms, 'ms'),
    ...flatMemory(phase, minutes),
    {
      phase,
      name: 'no errors for the workload clients',
      pass: errors === 0,
      detail: `${errors} errors${duringSnapshots > 0 ? ` (and ${duringSnapshots} in minutes with a heap snapshot, left out)` : ''}`,
    },
  ];
}

/** The hostile phase against the plain one: the other clients' p99 within 3×. */
export function hostileP99Criterion(plain: PhaseLatency, hostile: PhaseLatency): Criterion {
  const ratio = hostile.p99Ms / plain.p99Ms;
  return {
    phase: 'hostile',
    name: `other clients' p99 within ${HOSTILE_P99_FACTOR}× of the plain phase's`,
    pass: ratio <= HOSTILE_P99_FACTOR,
    detail: `${hostile.p99Ms.toFixed(1)} ms vs ${plain.p99Ms.toFixed(1)} ms (${ratio.toFixed(2)}×)`,
  };
}

/** Every hostile attack refused: none answered with data, none failing on the client's side. */
export function attacksRefusedCriterion(outcomes: ReadonlyMap<string, ReadonlyMap<string, number>>): Criterion {
  const bad: string[] = [];
  let total = 0;
  for (const [attack, answers] of outcomes) {
    for (const [outcome, count] of answers) {
      total += count;
      if (outcome === 'accepted' || outcome.startsWith('failed')) bad.push(`${attack}: ${outcome} ×${count}`);
    }
  }
  return { phase: 'hostile', name: 'every hostile attack refused', pass: bad.length === 0 && total > 0, detail: bad.join('; ') || `${total} attacks, all refused` };
}

function steady(phase: Phase, name: string, minutes: readonly MinuteFigures[], valueOf: (m: MinuteFigures) => number, unit: string): Criterion {
  const values = minutes.map(valueOf);
  if (values.length < 2) return { phase, name, pass: false, detail: 'too few minutes to tell (run at least 3)' };
  const mid = median(values);
  const worst = values.reduce((w, v) => (Math.abs(v - mid) > Math.abs(w - mid) ? v : w), mid);
  const deviation = (worst - mid) / mid;
  // Each minute off the tolerance, with where the machine's CPU went in it: a dip while other processes took a core is the machine's.
  const off = minutes
    .filter((m) => Math.abs((valueOf(m) - mid) / mid) > STEADY_TOLERANCE)
    .map((m) => `minute ${m.minute}: ${signedPct((valueOf(m) - mid) / mid)}${m.cpu ? ` (${cpuText(m.cpu)})` : ''}`);
  return {
    phase,
    name,
    pass: Math.abs(deviation) <= STEADY_TOLERANCE,
    detail:
      `median ${round(mid)} ${unit}, range ${round(Math.min(...values))}–${round(Math.max(...values))}, worst ${signedPct(deviation)}` +
      (off.length > 0 ? `; ${off.join('; ')}` : ''),
  };
}

function cpuText(cpu: CpuShare): string {
  const f = (n: number) => n.toFixed(2);
  return `CPU cores: server ${f(cpu.serverCores)}, load ${f(cpu.loadCores)}, other ${f(cpu.otherCores)}, steal ${f(cpu.stealCores)}`;
}

/**
 * Memory after warm-up: the phase's first third is warm-up (V8 sizes its
 * heap for the load over minutes, not seconds); the last third is compared
 * with the middle one. RSS by its peaks, since V8 lets garbage pile up
 * between full collections; the live heap by its median.
 */
function flatMemory(phase: Phase, minutes: readonly MinuteFigures[]): Criterion[] {
  const third = Math.floor(minutes.length / 3);
  const middle = minutes.slice(third, 2 * third);
  const last = minutes.slice(2 * third);
  const span = (ms: readonly MinuteFigures[]) => (ms.length > 1 ? `minutes ${ms[0]!.minute}–${ms.at(-1)!.minute}` : `minute ${ms[0]?.minute ?? '-'}`);
  const rssName = `RSS flat after warm-up (peak of ${span(last)} within ${pct(MEMORY_TOLERANCE)} of the peak of ${span(middle)})`;
  const liveName = `live heap flat (old generation after a full GC, median of ${span(last)} within ${pct(MEMORY_TOLERANCE)} of ${span(middle)})`;
  if (middle.length === 0 || last.length === 0) {
    const detail = 'too few minutes to tell (run at least 3)';
    return [
      { phase, name: rssName, pass: false, detail },
      { phase, name: liveName, pass: false, detail },
    ];
  }
  const rss = [Math.max(...middle.map((m) => m.rssMb)), Math.max(...last.map((m) => m.rssMb))] as const;
  const live = [median(middle.map((m) => m.liveHeapMb)), median(last.map((m) => m.liveHeapMb))] as const;
  const growth = (pair: readonly [number, number]) => (pair[1] - pair[0]) / pair[0];
  const slope = slopePerMinute(minutes.slice(third).map((m) => m.rssMb));
  return [
    {
      phase,
      name: rssName,
      pass: growth(rss) <= MEMORY_TOLERANCE,
      detail: `${round(rss[0])} → ${round(rss[1])} MB (${signedPct(growth(rss))}); slope after warm-up ${slope.toFixed(1)} MB/min`,
    },
    {
      phase,
      name: liveName,
      pass: growth(live) <= MEMORY_TOLERANCE,
      detail: `${round(live[0])} → ${round(live[1])} MB (${signedPct(growth(live))})`,
    },
  ];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Least-squares slope of equally spaced samples, per step. */
function slopePerMinute(values: readonly number[]): number {
  const n = values.length;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return den === 0 ? 0 : num / den;
}

const round = (n: number): number => Math.round(n * 10) / 10;
const pct = (f: number): string => `${Math.round(f * 100)} %`;
const signedPct = (f: number): string => `${f >= 0 ? '+' : ''}${(f * 100).toFixed(1)} %`;
