/**
 * The log as the API reads it (src/app/event-log.ts): a relationship's
 * history, and read-your-writes that refuses a position no write reached.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PositionNotInLogError, ProjectionTimeoutError } from '../../src/app/errors.js';
import { EventLog } from '../../src/app/event-log.js';
import { streamIdFor, toNewEvent } from '../../src/app/relationship-stream.js';
import { openMemoryStore } from '../../src/store/memory.js';
import { on } from '../support/events.js';

const T = Date.parse('2025-03-01T10:00:00.000Z');
const opened = on(T, 'RelationshipOpened', 'VENDOR', { accountName: 'Acme' });

/** A read side that has applied up to `checkpoint` and gets no further. */
function readSideAt(checkpoint: bigint | null) {
  return {
    checkpoint: () => checkpoint,
    waitFor: (position: bigint, timeoutMs = 0) =>
      checkpoint !== null && checkpoint >= position ? Promise.resolve() : Promise.reject(new ProjectionTimeoutError(position, checkpoint, timeoutMs)),
  };
}

async function givenALogWithOneRelationship() {
  const store = openMemoryStore();
  const { position } = await store.append(streamIdFor('acme', 'r1'), [toNewEvent(randomUUID(), 'acme', 'r1', opened)]);
  return { log: new EventLog(store), position };
}

describe('the event log the API reads', () => {
  it("gives a relationship's history as the domain folds it, and none for an unknown one", async () => {
    const { log } = await givenALogWithOneRelationship();
    const history = await log.history('acme', 'r1');
    expect(history.map((stored) => stored.event.type)).toEqual(['RelationshipOpened']);
    expect(await log.history('acme', 'nobody')).toEqual([]);
    expect(await log.history('other', 'r1')).toEqual([]);
  });

  it('waits for a position the read side has applied', async () => {
    const { log, position } = await givenALogWithOneRelationship();
    await expect(log.awaitApplied(readSideAt(position), position, 10)).resolves.toBeUndefined();
  });

  it('refuses a position past the end of the log rather than waiting for it', async () => {
    const { log, position } = await givenALogWithOneRelationship();
    await expect(log.awaitApplied(readSideAt(null), position + 1n, 10)).rejects.toBeInstanceOf(PositionNotInLogError);
  });

  it('times out on a position in the log that the read side has not applied', async () => {
    const { log, position } = await givenALogWithOneRelationship();
    await expect(log.awaitApplied(readSideAt(null), position, 10)).rejects.toBeInstanceOf(ProjectionTimeoutError);
  });
});
