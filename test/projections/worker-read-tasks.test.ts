/**
 * Read tasks on worker threads (src/projections/worker-read-task-runner.ts):
 * a held task does not hold this thread, a full queue and a spent budget give
 * coded errors, a task sees every write committed before it was sent, and a
 * rebuild's file swap is followed. The tasks are in tasks.fixture.js; the
 * worker runs the build (dist/), so this file is in the `int` tier.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError, ReadTasksBusyError, ReadTasksClosedError, ReadTaskTimeoutError } from '../../src/app/errors.js';
import { READ_MODEL_FILE_NAME } from '../../src/projections/read-model-schema.js';
import { defaultReadWorkers, WorkerReadTaskRunner, type ReadTaskLimits } from '../../src/projections/worker-read-task-runner.js';
import { days, opened, prospectInterest, T0 } from '../support/events.js';
import { record } from '../support/record.js';
import { Workspace } from '../support/workspace.js';
import { checkpointSeen, drawn, failing, heldUntilReleased, labelled, refusingInput } from './read-tasks/tasks.fixture.js';
import { gate } from '../support/gate.js';

let ws: Workspace;
afterEach(async () => ws?.cleanup());

/** A projector on worker read tasks, with one relationship recorded and applied; returns it and the position. */
async function projectorOnWorkers(limits: Partial<ReadTaskLimits> = { workers: 1 }) {
  ws = new Workspace();
  const projector = ws.projector('main', { readTasks: limits });
  projector.start();
  const position = await record(ws.store, 't1', 'r1', [opened(T0)]);
  await projector.waitFor(position);
  return { projector, position };
}

/** A runner on a read-model file of its own (made by a projector). */
async function runnerOnWorkers(limits: Partial<ReadTaskLimits>): Promise<WorkerReadTaskRunner> {
  const { projector } = await projectorOnWorkers({ workers: 0 });
  const runner = new WorkerReadTaskRunner(path.join(ws.readModelDir('main'), READ_MODEL_FILE_NAME), limits);
  ws.onCleanup(() => runner.close());
  void projector;
  return runner;
}

