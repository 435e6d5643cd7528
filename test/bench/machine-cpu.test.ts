/** Where a soak minute's CPU went, from cumulative /proc tick counts. */
import { describe, expect, it } from 'vitest';
import { cpuShare, minuteCpu, readCpu, type CpuReading } from '../../src/bench/machine-cpu.js';

const reading = (atMs: number, ticks: Partial<CpuReading>): CpuReading => ({
  atMs,
  machineTicks: 0,
  idleTicks: 0,
  stealTicks: 0,
  serverTicks: 0,
  loadTicks: 0,
  cpus: 2,
  ...ticks,
});

describe('the CPU of a soak minute', () => {
  it('splits the busy cores between the server, the load, the rest and the hypervisor', () => {
    // Two CPUs for 10 s at 100 ticks/s: 2,000 ticks; 300 idle, 100 stolen, 900 the server's, 500 the load's, 200 someone else's.
    const from = reading(0, { machineTicks: 10_000, idleTicks: 4_000, stealTicks: 50, serverTicks: 1_000, loadTicks: 700 });
    const to = reading(10_000, { machineTicks: 12_000, idleTicks: 4_300, stealTicks: 150, serverTicks: 1_900, loadTicks: 1_200 });
    const share = cpuShare(from, to)!;
    expect(share.serverCores).toBeCloseTo(0.9);
    expect(share.loadCores).toBeCloseTo(0.5);
    expect(share.otherCores).toBeCloseTo(0.2);
    expect(share.stealCores).toBeCloseTo(0.1);
  });

  it('takes a minute from the last reading before it to its last reading', () => {
    const readings = [0, 55_000, 65_000, 115_000, 125_000].map((atMs, k) =>
      reading(atMs, { machineTicks: k * 1_000, idleTicks: k * 500, serverTicks: atMs < 60_000 ? k * 100 : k * 400 }),
    );
    // Minute 2 runs from the reading at 55 s to the one at 115 s: 2,000 ticks on two CPUs, the server 1,100 of them (100 → 1,200).
    expect(minuteCpu(2, readings)!.serverCores).toBeCloseTo(1.1);
    expect(minuteCpu(4, readings)).toBeNull();
  });

  it('reads this machine when it has /proc', () => {
    const now = readCpu(0, process.pid);
    if (now === null) return expect(process.platform).not.toBe('linux');
    expect(now.cpus).toBeGreaterThan(0);
    expect(now.loadTicks).toBe(now.serverTicks);
  });
});
