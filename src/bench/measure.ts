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