describe('a heavy read on a worker thread', () => {
  it('leaves this thread free while it runs', async () => {
    const runner = await runnerOnWorkers({ workers: 1 });
    const { cell, release } = gate();
    // Given a task held on the worker until this thread releases it (on this thread it would wait out maxMs)
    const held = runner.run(heldUntilReleased, { gate: cell, maxMs: 20_000 });
    // When this thread goes on with its work and then releases it
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    // Then the task saw the release, not its own time running out
    expect(await held).toBe('released');
  });

  it('reads every write committed before it was sent, on a connection it keeps', async () => {
    // Given a projector whose read tasks run on a worker, which has already read once
    const { projector, position } = await projectorOnWorkers();
    expect(await projector.readTasks.run(checkpointSeen, {})).toBe(position);
    // When more is written and applied
    const later = await record(ws.store, 't1', 'r1', [prospectInterest(T0 + days(1))]);
    await projector.waitFor(later);
    // Then a task sent now sees it
    expect(await projector.readTasks.run(checkpointSeen, {})).toBe(later);
  });

  it('gives back bad input as the same InputError, and a bug as an error with its message', async () => {
    const runner = await runnerOnWorkers({ workers: 1 });
    const refused = await runner.run(refusingInput, { field: 'asOf' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InputError);
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', field: 'asOf', reason: 'IN_THE_FUTURE', message: 'asOf must be a past instant' });
    const bug = await runner.run(failing, {}).catch((error: unknown) => error);
    expect(bug).not.toBeInstanceOf(InputError);
    expect(bug).toMatchObject({ name: 'TypeError', message: 'no such column: oops' });
  });
});

describe('the bounds on heavy reads', () => {
  it('refuses a task past the queue with SERVICE_BUSY and a retry hint, at once', async () => {
    // Given one worker busy and one task waiting, with room for one
    const runner = await runnerOnWorkers({ workers: 1, maxQueued: 1 });
    const { cell, release } = gate();
    const running = runner.run(heldUntilReleased, { gate: cell, maxMs: 20_000 });
    const waiting = runner.run(heldUntilReleased, { gate: cell, maxMs: 20_000 });
    // When one more arrives
    const refused = await runner.run(checkpointSeen, {}).catch((error: unknown) => error);
    // Then it is refused, while the others still run once released
    expect(refused).toBeInstanceOf(ReadTasksBusyError);
    expect(refused).toMatchObject({ code: 'SERVICE_BUSY', limit: 1 });
    expect((refused as ReadTasksBusyError).retryAfterMs).toBeGreaterThan(0);
    release();
    expect(await Promise.all([running, waiting])).toEqual(['released', 'released']);
  });

  it('keeps room in the queue for other tenants: one tenant may hold half of it', async () => {
    // Given the one worker busy, and tenant A holding two of the four places of the queue
    const runner = await runnerOnWorkers({ workers: 1, maxQueued: 4 });
    const { cell, release } = gate();
    const running = runner.run(heldUntilReleased, { gate: cell, maxMs: 20_000 });
    const waitingA = [runner.run(labelled, { tenant: 'A', label: 'A1' }), runner.run(labelled, { tenant: 'A', label: 'A2' })];
    // When A sends one more, and then B sends one
    const refusedA = await runner.run(labelled, { tenant: 'A', label: 'A3' }).catch((error: unknown) => error);
    const waitingB = runner.run(labelled, { tenant: 'B', label: 'B1' });
    // Then A's is refused with SERVICE_BUSY, and B's waits its turn and runs
    expect(refusedA).toMatchObject({ code: 'SERVICE_BUSY', limit: 2 });
    release();
    expect(await running).toBe('released');
    expect(await Promise.all([...waitingA, waitingB])).toEqual(['A1', 'A2', 'B1']);
  });

  it('takes waiting tasks in turn across tenants, so one tenant\'s backlog does not delay another', async () => {
    // Given the one worker busy, three of A's tasks waiting and then one of B's
    const runner = await runnerOnWorkers({ workers: 1, maxQueued: 8 });
    const { cell, release } = gate();
    const running = runner.run(heldUntilReleased, { gate: cell, maxMs: 20_000 });
    const order: string[] = [];
    const sent = [['A', 'A1'], ['A', 'A2'], ['A', 'A3'], ['B', 'B1']].map(([tenant, label]) =>
      runner.run(labelled, { tenant: tenant!, label: label! }).then((answer) => order.push(answer)),
    );
    // When the worker is free again
    release();
    await running;
    await Promise.all(sent);
    // Then B's task ran second, not after A's backlog
    expect(order).toEqual(['A1', 'B1', 'A2', 'A3']);
  });

  it('answers the same task asked again while it waits with one run, each caller with a copy of its own', async () => {
    // Given the one worker busy and a queue with room for one task
    const runner = await runnerOnWorkers({ workers: 1, maxQueued: 1 });
    const { cell, release } = gate();
    const running = runner.run(heldUntilReleased, { gate: cell, maxMs: 20_000 });
    // When the same task is asked three times while the first waits, and a different one once
    const same = [1, 2, 3].map(() => runner.run(drawn, { tenant: 'A', page: 1 }));
    const other = await runner.run(drawn, { tenant: 'A', page: 2 }).catch((error: unknown) => error);
    // Then the copies took no place in the queue (the different task found it full)
    expect(other).toMatchObject({ code: 'SERVICE_BUSY' });
    release();
    await running;
    // And all three got the one run's answer, in objects of their own
    const answers = await Promise.all(same);
    expect(new Set(answers.map((a) => a.value)).size).toBe(1);
    expect(answers[0]).not.toBe(answers[1]);
    // And the same task asked once that run is over runs again
    expect((await runner.run(drawn, { tenant: 'A', page: 1 })).value).not.toBe(answers[0]!.value);
  });

  it('stops a task past its budget with QUERY_TIMEOUT, and the next task runs on a fresh thread', async () => {
    // Given a budget far shorter than a task that is never released
    const runner = await runnerOnWorkers({ workers: 1, timeoutMs: 300 });
    const { cell } = gate();
    const running = runner.run(heldUntilReleased, { gate: cell, maxMs: 60_000 }).catch((error: unknown) => error);
    const waiting = runner.run(checkpointSeen, {}).catch((error: unknown) => error);
    // Then both the running task and the one waiting behind it time out
    expect(await running).toBeInstanceOf(ReadTaskTimeoutError);
    expect(await waiting).toMatchObject({ code: 'QUERY_TIMEOUT', timeoutMs: 300 });
    // And the pool still answers (the held thread was replaced)
    expect(typeof (await runner.run(checkpointSeen, {}))).toBe('bigint');
  });

  it('fails the tasks under way and waiting when closed, without waiting for them', async () => {
    const runner = await runnerOnWorkers({ workers: 1 });
    const { cell } = gate();
    const running = runner.run(heldUntilReleased, { gate: cell, maxMs: 60_000 }).catch((error: unknown) => error);
    const waiting = runner.run(checkpointSeen, {}).catch((error: unknown) => error);
    await runner.close();
    expect(await running).toBeInstanceOf(ReadTasksClosedError);
    expect(await waiting).toBeInstanceOf(ReadTasksClosedError);
    await expect(runner.run(checkpointSeen, {})).rejects.toBeInstanceOf(ReadTasksClosedError);
  });
});

describe('a rebuild under the read workers', () => {
  it('is followed: tasks after the swap read the new file', async () => {
    // Given a worker that has read the file in use
    const { projector, position } = await projectorOnWorkers();
    expect(await projector.readTasks.run(checkpointSeen, {})).toBe(position);
    // When the read models are rebuilt (a new file renamed over the old) and more is applied
    await projector.rebuild();
    const later = await record(ws.store, 't1', 'r2', [opened(T0 + days(2))]);
    await projector.waitFor(later);
    // Then a task reads the new file (the old one, unlinked, would still say `position`)
    expect(await projector.readTasks.run(checkpointSeen, {})).toBe(later);
  });

  it('waits for the task under way before swapping', async () => {
    const { projector, position } = await projectorOnWorkers();
    const { cell, release } = gate();
    const running = projector.readTasks.run(heldUntilReleased, { gate: cell, maxMs: 20_000 });
    let swapped = false;
    const swap = projector.readTasks.replacingFile(() => (swapped = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(swapped).toBe(false);
    release();
    expect(await running).toBe('released');
    await swap;
    expect(swapped).toBe(true);
    expect(await projector.readTasks.run(checkpointSeen, {})).toBe(position);
  });
});

describe('closing the read workers during a file swap', () => {
  it('lets the swap go on instead of waiting for the task it was waiting for', async () => {
    const runner = await runnerOnWorkers({ workers: 1 });
    const { cell } = gate();
    const running = runner.run(heldUntilReleased, { gate: cell, maxMs: 60_000 }).catch((error: unknown) => error);
    const swap = runner.replacingFile(() => 'swapped');
    await runner.close();
    expect(await running).toBeInstanceOf(ReadTasksClosedError);
    expect(await swap).toBe('swapped');
  });
});

describe('the number of read workers', () => {
  it('is one on one or two cores, one per core beyond the first above, at most four', () => {
    expect([1, 2, 3, 4, 8, 32].map((cores) => defaultReadWorkers(cores))).toEqual([1, 1, 2, 3, 4, 4]);
  });
});
