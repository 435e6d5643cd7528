/**
 * No request waits behind a heavy read (issue 14): the server runs read tasks
 * on worker threads, so `relationship(id)` and `/healthz` are answered while
 * one runs; and a shutdown does not wait for it. The heavy read is a test
 * task held until the test releases it (test/projections/read-tasks/): on the
 * request thread (COURTSHIP_READ_WORKERS=0) it would hold every request.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ReadTasksClosedError } from '../../src/app/errors.js';
import { heldUntilReleased } from '../projections/read-tasks/tasks.fixture.js';
import { datingEvents } from './support/courtship.js';
import { APPEND, gqlOk } from './support/gql.js';
import { startServer, type E2EServer } from './support/server.js';
import { gate } from '../support/gate.js';

let server: E2EServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a heavy read on the read workers', () => {
  it('lets relationship(id) and /healthz be answered while it runs', async () => {
    // Given a server with a read worker and a relationship
    server = await startServer({ env: { COURTSHIP_READ_WORKERS: '1' } });
    const token = server.token('acme');
    await gqlOk(server.url, token, APPEND, { id: 'initech', events: datingEvents('Initech', 'ENTERPRISE') });
    // And a heavy read under way, held until released
    const { cell, release } = gate();
    let settled = false;
    const heavy = server.app.projector.readTasks.run(heldUntilReleased, { gate: cell, maxMs: 20_000 }).finally(() => (settled = true));
    // When a frontend asks for one relationship, and the orchestrator for health
    const { relationship } = await gqlOk(server.url, token, '{ relationship(id: "initech") { phase version } }');
    const health = await fetch(new URL('/healthz', server.url));
    // Then both are answered while the heavy read still runs
    expect(relationship).toMatchObject({ phase: 'DATING' });
    expect(health.status).toBe(200);
    expect(settled).toBe(false);
    release();
    expect(await heavy).toBe('released');
  });

  it('does not hold up a shutdown: the read under way fails as the server closes', async () => {
    server = await startServer({ env: { COURTSHIP_READ_WORKERS: '1' } });
    const { cell } = gate();
    const heavy = server.app.projector.readTasks.run(heldUntilReleased, { gate: cell, maxMs: 60_000 }).catch((error: unknown) => error);
    await server.close();
    expect(await heavy).toBeInstanceOf(ReadTasksClosedError);
  });
});
