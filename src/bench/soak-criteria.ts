/**
 * Issue 18's "done when" for `npm run soak`, computed from the per-minute
 * figures of a run:
 *
 * - steady throughput and p99: every minute from the phase's second to its
 *   last within 15 % of the median of those minutes (minute 1 is warm-up;
 *   minutes in which the server wrote a heap snapshot are left out: the
 *   snapshot stops it for seconds);
 * - flat memory: the server's RSS at the phase's last minute within 10 % of
 *   its second minute's (each minute's RSS is the median of its samples, so
 *   one garbage collection does not decide);
 * - no error for the workload's clients;
 * - with a hostile client (--compare): the other clients' p99 within 3× of
 *   the plain phase's, no error for them, memory flat, every attack refused.
 */
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
  /** Median of the minute's samples of the server's RSS, in MB. */
  readonly rssMb: number;
  /** Medians of the minute's samples of the server's V8 heap (reserved and in use) and external memory, in MB. */
  readonly heapTotalMb: number;
  readonly heapUsedMb: number;
  readonly externalMb: number;
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
  const errors = minutes.reduce((n, m) => n + Object.values(m.errors).reduce((a, b) => a + b, 0), 0);
  return [
    steady(phase, `throughput steady (${span} within ${pct(STEADY_TOLERANCE)} of their median)`, measured.map((m) => m.requests), 'req/min'),
    steady(phase, `p99 steady (${span} within ${pct(STEADY_TOLERANCE)} of their median)`, measured.map((m) => m.p99Ms), 'ms'),
    flatMemory(phase, afterWarmUp),
    { phase, name: 'no errors for the workload clients', pass: errors === 0, detail: `${errors} errors` },
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

function steady(phase: Phase, name: string, values: readonly number[], unit: string): Criterion {
  if (values.length < 2) return { phase, name, pass: false, detail: 'too few minutes to tell (run at least 3)' };
  const mid = median(values);
  const worst = values.reduce((w, v) => (Math.abs(v - mid) > Math.abs(w - mid) ? v : w), mid);
  const deviation = (worst - mid) / mid;
  return {
    phase,
    name,
    pass: Math.abs(deviation) <= STEADY_TOLERANCE,
    detail: `median ${round(mid)} ${unit}, range ${round(Math.min(...values))}–${round(Math.max(...values))}, worst ${signedPct(deviation)}`,
  };
}

function flatMemory(phase: Phase, minutes: readonly MinuteFigures[]): Criterion {
  const name = `RSS flat after warm-up (last minute within ${pct(MEMORY_TOLERANCE)} of minute ${minutes[0]?.minute ?? '-'})`;
  const first = minutes[0];
  const last = minutes.at(-1);
  if (first === undefined || last === undefined || minutes.length < 2) return { phase, name, pass: false, detail: 'too few minutes to tell (run at least 3)' };
  const growth = (last.rssMb - first.rssMb) / first.rssMb;
  const heapGrowth = last.heapUsedMb - first.heapUsedMb;
  return {
    phase,
    name,
    pass: growth <= MEMORY_TOLERANCE,
    detail:
      `${round(first.rssMb)} → ${round(last.rssMb)} MB (${signedPct(growth)}), slope ${slopePerMinute(minutes.map((m) => m.rssMb)).toFixed(1)} MB/min; ` +
      `V8 heap ${round(first.heapUsedMb)} → ${round(last.heapUsedMb)} MB (${heapGrowth >= 0 ? '+' : ''}${round(heapGrowth)})`,
  };
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
