/**
 * Given a history, recorded the way the product records it: through
 * `decide` (so the history must be valid, and due deadlines are written as
 * they would be), in the stored envelope, on any store of the port.
 *
 * `record` is the command service's path without its checks; the deadline
 * scheduler's work is `recordDeadlinesDue`; `recordGenerated` fills a tenant
 * with generated relationships.
 */
import { randomUUID } from 'node:crypto';
import { streamIdFor, toNewEvent, toStoredEvents } from '../../src/app/relationship-stream.js';
import { decide } from '../../src/domain/decide.js';
import { advanceTo } from '../../src/domain/deadlines.js';
import type { CourtshipEvent } from '../../src/domain/events.js';
import { generateHistories } from '../../src/domain/generator/index.js';
import { foldHistory } from '../../src/domain/history.js';
import { defaultRules } from '../../src/domain/rules.js';
import { initialState } from '../../src/domain/state.js';
import { MAX_BATCH_EVENTS, type EventStore } from '../../src/store/port.js';
import { T0 } from './events.js';

/** Appends `events` to relationship `id` of `tenant` through `decide`, as of `now`; returns the last position. */
export async function record(
  store: EventStore,
  tenant: string,
  id: string,
  events: readonly CourtshipEvent[],
  now = Number.MAX_SAFE_INTEGER,
): Promise<bigint> {
  const streamId = streamIdFor(tenant, id);
  const stored = toStoredEvents(await store.readStream(streamId));
  const state = foldHistory(stored, defaultRules, initialState(id));
  const decided = decide({ relationshipId: id, events }, state, { now, rules: defaultRules }, stored);
  let position = 0n;
  let expected = state.version;
  for (let i = 0; i < decided.length; i += MAX_BATCH_EVENTS) {
    const chunk = decided.slice(i, i + MAX_BATCH_EVENTS).map((event) => toNewEvent(randomUUID(), tenant, id, event));
    const result = await store.append(streamId, chunk, expected < 0 ? 'no_stream' : expected);
    expected = result.nextRevision;
    position = result.position;
  }
  return position;
}

/** The deadline scheduler's work: records every deadline due by `now` (one append each, at the stream's revision). */
export async function recordDeadlinesDue(store: EventStore, tenant: string, id: string, now: number): Promise<void> {
  const streamId = streamIdFor(tenant, id);
  const stored = toStoredEvents(await store.readStream(streamId));
  let state = foldHistory(stored, defaultRules, initialState(id));
  for (const event of advanceTo(state, now, defaultRules).applied) {
    const result = await store.append(streamId, [toNewEvent(randomUUID(), tenant, id, event)], state.version);
    state = { ...state, version: result.nextRevision };
  }
}

/** Records `count` generated relationships for `tenant` (from T0); returns the log's head. */
export async function recordGenerated(store: EventStore, tenant: string, count: number, seed = 7): Promise<bigint> {
  let head = 0n;
  for (const history of generateHistories({ seed, relationships: count, start: T0 })) {
    head = await record(store, tenant, history.id, history.events);
  }
  return head;
}
