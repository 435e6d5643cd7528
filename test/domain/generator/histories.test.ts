import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/domain/decide.js';
import { isClosedPhase, PHASES, type CourtshipEvent, type Phase, type StoredEvent } from '../../../src/domain/events.js';
import { evolve } from '../../../src/domain/evolve.js';
import { stateAt } from '../../../src/domain/fold.js';
import { defaultRules, DAY_MS } from '../../../src/domain/rules.js';
import { initialState, type RelationshipState } from '../../../src/domain/state.js';
import { generateHistories, generateHistory, iterateHistories } from '../../../src/domain/generator/index.js';

const start = Date.UTC(2024, 0, 1);
const options = { seed: 42, relationships: 400, start };

/** Appends a history the way the API does: one decide per event, clock = the event's time, then evolve. */
function append(id: string, events: readonly CourtshipEvent[]): { state: RelationshipState; stored: StoredEvent[] } {
  let state = initialState(id);
  const stored: StoredEvent[] = [];
  for (const event of events) {
    for (const recorded of decide({ relationshipId: id, events: [event] }, state, { now: event.occurredAt, rules: defaultRules })) {
      const revision = state.version + 1;
      state = evolve(state, recorded, { revision });
      stored.push({ event: recorded, revision });
    }
  }
  return { state, stored };
}

describe('the synthetic history generator', () => {
  const histories = generateHistories(options);

  it('writes the same histories for the same seed, and other ones for another seed', () => {
    expect(generateHistories(options)).toEqual(histories);
    expect(generateHistories({ ...options, seed: 43 })).not.toEqual(histories);
  });

  it('streams exactly what it generates in bulk, and regenerates any one relationship alone', () => {
    expect(Array.from(iterateHistories(options))).toEqual(histories);
    expect(generateHistory(options, 123)).toEqual(histories[123]);
  });

  it('writes histories every one of which decide accepts, in order, with the clock at each event', () => {
    for (const history of histories) {
      expect(history.events[0]!.type).toBe('RelationshipOpened');
      history.events.forEach((event, i) => {
        if (i > 0) expect(event.occurredAt).toBeGreaterThanOrEqual(history.events[i - 1]!.occurredAt);
      });
      expect(() => append(history.id, history.events)).not.toThrow();
    }
  });

  it('accepts a whole history in one batch with the clock at its last event', () => {
    for (const history of histories.slice(0, 100)) {
      const now = history.events[history.events.length - 1]!.occurredAt;
      expect(() => decide({ relationshipId: history.id, events: history.events }, initialState(history.id), { now, rules: defaultRules })).not.toThrow();
    }
  });

  it('covers every phase: some stall and move on, some are left at the altar, many marry, some decay and churn, some reopen', () => {
    const visited = new Set<Phase>();
    const endings = new Map<Phase, number>();
    let reopened = 0;
    for (const history of histories) {
      const { stored } = append(history.id, history.events);
      const last = history.events[history.events.length - 1]!.occurredAt;
      // Far enough after the last event for every silence deadline to have fallen due.
      const later = stateAt(stored, last + 400 * DAY_MS, defaultRules);
      for (const change of later.phaseHistory) visited.add(change.to);
      endings.set(later.phase!, (endings.get(later.phase!) ?? 0) + 1);
      if (later.cycle > 1) reopened += 1;
    }
    expect([...visited].sort()).toEqual([...PHASES].sort());
    const married = histories.filter((h) => h.events.some((e) => e.type === 'ContractSigned')).length;
    expect(married / histories.length).toBeGreaterThan(0.4);
    expect(reopened).toBeGreaterThan(0);
    for (const ending of ['MOVED_ON', 'LEFT_AT_ALTAR', 'DIVORCED'] as const) expect(endings.get(ending) ?? 0).toBeGreaterThan(0);
    expect([...endings.keys()].some((phase) => !isClosedPhase(phase))).toBe(true);
  });

  it('echoes the tenant and gives every relationship a distinct, valid id', () => {
    const tenanted = generateHistories({ ...options, relationships: 5, tenant: 'acme' });
    expect(tenanted.every((h) => h.tenant === 'acme')).toBe(true);
    const ids = new Set(histories.map((h) => h.id));
    expect(ids.size).toBe(histories.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_.:~@+-]{1,128}$/);
  });

  it('refuses a negative or fractional number of relationships', () => {
    expect(() => generateHistories({ ...options, relationships: -1 })).toThrow(RangeError);
    expect(() => generateHistories({ ...options, relationships: 1.5 })).toThrow(RangeError);
  });
});
