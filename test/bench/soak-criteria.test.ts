/** Issue 18's soak criteria, computed from per-minute figures. */
import { describe, expect, it } from 'vitest';
import { attacksRefusedCriterion, hostileP99Criterion, phaseCriteria, type MinuteFigures } from '../../src/bench/soak-criteria.js';

const minute = (n: number, figures: Partial<MinuteFigures> = {}): MinuteFigures => ({
  minute: n,
  phase: 'plain',
  requests: 50_000,
  errors: {},
  p50Ms: 8,
  p99Ms: 30,
  deliveries: 1_000,
  p50ByOperationMs: {},
  relationships: 5_000,
  rssMb: 250,
  heapTotalMb: 80,
  heapUsedMb: 60,
  externalMb: 5,
  liveHeapMb: 50,
  cpu: null,
  snapshot: false,
  ...figures,
});
const verdicts = (minutes: MinuteFigures[]) => Object.fromEntries(phaseCriteria('plain', minutes).map((c) => [c.name.split(' (')[0], c.pass]));
const criterion = (minutes: MinuteFigures[], name: string) => phaseCriteria('plain', minutes).find((c) => c.name.startsWith(name))!;

describe('a plain soak', () => {
  it('names each minute off the median with where the machine\'s CPU went, so a dip can be told the server\'s or the machine\'s', () => {
    const cpu = (otherCores: number) => ({ serverCores: 1.1, loadCores: 0.6, otherCores, stealCores: 0.01 });
    const run = [minute(1), minute(2, { cpu: cpu(0.05) }), minute(3, { cpu: cpu(0.04) }), minute(4, { requests: 38_000, cpu: cpu(0.42) }), minute(5, { cpu: cpu(0.05) })];
    const throughput = criterion(run, 'throughput steady');
    expect(throughput.pass).toBe(false);
    expect(throughput.detail).toContain('minute 4: -24.0 % (CPU cores: server 1.10, load 0.60, other 0.42, steal 0.01)');
    expect(throughput.detail).not.toContain('minute 3:');
  });


  it('passes when throughput, p99 and memory hold after the first minute, whatever the first minute did', () => {
    const run = [minute(1, { requests: 20_000, p99Ms: 200, rssMb: 150 }), minute(2), minute(3, { requests: 46_000, p99Ms: 33 }), minute(4, { rssMb: 270 })];
    expect(verdicts(run)).toEqual({
      'throughput steady': true,
      'p99 steady': true,
      'RSS flat after warm-up': true,
      'live heap flat': true,
      'no errors for the workload clients': true,
    });
  });

  it('fails throughput when it falls from 57.8k to 31.3k requests a minute', () => {
    const run = [57_800, 57_800, 52_000, 45_000, 38_000, 31_300].map((requests, i) => minute(i + 1, { requests }));
    expect(verdicts(run)['throughput steady']).toBe(false);
  });

  it('fails p99 when one minute is 20 % over the median', () => {
    const run = [30, 30, 30, 36, 30].map((p99Ms, i) => minute(i + 1, { p99Ms }));
    expect(verdicts(run)['p99 steady']).toBe(false);
  });

  it('leaves minutes with a heap snapshot out of the steadiness checks', () => {
    const run = [minute(1), minute(2), minute(3, { p99Ms: 3_000, requests: 20_000, snapshot: true }), minute(4)];
    expect(verdicts(run)).toMatchObject({ 'throughput steady': true, 'p99 steady': true });
  });

  it('fails memory when RSS keeps growing: 90 MB from the middle third of the run to the last', () => {
    const run = [200, 240, 250, 270, 290, 310, 340, 345, 350].map((rssMb, i) => minute(i + 1, { rssMb }));
    const memory = criterion(run, 'RSS');
    expect(memory.pass).toBe(false);
    expect(memory.name).toMatch(/peak of minutes 7–9 within 10 % of the peak of minutes 4–6/);
    expect(memory.detail).toMatch(/^310 → 350 MB \(\+12\.9 %\)/);
  });

  it('lets RSS rise during the first third (V8 sizing its heap) and swing between collections', () => {
    const run = [150, 220, 260, 300, 250, 290, 260, 300, 280].map((rssMb, i) => minute(i + 1, { rssMb }));
    expect(criterion(run, 'RSS').pass).toBe(true);
  });

  it('fails when the live heap grows, RSS or not', () => {
    const run = [50, 50, 50, 52, 53, 54, 58, 60, 62].map((liveHeapMb, i) => minute(i + 1, { liveHeapMb }));
    expect(criterion(run, 'live heap').pass).toBe(false);
    expect(criterion(run, 'live heap').detail).toBe('53 → 60 MB (+13.2 %)');
  });

  it('fails on any error of the workload clients', () => {
    const run = [minute(1), minute(2), minute(3, { errors: { INTERNAL_SERVER_ERROR: 1 } })];
    expect(verdicts(run)['no errors for the workload clients']).toBe(false);
  });

  it('leaves errors during a heap snapshot out, saying how many', () => {
    const run = [minute(1), minute(2), minute(3, { errors: { TypeError: 6 }, snapshot: true }), minute(4)];
    const errors = criterion(run, 'no errors');
    expect([errors.pass, errors.detail]).toEqual([true, '0 errors (and 6 in minutes with a heap snapshot, left out)']);
  });

  it('cannot tell steadiness or flatness from a single minute after warm-up', () => {
    expect(verdicts([minute(1), minute(2)])).toMatchObject({ 'throughput steady': false, 'p99 steady': false, 'RSS flat after warm-up': false, 'live heap flat': false });
  });
});

describe('a soak with a hostile client', () => {
  it("passes while the other clients' p99 stays within 3× of the plain phase's", () => {
    expect(hostileP99Criterion({ phase: 'plain', p99Ms: 30 }, { phase: 'hostile', p99Ms: 89 }).pass).toBe(true);
    expect(hostileP99Criterion({ phase: 'plain', p99Ms: 30 }, { phase: 'hostile', p99Ms: 91 }).pass).toBe(false);
  });

  it('fails when an attack was answered with data or failed on the client', () => {
    const refused = new Map([['fragment bomb', new Map([['QUERY_TOO_COMPLEX', 10]])]]);
    expect(attacksRefusedCriterion(refused).pass).toBe(true);
    expect(attacksRefusedCriterion(new Map([...refused, ['funnel', new Map([['accepted', 1]])]])).pass).toBe(false);
    expect(attacksRefusedCriterion(new Map([['oversized frame', new Map([['failed: ECONNRESET', 1]])]])).pass).toBe(false);
  });
});
