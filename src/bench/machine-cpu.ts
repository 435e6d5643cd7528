/**
 * Where the machine's CPU went during a soak minute: the server, the soak's
 * own load generator, and everything else (other engineers' builds and
 * tests on a shared machine), plus the time the hypervisor stole. A minute
 * that slows while "other" rises was the machine's; one that slows with
 * "other" flat was the server's (issue 18: find the cause of a dip).
 *
 * Read from Linux's /proc (clock ticks); elsewhere every reading is null.
 */
import fs from 'node:fs';

/** Cumulative CPU ticks at one instant. */
export interface CpuReading {
  /** ms from the start of the run. */
  readonly atMs: number;
  /** Every CPU's ticks, busy or idle (all columns of /proc/stat's `cpu` line but guest time, which user time includes). */
  readonly machineTicks: number;
  readonly idleTicks: number;
  readonly stealTicks: number;
  readonly serverTicks: number;
  /** The soak process itself (its load generator and subscribers). */
  readonly loadTicks: number;
  readonly cpus: number;
}

/** Cores (1.0 = one CPU busy for the whole interval) used between two readings. */
export interface CpuShare {
  readonly serverCores: number;
  readonly loadCores: number;
  /** Busy CPU neither the server's nor the soak's: other processes and the kernel's own work. */
  readonly otherCores: number;
  readonly stealCores: number;
}

export function readCpu(atMs: number, serverPid: number): CpuReading | null {
  try {
    const lines = fs.readFileSync('/proc/stat', 'utf8').split('\n');
    const cells = lines[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = cells as [number, number, number, number, number, number, number, number];
    const cpus = lines.filter((l) => /^cpu\d+ /.test(l)).length;
    return {
      atMs,
      machineTicks: user + nice + system + idle + iowait + irq + softirq + steal,
      idleTicks: idle + iowait,
      stealTicks: steal,
      serverTicks: processTicks(`/proc/${serverPid}/stat`),
      loadTicks: processTicks('/proc/self/stat'),
      cpus,
    };
  } catch {
    return null;
  }
}

/** The cores each party used between two readings of the same run. */
export function cpuShare(from: CpuReading, to: CpuReading): CpuShare | null {
  const perCpu = (to.machineTicks - from.machineTicks) / to.cpus;
  if (perCpu <= 0) return null;
  const cores = (ticks: number) => Math.max(0, ticks) / perCpu;
  const busy = to.machineTicks - from.machineTicks - (to.idleTicks - from.idleTicks) - (to.stealTicks - from.stealTicks);
  const server = to.serverTicks - from.serverTicks;
  const load = to.loadTicks - from.loadTicks;
  return {
    serverCores: cores(server),
    loadCores: cores(load),
    otherCores: cores(busy - server - load),
    stealCores: cores(to.stealTicks - from.stealTicks),
  };
}

/** The share over one minute: from the last reading before it (or its first) to its last reading. */
export function minuteCpu(minute: number, readings: readonly CpuReading[]): CpuShare | null {
  const start = (minute - 1) * 60_000;
  const end = minute * 60_000;
  const before = readings.filter((r) => r.atMs < start).at(-1) ?? readings.find((r) => r.atMs < end);
  const last = readings.filter((r) => r.atMs < end).at(-1);
  if (before === undefined || last === undefined || last === before) return null;
  return cpuShare(before, last);
}

/** utime + stime of a process (fields 14 and 15 of /proc/<pid>/stat; the name in field 2 may hold spaces). */
function processTicks(file: string): number {
  const text = fs.readFileSync(file, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  return Number(fields[11]) + Number(fields[12]);
}
