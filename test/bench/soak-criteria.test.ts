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
  rssMb: 250,
  heapTotalMb: 80,
  heapUsedMb: 60,
  externalMb: 5,
  snapshot: false,
  ...figures,
});
const verdicts = (minutes: MinuteFigures[]) => Object.fromEntries(phaseCriteria('plain', minutes).map((c) => [c.name.split(' (')[0], c.pass]));

describe('a plain soak', () => {
  it('passes when throughput, p99 and memory hold after the first minute, whatever the first minute did', () => {
    const run = [minute(1, { requests: 20_000, p99Ms: 200, rssMb: 150 }), minute(2), minute(3, { requests: 46_000, p99Ms: 33 }), minute(4, { rssMb: 270 })];
    expect(verdicts(run)).toEqual({ 'throughput steady': true, 'p99 steady': true, 'RSS flat after warm-up': true, 'no errors for the workload clients': true });
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

  it('fails memory when RSS grows 90 MB from minute 2 to the last', () => {
    const run = [240, 250, 280, 310, 340].map((rssMb, i) => minute(i + 1, { rssMb }));
    const memory = phaseCriteria('plain', run).find((c) => c.name.startsWith('RSS'))!;
    expect(memory.pass).toBe(false);
    expect(memory.detail).toMatch(/250 → 340 MB \(\+36\.0 %\), slope 30\.0 MB\/min/);
  });

  it('fails on any error of the workload clients', () => {
    const run = [minute(1), minute(2), minute(3, { errors: { INTERNAL_SERVER_ERROR: 1 } })];
    expect(verdicts(run)['no errors for the workload clients']).toBe(false);
  });

  it('cannot tell steadiness or flatness from a single minute after warm-up', () => {
    expect(verdicts([minute(1), minute(2)])).toMatchObject({ 'throughput steady': false, 'p99 steady': false, 'RSS flat after warm-up': false });
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
