/**
 * A CRM migration sends a relationship's 2025 history in pages, today, with
 * the deadline scheduler running: between two pages it records the 90-day
 * silence the first page alone implies. The next page, dated before that
 * deadline, is a late fact: accepted, and the silence stops counting. The
 * relationship ends exactly as the same history sent in one call.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/app/clock.js';
import { CommandService, type EventInput } from '../../src/app/commands.js';
import { DeadlineScheduler } from '../../src/app/deadline-scheduler.js';
import { defaultRules } from '../../src/domain/rules.js';
import type { RelationshipState } from '../../src/domain/state.js';
import { streamIdFor } from '../../src/app/relationship-stream.js';
import type { Projector } from '../../src/projections/projector.js';
import { eventInput } from '../support/events.js';
import { Workspace } from '../support/workspace.js';


const HISTORY: EventInput[] = [
  eventInput('RelationshipOpened', '2025-01-02T09:00:00Z', 'VENDOR', { accountName: 'Acme Corp' }),
  eventInput('InterestSignaled', '2025-01-05T09:00:00Z', 'PROSPECT'),
  eventInput('InteractionLogged', '2025-01-20T09:00:00Z', 'VENDOR', { channel: 'CALL' }),
  eventInput('InteractionLogged', '2025-03-01T09:00:00Z', 'PROSPECT', { channel: 'MEETING' }),
  eventInput('ExclusivityGranted', '2025-03-10T09:00:00Z', 'PROSPECT'),
  eventInput('ProposalSubmitted', '2025-04-01T09:00:00Z', 'VENDOR', { proposalId: 'p1' }),
  eventInput('ContractSigned', '2025-04-20T09:00:00Z', 'PROSPECT', { contractId: 'c1' }),
  eventInput('InteractionLogged', '2025-05-01T09:00:00Z', 'VENDOR', { channel: 'BUSINESS_REVIEW' }),
];

let ws: Workspace;
let projector: Projector;
let scheduler: DeadlineScheduler;
let commands: CommandService;
beforeEach(async () => {
  ws = new Workspace();
  const clock = new ManualClock('2025-05-15T00:00:00Z');
  projector = ws.projector('main');
  projector.start();
  await projector.catchUp();
  scheduler = new DeadlineScheduler({ store: ws.store, source: projector, clock, rules: defaultRules });
  ws.onCleanup(() => scheduler.stop());
  scheduler.start();
  commands = new CommandService({ store: ws.store, readSide: projector, clock, rules: defaultRules });
});
afterEach(async () => {
  await ws.cleanup();
});

const append = (relationshipId: string, events: EventInput[]) => commands.appendEvents({ tenant: 'acme', relationshipId, events });

/** Waits until the scheduler has nothing due (it records, the projector applies, it looks again). */
async function schedulerIdle(): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await projector.catchUp();
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (scheduler.nextDueAt === null || scheduler.nextDueAt > Date.parse('2025-05-15T00:00:00Z')) return;
  }
}

function transitions(state: RelationshipState): string[] {
  return state.phaseHistory.map((c) => `${new Date(c.at).toISOString()} ${c.from}→${c.to} ${c.cause.kind === 'EVENT' ? c.cause.eventType : c.cause.rule}`);
}

describe('paged backfill through the API, the scheduler running', () => {
  it('ends exactly as the same history sent in one call', async () => {
    await append('one-call', HISTORY);

    await append('paged', HISTORY.slice(0, 2));
    await schedulerIdle();
    expect(projector.getRelationship('acme', 'paged')!.state.phase).toBe('MOVED_ON');
    await append('paged', HISTORY.slice(2, 5));
    await schedulerIdle();
    await append('paged', HISTORY.slice(5));
    await schedulerIdle();

    const paged = projector.getRelationship('acme', 'paged')!.state;
    const oneCall = projector.getRelationship('acme', 'one-call')!.state;
    expect(transitions(paged)).toEqual(transitions(oneCall));
    expect(paged.phase).toBe('MARRIED');
    // The silence recorded between pages stays in the log.
    const types = (await ws.store.readStream(streamIdFor('acme', 'paged'))).map((r) => r.type);
    expect(types.filter((t) => t === 'DeadlineReached')).toHaveLength(1);
  });
});
