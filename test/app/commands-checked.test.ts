import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/app/clock.js';
import { CommandService, type AppendEventsResult, type EventInput } from '../../src/app/commands.js';
import { defaultRules } from '../../src/domain/rules.js';
import { parseEventInput } from '../../src/domain/validation.js';
import { openMemoryStore, type MemoryEventStore } from '../../src/store/memory.js';
import { eventInput } from '../support/events.js';

/**
 * `appendChecked` (events that already passed parseEventInput) against
 * `appendEvents` (the API's path) on twin stores: for the same batches, the
 * same rows, the same answers and the same refusals.
 */
const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
/** Event number `n` of the story, with an id from its number. */
const ev = (n: number, type: string, occurredAt: string, actor: string, data: unknown = {}, metadata?: unknown): EventInput =>
  eventInput(type, occurredAt, actor, data, { eventId: uuid(n), ...(metadata === undefined ? {} : { metadata }) });

describe('appendChecked', () => {
  let stores: MemoryEventStore[];
  let api: CommandService;
  let checked: CommandService;

  beforeEach(() => {
    stores = [openMemoryStore(), openMemoryStore()];
    const clock = new ManualClock('2025-06-01T00:00:00Z');
    api = new CommandService({ store: stores[0]!, clock, rules: defaultRules });
    checked = new CommandService({ store: stores[1]!, clock, rules: defaultRules });
  });
  afterEach(async () => {
    for (const store of stores) await store.close();
  });

  type Outcome = { ok: true; result: Omit<AppendEventsResult, 'row'> & { version: number } } | { ok: false; error: string };
  const outcome = async (write: () => Promise<AppendEventsResult>): Promise<Outcome> => {
    try {
      const { row, ...result } = await write();
      return { ok: true, result: { ...result, version: row.state.version } };
    } catch (error) {
      return { ok: false, error: `${(error as Error).constructor.name}: ${(error as Error).message}` };
    }
  };

  /** Sends the batch both ways and expects the same outcome. */
  async function both(relationshipId: string, events: EventInput[]): Promise<Outcome> {
    const viaApi = await outcome(() => api.appendEvents({ tenant: 'default', relationshipId, events }));
    const viaChecked = await outcome(() =>
      checked.appendChecked({
        tenant: 'default',
        relationshipId,
        events: events.map((input, i) => ({ event: parseEventInput(input, i), eventId: input.eventId, metadata: input.metadata })),
      }),
    );
    expect(viaChecked).toEqual(viaApi);
    return viaApi;
  }

  const rows = async (store: MemoryEventStore) => (await store.readAll()).map(({ recordedAt: _, ...row }) => row);

  it('writes the rows appendEvents writes, deadlines included, and refuses what it refuses', async () => {
    const opened = ev(1, 'RelationshipOpened', '2025-01-01T00:00:00Z', 'VENDOR', { owner: 'ada', accountName: 'Acme' }, { source: 'crm' });
    expect((await both('acme', [opened, ev(2, 'InterestSignaled', '2025-01-02T00:00:00.000Z', 'PROSPECT')])).ok).toBe(true);
    // Months of silence: decide inserts the deadline that fell due (the relationship moved on) before the reopening.
    const reopened = ev(3, 'RelationshipReopened', '2025-05-01T00:00:00Z', 'VENDOR');
    expect((await both('acme', [reopened, ev(8, 'InteractionLogged', '2025-05-01T10:00:00+02:00', 'VENDOR', { purpose: 'x', channel: 'CALL' })])).ok).toBe(true);
    // Retried batch: nothing written, the same position.
    expect(await both('acme', [reopened, ev(8, 'InteractionLogged', '2025-05-01T10:00:00+02:00', 'VENDOR', { purpose: 'x', channel: 'CALL' })])).toMatchObject({
      ok: true,
      result: { replayed: true },
    });
    // Refusals: the domain's (backwards in time), a batch's ids, metadata, a relationship never opened.
    expect(await both('acme', [ev(4, 'InterestSignaled', '2024-01-01T00:00:00Z', 'VENDOR')])).toMatchObject({ ok: false });
    expect(await both('acme', [ev(5, 'InterestSignaled', '2025-05-02T00:00:00Z', 'VENDOR'), ev(5, 'InterestSignaled', '2025-05-03T00:00:00Z', 'VENDOR')])).toMatchObject({
      ok: false,
    });
    expect(await both('acme', [ev(6, 'InterestSignaled', '2025-05-02T00:00:00Z', 'VENDOR', {}, ['not', 'an', 'object'])])).toMatchObject({ ok: false });
    expect(await both('beta', [ev(7, 'InterestSignaled', '2025-05-02T00:00:00Z', 'VENDOR')])).toMatchObject({ ok: false });
    expect(await both('bad id!', [opened])).toMatchObject({ ok: false });
    expect(await both('acme', [])).toMatchObject({ ok: false });

    const written = await rows(stores[0]!);
    expect(written.some((row) => row.type === 'DeadlineReached')).toBe(true);
    expect(await rows(stores[1]!)).toEqual(written);
  });
});
