/** Timing, percentiles and memory helpers shared by the bench sections. */
import fs from 'node:fs';

/** Events (or operations) per second of `run`, which handles `count` of them. */
export async function rate(count: number, run: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return count / secondsSince(start);
}

export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** The q-quantile (0..1) of samples, nearest-rank. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function mb(bytes: number): number {
  return bytes / 2 ** 20;
}

/** Peak resident set size of a live process so far (Linux: VmHWM), in bytes; null where unknown. */
export function peakRssOf(pid: number): number | null {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Current resident set size of a live process (Linux: VmRSS), in bytes; null where unknown. */
export function rssOf(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** A pair measured in one round of `alternateRounds`, with its ratio (subject over baseline; higher is better). */
export interface RoundPair<B, S> {
  readonly baseline: B;
  readonly subject: S;
  readonly ratio: number;
}

/**
 * `rounds` rounds of the baseline then the subject, back to back, so that both
 * see the same machine noise; returns every round, in order, and the round
 * whose ratio is the median one (the lower middle for an even count).
 */
export async function alternateRounds<B, S>(
  rounds: number,
  baseline: (round: number) => Promise<B>,
  subject: (round: number) => Promise<S>,
  ratio: (baseline: B, subject: S) => number,
): Promise<{ median: RoundPair<B, S>; rounds: RoundPair<B, S>[] }> {
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`alternateRounds: rounds must be a positive integer, got ${rounds}`);
  const pairs: RoundPair<B, S>[] = [];
  for (let round = 0; round < rounds; round++) {
    const b = await baseline(round);
    const s = await subject(round);
    pairs.push({ baseline: b, subject: s, ratio: ratio(b, s) });
  }
  const median = [...pairs].sort((x, y) => x.ratio - y.ratio)[Math.floor((rounds - 1) / 2)]!;
  return { median, rounds: pairs };
}
