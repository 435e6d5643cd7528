import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/app/clock.js';
import { CommandService, type EventInput } from '../../src/app/commands.js';
import { deadlineEventId } from '../../src/app/deadline-id.js';
import { ConflictError, InputError, NotFoundError } from '../../src/app/errors.js';
import type { ReadSide, RelationshipRow } from '../../src/app/read-side.js';
import { DomainError } from '../../src/domain/errors.js';
import { defaultRules } from '../../src/domain/rules.js';
import { streamIdFor } from '../../src/app/relationship-stream.js';
import { openMemoryStore, type MemoryEventStore } from '../../src/store/memory.js';
import { eventInput } from '../support/events.js';

const DAY = 24 * 60 * 60 * 1000;
const opened = eventInput('RelationshipOpened', '2025-01-01T00:00:00Z', 'VENDOR', { accountName: 'Acme Corp' });

describe('the write path', () => {
  let store: MemoryEventStore;
  let clock: ManualClock;
  let commands: CommandService;

  beforeEach(() => {
    store = openMemoryStore();
    clock = new ManualClock('2025-06-01T00:00:00Z');
    commands = new CommandService({ store, clock, rules: defaultRules });
  });
  afterEach(async () => {
    await store.close();
  });

  const append = (events: EventInput[], expectedVersion?: number, relationshipId = 'acme') =>
    commands.appendEvents({ tenant: 'default', relationshipId, expectedVersion, events });

  it('opens a relationship and returns it folded, with the position of the append', async () => {
    const result = await append([opened, eventInput('InterestSignaled', '2025-01-02T00:00:00Z', 'PROSPECT')]);
    expect(result.row.state.phase).toBe('ATTRACTION');
    expect(result.row.state.version).toBe(1);
    expect(result.position).toBe(await store.headPosition());
    expect(result.replayed).toBe(false);
  });

  it('reaches dating once interest is mutual', async () => {
    await append([opened]);
    const result = await append([
      eventInput('InterestSignaled', '2025-01-02T00:00:00Z', 'PROSPECT'),
      eventInput('InteractionLogged', '2025-01-03T00:00:00Z', 'VENDOR', { channel: 'CALL' }),
    ]);
    expect(result.row.state.phase).toBe('DATING');
  });

  it('refuses an event for a relationship that was never opened as NOT_FOUND, writing nothing', async () => {
    await expect(append([eventInput('InterestSignaled', '2025-01-02T00:00:00Z', 'PROSPECT')])).rejects.toBeInstanceOf(NotFoundError);
    expect(await store.headPosition()).toBeNull();
  });

  it('refuses a wrong expected version with the current version, writing nothing', async () => {
    await append([opened]);
    const attempt = append([eventInput('InterestSignaled', '2025-01-02T00:00:00Z', 'PROSPECT')], 5);
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    await expect(attempt).rejects.toMatchObject({ currentVersion: 0, expectedVersion: 5 });
    expect(await store.streamRevision(streamIdFor('default', 'acme'))).toBe(0);
  });

  it('is all-or-nothing: one bad event refuses the whole batch', async () => {
    await append([opened]);
    const attempt = append([
      eventInput('InterestSignaled', '2025-01-02T00:00:00Z', 'PROSPECT'),
      eventInput('QuestionAnswered', '2025-01-03T00:00:00Z', 'VENDOR', { questionId: 'never-asked' }),
    ]);
    await expect(attempt).rejects.toBeInstanceOf(DomainError);
    await expect(attempt).rejects.toMatchObject({ code: 'QUESTION_NOT_ASKED', index: 1 });
    expect(await store.streamRevision(streamIdFor('default', 'acme'))).toBe(0);
  });

  it('treats the same event ids sent again as a retry: nothing is written twice', async () => {
    const id = '6f1c1b9e-3f0a-4c55-9a7e-0d5c2f1e8a11';
    const first = await append([{ ...opened, eventId: id }]);
    const again = await append([{ ...opened, eventId: id }]);
    expect(again.replayed).toBe(true);
    expect(again.position).toBe(first.position);
    expect(await store.streamRevision(streamIdFor('default', 'acme'))).toBe(0);
  });

  it('recognises a retry of a batch in which only some events carry an id', async () => {
    await append([opened]);
    const batch = [
      eventInput('InteractionLogged', '2025-01-02T00:00:00Z', 'VENDOR', { channel: 'EMAIL' }, { eventId: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed' }),
      eventInput('InteractionLogged', '2025-01-02T00:00:00Z', 'PROSPECT', { channel: 'EMAIL' }),
    ];
    const first = await append(batch);
    const again = await append(batch);
    expect(again).toMatchObject({ replayed: true, position: first.position });
    expect(await store.streamRevision(streamIdFor('default', 'acme'))).toBe(2);
  });

  it('refuses a batch that repeats only some ids of an earlier one', async () => {
    const id = '6f1c1b9e-3f0a-4c55-9a7e-0d5c2f1e8a11';
    await append([{ ...opened, eventId: id }]);
    const attempt = append([
      { ...opened, eventId: id },
      eventInput('InterestSignaled', '2025-01-02T00:00:00Z', 'PROSPECT', {}, { eventId: '7a2d2c0f-4a1b-4d66-8b8f-1e6d3a2f9b22' }),
    ]);
    await expect(attempt).rejects.toMatchObject({ reason: 'PARTIAL_RETRY', field: 'events[1].eventId' });
  });

  it('refuses, and writes nothing of, a batch that reuses an id but brings events that never landed', async () => {
    const id = '6f1c1b9e-3f0a-4c55-9a7e-0d5c2f1e8a11';
    await append([{ ...opened, eventId: id }]);
    // The id of what landed, plus an event without an id that did not.
    const grown = append([{ ...opened, eventId: id }, eventInput('InterestSignaled', '2025-01-02T00:00:00Z', 'PROSPECT', {})]);
    await expect(grown).rejects.toMatchObject({ reason: 'EVENT_ID_REUSED', field: 'events[1]' });
    expect(await store.streamRevision(streamIdFor('default', 'acme'))).toBe(0);
  });

  it('recognises a retry of an event with an id resent with another instant (typed mutations default it to now)', async () => {
    const id = '6f1c1b9e-3f0a-4c55-9a7e-0d5c2f1e8a11';
    await append([opened]);
    const first = await append([eventInput('InterestSignaled', '2025-01-02T00:00:00Z', 'PROSPECT', {}, { eventId: id })]);
    const again = await append([eventInput('InterestSignaled', '2025-01-02T00:00:05Z', 'PROSPECT', {}, { eventId: id })]);
    expect(again).toMatchObject({ replayed: true, position: first.position });
    expect(await store.streamRevision(streamIdFor('default', 'acme'))).toBe(1);
  });

  it('refuses an id already used by another event of the relationship', async () => {
    const id = '6f1c1b9e-3f0a-4c55-9a7e-0d5c2f1e8a11';
    await append([{ ...opened, eventId: id }]);
    const other = append([eventInput('InterestSignaled', '2025-01-02T00:00:00Z', 'PROSPECT', {}, { eventId: id })]);
    await expect(other).rejects.toMatchObject({ reason: 'EVENT_ID_REUSED', field: 'events[0].eventId' });
    expect(await store.streamRevision(streamIdFor('default', 'acme'))).toBe(0);
  });

  it('recognises a retry whose events without an id come before the first one with an id', async () => {
    await append([opened]);
    const batch = [
      eventInput('InteractionLogged', '2025-01-02T00:00:00Z', 'PROSPECT', { channel: 'EMAIL' }),
      eventInput('InteractionLogged', '2025-01-03T00:00:00Z', 'VENDOR', { channel: 'CALL' }, { eventId: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed' }),
    ];
    const first = await append(batch);
    const again = await append(batch);
    expect(again).toMatchObject({ replayed: true, position: first.position });
    // The same id after a different first event is not that batch.
    const changed = append([eventInput('InteractionLogged', '2025-01-02T00:00:00Z', 'PROSPECT', { channel: 'CALL' }), batch[1]!]);
    await expect(changed).rejects.toMatchObject({ reason: 'EVENT_ID_REUSED', field: 'events[0]' });
    expect(await store.streamRevision(streamIdFor('default', 'acme'))).toBe(2);
  });

  it('names the field of a malformed event id and of an empty batch', async () => {
    await expect(append([{ ...opened, eventId: 'not-a-uuid' }])).rejects.toMatchObject({ field: 'events[0].eventId' });
    await expect(append([])).rejects.toBeInstanceOf(InputError);
    await expect(append([opened], undefined, 'bad id with spaces')).rejects.toMatchObject({ field: 'relationshipId' });
  });

  it('retries, as a lost race, a write whose deadline another writer (the scheduler) recorded first', async () => {
    clock.set('2025-12-01T00:00:00Z');
    await append([opened, eventInput('InterestSignaled', '2025-01-02T00:00:00Z', 'PROSPECT'), eventInput('InterestSignaled', '2025-01-02T00:00:00Z', 'VENDOR')]);
    const streamId = streamIdFor('default', 'acme');
    // Between the write's read and its append, the scheduler records the due deadline (same derived id).
    const append_ = store.append.bind(store);
    let raced = false;
    store.append = async (id, events, expected) => {
      if (!raced && events[0]?.type === 'DeadlineReached') {
        raced = true;
        await append_(id, [events[0]!], expected);
      }
      return append_(id, events, expected);
    };
    const late = await append([eventInput('RelationshipReopened', '2025-06-01T00:00:00Z', 'VENDOR')]);
    expect(raced).toBe(true);
    const types = (await store.readStream(streamId)).map((e) => e.type);
    expect(types).toEqual(['RelationshipOpened', 'InterestSignaled', 'InterestSignaled', 'DeadlineReached', 'RelationshipReopened']);
    expect(late.row.state).toMatchObject({ phase: 'ATTRACTION', cycle: 2, version: 4 });
  });

  it('records a deadline that fell due before a late event, at its exact instant, with a deterministic id', async () => {
    clock.set('2025-12-01T00:00:00Z');
    await append([
      opened,
      eventInput('InterestSignaled', '2025-01-02T00:00:00Z', 'PROSPECT'),
      eventInput('InterestSignaled', '2025-01-02T00:00:00Z', 'VENDOR'),
    ]);
    // 90 days of prospect silence have passed by April: the courtship moved on.
    const late = await append([eventInput('RelationshipReopened', '2025-06-01T00:00:00Z', 'VENDOR')]);
    const events = await store.readStream(streamIdFor('default', 'acme'));
    const deadline = events.find((e) => e.type === 'DeadlineReached');
    expect(deadline).toBeDefined();
    const instant = Date.parse('2025-01-02T00:00:00Z') + 90 * DAY;
    expect((deadline!.data as { occurredAt: string }).occurredAt).toBe(new Date(instant).toISOString());
    expect(deadline!.id).toBe(deadlineEventId(streamIdFor('default', 'acme'), { rule: 'MOVED_ON_SILENCE', at: instant }));
    expect(late.row.state.phase).toBe('ATTRACTION');
    expect(late.row.state.cycle).toBe(2);
  });

  it('lets concurrent writers without an expected version all land', async () => {
    await append([opened]);
    const writes = Array.from({ length: 8 }, (_, i) =>
      append([eventInput('InteractionLogged', '2025-01-02T00:00:00Z', i % 2 ? 'VENDOR' : 'PROSPECT', { channel: 'EMAIL' })]),
    );
    await Promise.all(writes);
    expect(await store.streamRevision(streamIdFor('default', 'acme'))).toBe(8);
  });

  it('lets exactly one of several writers with the same expected version win', async () => {
    await append([opened]);
    const writes = Array.from({ length: 6 }, () =>
      append([eventInput('InteractionLogged', '2025-01-02T00:00:00Z', 'VENDOR', { channel: 'EMAIL' })], 0),
    );
    const outcomes = await Promise.allSettled(writes);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes.filter((o) => o.status === 'rejected')) {
      expect((o as PromiseRejectedResult).reason).toMatchObject({ code: 'CONFLICT', currentVersion: 1 });
    }
  });
});

describe('reading only what a write needs', () => {
  let store: MemoryEventStore;
  let streamReads: number;
  const clock = new ManualClock('2025-06-01T00:00:00Z');

  beforeEach(() => {
    store = openMemoryStore();
    streamReads = 0;
    const readStream = store.readStream.bind(store);
    store.readStream = (...args) => {
      streamReads++;
      return readStream(...args);
    };
  });
  afterEach(async () => {
    await store.close();
  });

  /** A read side holding whatever row it was last given, as the projector would after applying it. */
  function readSideWith(row: () => RelationshipRow | null): ReadSide {
    return { getRelationship: () => row(), waitFor: async () => undefined } as unknown as ReadSide;
  }

  it('does not read a stream that does not exist yet', async () => {
    const commands = new CommandService({ store, clock, rules: defaultRules });
    await commands.appendEvents({ tenant: 'default', relationshipId: 'acme', events: [opened] });
    expect(streamReads).toBe(0);
  });

  it("folds on from the projector's row when it is at the stream's revision", async () => {
    let row: RelationshipRow | null = null;
    const commands = new CommandService({ store, clock, rules: defaultRules, readSide: readSideWith(() => row) });
    row = (await commands.appendEvents({ tenant: 'default', relationshipId: 'acme', events: [opened] })).row;
    const result = await commands.appendEvents({
      tenant: 'default',
      relationshipId: 'acme',
      events: [eventInput('InterestSignaled', '2025-01-02T00:00:00Z', 'PROSPECT')],
    });
    expect(streamReads).toBe(0);
    expect(result.row.state.version).toBe(1);
    expect(result.row.state.phase).toBe('ATTRACTION');
  });

  it("reads the stream when the projector's row lags behind it", async () => {
    const commands = new CommandService({ store, clock, rules: defaultRules, readSide: readSideWith(() => null) });
    await commands.appendEvents({ tenant: 'default', relationshipId: 'acme', events: [opened] });
    const result = await commands.appendEvents({
      tenant: 'default',
      relationshipId: 'acme',
      events: [eventInput('InterestSignaled', '2025-01-02T00:00:00Z', 'PROSPECT')],
    });
    expect(streamReads).toBe(1);
    expect(result.row.state.phase).toBe('ATTRACTION');
  });

  it('reads the stream to recognise a retry when every event carries an id', async () => {
    let row: RelationshipRow | null = null;
    const commands = new CommandService({ store, clock, rules: defaultRules, readSide: readSideWith(() => row) });
    const batch = [{ ...opened, eventId: '8a3f9c7e-1b2d-4e5f-8a9b-0c1d2e3f4a5b' }];
    const first = await commands.appendEvents({ tenant: 'default', relationshipId: 'acme', events: batch });
    row = first.row;
    const retry = await commands.appendEvents({ tenant: 'default', relationshipId: 'acme', events: batch });
    expect(streamReads).toBe(1);
    expect(retry).toMatchObject({ replayed: true, position: first.position });
  });
});
