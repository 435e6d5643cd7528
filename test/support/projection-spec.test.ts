/**
 * The projection, events in and rows out (projection-spec.ts), for both
 * ways it is driven: its fold over batches of the log, and the projector
 * following the log. The same stories must hold for each.
 */
import { describe, expect, it } from 'vitest';
import {
  at,
  contractSigned,
  days,
  deadlineReached,
  exclusivityGranted,
  opened,
  prospectInterest,
  vendorCall,
  vendorInterest,
} from './events.js';
import { married } from './fixtures.js';
import { inStream, projectionSpec, theFold, theProjector, type ProjectionUnderTest } from './projection-spec.js';

const PROJECTIONS: [string, () => ProjectionUnderTest][] = [
  ['the fold', theFold],
  ['the projector', theProjector],
];

describe.each(PROJECTIONS)('the projection (%s)', (_, projection) => {
  const spec = () => projectionSpec(projection);

  it('opens a row for a relationship and folds its courtship into it', () =>
    spec()
      .when(inStream('acme', 'r1', [opened('2025-01-02'), vendorInterest('2025-01-03'), prospectInterest('2025-01-05')]))
      .then({ 'acme/r1': { phase: 'DATING', version: 2, accountName: 'Acme Corp' } }));

  it('folds new events onto the row it holds', () =>
    spec()
      .given(inStream('acme', 'r1', married()))
      .when(inStream('acme', 'r1', [vendorCall('2025-05-01')]))
      .then({ 'acme/r1': { phase: 'MARRIED', version: 6, lastVendorActivityAt: at('2025-05-01') } }));

  it('keeps one row per relationship and tenant, the same id in two tenants apart', () =>
    spec()
      .given(inStream('acme', 'r1', married()), inStream('globex', 'r1', [opened('2025-01-02', 'Globex')]))
      .when(inStream('acme', 'r2', [opened('2025-02-01', 'Initech')]))
      .then({
        'acme/r1': { phase: 'MARRIED', accountName: 'Acme Corp' },
        'acme/r2': { phase: 'ATTRACTION', accountName: 'Initech' },
        'globex/r1': { phase: 'ATTRACTION', accountName: 'Globex' },
      }));

  it('announces each phase change the events bring, in order', () =>
    spec()
      .given(inStream('acme', 'r1', [opened('2025-01-02'), vendorInterest('2025-01-03')]))
      .when(inStream('acme', 'r1', [prospectInterest('2025-01-05'), exclusivityGranted('2025-02-01')]))
      .thenChanges([
        { from: 'ATTRACTION', to: 'DATING', at: at('2025-01-05'), retracted: false, correctedBy: null },
        { from: 'DATING', to: 'EXCLUSIVE', at: at('2025-02-01'), retracted: false, correctedBy: null },
      ]));

  it('re-folds the story when a late fact lands, taking back what no longer holds', () =>
    spec()
      .given(inStream('acme', 'r1', married({ exclusivity: null })))
      .when(inStream('acme', 'r1', [exclusivityGranted('2025-02-01')]))
      .thenChanges([
        { from: 'DATING', to: 'PROPOSED', retracted: true, correctedBy: expect.objectContaining({ eventType: 'ExclusivityGranted', revision: 5 }) },
        { from: 'PROPOSED', to: 'MARRIED', retracted: true },
        { from: 'DATING', to: 'EXCLUSIVE', at: at('2025-02-01'), retracted: false },
        { from: 'EXCLUSIVE', to: 'PROPOSED', retracted: false },
        { from: 'PROPOSED', to: 'MARRIED', at: at('2025-04-01'), retracted: false },
      ]));

  it('applies a deadline when it is recorded, not before', async () => {
    const neglectDue = at('2025-04-01') + days(60);
    await spec()
      .when(inStream('acme', 'r1', married()))
      .then({ 'acme/r1': { phase: 'MARRIED' } });
    await spec()
      .given(inStream('acme', 'r1', married()))
      .when(inStream('acme', 'r1', [deadlineReached('NEGLECT', neglectDue)]))
      .then({ 'acme/r1': { phase: 'NEGLECTED', version: 6 } });
  });
});

describe('the projection, given its batches', () => {
  const spec = () => projectionSpec(theFold);

  it('changes nothing when a batch is delivered again', () =>
    spec()
      .given(inStream('acme', 'r1', married()))
      .when(inStream('acme', 'r1', [vendorCall('2025-05-01')]), { times: 2 })
      .then({ 'acme/r1': { phase: 'MARRIED', version: 6, vendorTouchpoints: [{ at: at('2025-05-01'), channel: 'CALL' }] } }));

  it('ends the same whether the events come one per batch or all at once', async () => {
    const courtship = inStream('acme', 'r1', married());
    const oneByOne = await spec().when(courtship, { batchSize: 1 }).run();
    const atOnce = await spec().when(courtship).run();
    expect(oneByOne.rows['acme/r1']!.state).toEqual(atOnce.rows['acme/r1']!.state);
    expect(oneByOne.changes).toEqual(atOnce.changes);
  });
});

describe('a projection spec', () => {
  const signed = () => projectionSpec(theFold).when(inStream('acme', 'r1', married()));

  it('fails when a row is not as expected', async () => {
    await expect(signed().then({ 'acme/r1': { phase: 'EXCLUSIVE' } })).rejects.toThrow();
  });

  it('fails when the projection holds a row the spec did not expect, or lacks one it did', async () => {
    await expect(signed().then({})).rejects.toThrow();
    await expect(signed().then({ 'acme/r1': { phase: 'MARRIED' }, 'acme/r2': {} })).rejects.toThrow();
  });

  it('fails when the phase changes differ in number or in order', async () => {
    const courtship = projectionSpec(theFold).when(
      inStream('acme', 'r1', [opened('2025-01-02'), vendorInterest('2025-01-03'), prospectInterest('2025-01-05'), exclusivityGranted('2025-02-01')]),
    );
    await expect(courtship.thenChanges([{ to: 'DATING' }])).rejects.toThrow();
    await expect(courtship.thenChanges([{ to: 'EXCLUSIVE' }, { to: 'DATING' }])).rejects.toThrow();
    await courtship.thenChanges([{ to: 'DATING' }, { to: 'EXCLUSIVE' }]);
  });

  it('refuses batches or redeliveries for a projection that reads the log itself', async () => {
    const courtship = inStream('acme', 'r1', married());
    await expect(projectionSpec(theProjector).when(courtship, { times: 2 }).run()).rejects.toThrow(/reads the log itself/);
    await expect(projectionSpec(theProjector).when(courtship, { batchSize: 1 }).run()).rejects.toThrow(/reads the log itself/);
  });

  it('records the events as they are, without deciding them (a contract without a proposal is folded)', () =>
    projectionSpec(theFold)
      .when(inStream('acme', 'r1', [opened('2025-01-02'), contractSigned('c1', '2025-01-03')]))
      .run()
      .then((outcome) => expect(outcome.rows['acme/r1']!.state.version).toBe(1)));
});
