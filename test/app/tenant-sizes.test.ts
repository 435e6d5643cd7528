import { afterEach, describe, expect, it } from 'vitest';
import { TenantSizes } from '../../src/app/tenant-sizes.js';
import { recordGenerated } from '../support/record.js';
import { Workspace } from '../support/workspace.js';

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.cleanup();
  ws = undefined;
});

describe("a tenant's size, as the cost limit reads it", () => {
  it("is the read side's count of the tenant's relationships, other tenants' left out", async () => {
    // Given two tenants' generated relationships, projected.
    ws = new Workspace();
    await recordGenerated(ws.store, 'acme', 12);
    await recordGenerated(ws.store, 'globex', 3, 11);
    const projector = ws.projector();
    projector.start();
    await projector.catchUp();

    // When the sizes are asked for, then each tenant has its own count, and a tenant without any none.
    const sizes = new TenantSizes(projector);
    expect(sizes.of('acme')).toBe(12);
    expect(sizes.of('globex')).toBe(3);
    expect(sizes.of('initech')).toBe(0);
  });

  it('is counted once per tenant within its time to live, and again after', () => {
    // Given a read side that counts how often it is asked, and a clock the test moves.
    let counted = 0;
    let relationships = 100;
    const readSide = {
      relationshipCount: () => {
        counted += 1;
        return relationships;
      },
    };
    let now = 0;
    const sizes = new TenantSizes(readSide, 5_000, () => now);

    // When a burst of requests asks within the time to live, then one count answers them all.
    expect(sizes.of('acme')).toBe(100);
    relationships = 150;
    now = 4_999;
    expect(sizes.of('acme')).toBe(100);
    expect(counted).toBe(1);

    // Another tenant is counted on its own.
    expect(sizes.of('globex')).toBe(150);
    expect(counted).toBe(2);

    // Once the time to live has passed, the tenant is counted again.
    now = 5_000;
    expect(sizes.of('acme')).toBe(150);
    expect(counted).toBe(3);
  });
});
