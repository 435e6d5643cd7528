/**
 * The API's page of relationships: answered on the request thread when the
 * rows' columns answer it, or when it scores few marriages (decay moves with
 * the clock: each is scored from its decay inputs); as a read task (a read
 * worker in the server) when it scores many.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Projector } from '../../src/projections/projector.js';
import type { ReadTask, ReadTaskRunner } from '../../src/projections/read-task.js';
import { T0, competitorContact, days } from '../support/events.js';
import { record, recordGenerated } from '../support/record.js';
import { Workspace } from '../support/workspace.js';

const TENANT = 'acme';

/** The projector's own runner, noting the tasks it is given. */
function noting(runner: ReadTaskRunner, names: string[]): ReadTaskRunner {
  return {
    run<A, R>(task: ReadTask<A, R>, args: A): Promise<R> {
      names.push(task.name);
      return runner.run(task, args);
    },
    replacingFile: (swap) => runner.replacingFile(swap),
    close: () => runner.close(),
  };
}

describe('the API asks for a page of relationships', () => {
  let workspace: Workspace;
  let projector: Projector;
  let tasks: string[];

  beforeEach(async () => {
    workspace = new Workspace();
    // Given a tenant with married, courting and closed relationships
    await recordGenerated(workspace.store, TENANT, 60);
    projector = workspace.projector();
    projector.start();
    await projector.catchUp();
    tasks = [];
    projector.readTasks = noting(projector.readTasks, tasks);
  });

  afterEach(() => workspace.cleanup());

  const at = T0 + days(400);

  it('orders by decay score on a read task when it scores many marriages, with the page the thread itself would give', async () => {
    // Given a thread that scores at most 20 marriages a page
    projector.marriagesScoredOnThread = 20;
    const query = { first: 10, at, orderBy: [{ field: 'DECAY_SCORE' as const, direction: 'ASC' as const }] };
    // When the page is ordered by decay score
    const page = await projector.pageRelationships(TENANT, query);
    // Then a read task answered it, and it is the page listed here
    expect(tasks).toEqual(['nowPageTask']);
    const here = projector.listRelationships(TENANT, query);
    expect(page.items.map((item) => item.cursor)).toEqual(here.items.map((item) => item.cursor));
    expect(page.items.map((item) => item.node.state)).toEqual(here.items.map((item) => item.node.state));
    expect(page.totalCount).toBe(here.totalCount);
    expect(page.items.length).toBe(10);
  });

  it('filters on decay status on a read task when it scores many marriages', async () => {
    projector.marriagesScoredOnThread = 20;
    const query = { first: 5, at, filter: { decayStatus: { in: ['DECAYING' as const, 'STABLE' as const] } } };
    const page = await projector.pageRelationships(TENANT, query);
    expect(tasks).toEqual(['nowPageTask']);
    expect(page.totalCount).toBe(projector.listRelationships(TENANT, query).totalCount);
  });

  it('scores decay on this thread when the filter leaves only a few marriages to score', async () => {
    projector.marriagesScoredOnThread = 20;
    const byDecay = [{ field: 'DECAY_SCORE' as const, direction: 'ASC' as const }];
    const scored = projector.listRelationships(TENANT, { first: 3, at, orderBy: byDecay }).items.map((item) => item.node.id);
    // When decay is asked of three married relationships only
    const query = { first: 5, at, filter: { id: { in: scored } }, orderBy: byDecay };
    const page = await projector.pageRelationships(TENANT, query);
    // Then no read task is sent for so little, and the page is theirs
    expect(tasks).toEqual([]);
    expect(page.items.map((item) => item.node.id)).toEqual(scored);
    expect(page).toEqual(projector.listRelationships(TENANT, query));
  });

  it('orders every marriage by decay score on this thread, from their decay inputs, up to the thread\u2019s limit', async () => {
    // Given the default limit, far above this tenant's marriages
    const query = { first: 10, at, orderBy: [{ field: 'DECAY_SCORE' as const, direction: 'DESC' as const }] };
    // When the page is ordered by decay score
    const page = await projector.pageRelationships(TENANT, query);
    // Then no read task is sent, and a read task would have given the same page
    expect(tasks).toEqual([]);
    projector.marriagesScoredOnThread = 0;
    const onTask = await projector.pageRelationships(TENANT, query);
    expect(tasks).toEqual(['nowPageTask']);
    expect(page.items.map((item) => item.cursor)).toEqual(onTask.items.map((item) => item.cursor));
    expect(page.totalCount).toBe(onTask.totalCount);
  });

  it('scores a marriage from its new decay inputs once an event of it is applied', async () => {
    const married = { phase: { in: ['MARRIED' as const, 'NEGLECTED' as const, 'CHEATING' as const] } };
    const query = { first: 60, at, filter: married, orderBy: [{ field: 'DECAY_SCORE' as const, direction: 'DESC' as const }] };
    // Given a page ordered by decay score, read once on this thread (its marriages' decay inputs kept)
    const before = await projector.pageRelationships(TENANT, query);
    const top = before.items[0]!;
    // When its healthiest marriage's customer is caught talking to a rival
    const caught = Math.max(at, top.node.state.lastEventAt!) + days(1);
    const position = await record(workspace.store, TENANT, top.node.id, [competitorContact(caught)], caught);
    await projector.waitFor(position);
    // Then the page scores it from its new inputs, as a read task reading everything afresh does
    const after = await projector.pageRelationships(TENANT, query);
    projector.marriagesScoredOnThread = 0;
    const fresh = await projector.pageRelationships(TENANT, query);
    expect(tasks).toEqual(['nowPageTask']);
    const cursors = (page: typeof after) => page.items.map((item) => item.cursor);
    expect(cursors(after)).toEqual(cursors(fresh));
    expect(cursors(after)).not.toContain(top.cursor);
  });

  it('answers from the columns on this thread when decay is not asked for', async () => {
    const query = { first: 5, at, filter: { phase: { eq: 'MARRIED' as const } }, orderBy: [{ field: 'UPDATED_AT' as const, direction: 'DESC' as const }] };
    const page = await projector.pageRelationships(TENANT, query);
    expect(tasks).toEqual([]);
    expect(page).toEqual(projector.listRelationships(TENANT, query));
  });
});
