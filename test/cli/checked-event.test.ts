import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkedEvent } from '../../src/cli/lib/checked-event.js';
import { encodeEvent } from '../../src/domain/codec.js';
import {
  ACTORS,
  CHANNELS,
  CHURN_REASONS,
  DEADLINE_RULES,
  EVENT_TYPES,
  ROLES,
  SCOPES,
  SEVERITIES,
  STANCES,
  TOPICS,
} from '../../src/domain/events.js';
import { DATA_SCHEMAS } from '../../src/domain/schemas.js';
import { parseEventInput } from '../../src/domain/validation.js';
import { historyArbitrary } from '../domain/arbitraries.js';

/**
 * checkedEvent must give what parseEventInput gave for every input that
 * parseEventInput accepts: the same event, and the same key order in its
 * data (the store keeps the data as JSON text, so the order is in the rows).
 */
function expectSameAsParsed(input: { type: string; occurredAt: string; actor: string; data?: unknown }): void {
  const parsed = parseEventInput(input, 0);
  const checked = checkedEvent(input);
  expect(checked).toStrictEqual(parsed);
  expect(JSON.stringify(checked)).toBe(JSON.stringify(parsed));
  expect(JSON.stringify(encodeEvent(checked))).toBe(JSON.stringify(encodeEvent(parsed)));
}

const instantText = fc
  .tuple(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) }), fc.constantFrom('canonical', 'seconds', 'offset', 'micros'))
  .map(([ms, form]) => {
    const iso = new Date(ms).toISOString();
    if (form === 'seconds') return `${iso.slice(0, 19)}Z`;
    if (form === 'offset') return `${new Date(ms + 2 * 3_600_000).toISOString().slice(0, 23)}+02:00`;
    if (form === 'micros') return `${iso.slice(0, 23)}456Z`;
    return iso;
  });

const word = fc.constantFrom('a', 'Acme Corp', 'q1', 'Zoë', 'x'.repeat(128), 'EUR', 'ada');

/** Candidate values for each data field the schemas name (some invalid for some types: those inputs are skipped). */
const FIELD_VALUES: Record<string, fc.Arbitrary<unknown>> = {
  channel: fc.constantFrom(...CHANNELS),
  topic: fc.constantFrom(...TOPICS),
  role: fc.constantFrom(...ROLES),
  stance: fc.constantFrom(...STANCES),
  severity: fc.constantFrom(...SEVERITIES),
  scope: fc.constantFrom(...SCOPES),
  rule: fc.constantFrom(...DEADLINE_RULES),
  reason: fc.oneof(fc.constantFrom(...CHURN_REASONS), word),
  hasVeto: fc.boolean(),
  amount: fc.oneof(fc.nat(), fc.double({ min: 0, max: 1e9, noNaN: true })),
  value: fc.oneof(fc.nat(), fc.double({ min: 0, max: 1e9, noNaN: true })),
  currency: fc.constantFrom('EUR', 'USD'),
  endsAt: instantText,
  deadline: instantText,
};

const input = fc
  .record({
    type: fc.constantFrom(...EVENT_TYPES),
    occurredAt: instantText,
    actor: fc.constantFrom(...ACTORS),
    seed: fc.nat(),
  })
  .chain(({ type, occurredAt, actor, seed }) => {
    const keys = Object.keys(DATA_SCHEMAS[type].shape);
    const fields = keys.map((key) => fc.option(FIELD_VALUES[key] ?? word, { nil: undefined, freq: 3 }).map((value) => [key, value] as const));
    return fc.tuple(...fields).map((pairs) => {
      const present = pairs.filter(([, value]) => value !== undefined);
      // Keys in another order than the schema's, rotated by the seed.
      const order = present.map((_, i) => present[(i + seed) % present.length]!);
      return { type, occurredAt, actor: type === 'DeadlineReached' ? 'SYSTEM' : actor, data: Object.fromEntries(order) };
    });
  });

const accepted = (candidate: { type: string; occurredAt: string; actor: string; data: unknown }): boolean => {
  try {
    parseEventInput(candidate, 0);
    return true;
  } catch {
    return false;
  }
};

describe('checkedEvent', () => {
  it('gives what parseEventInput gives, for every type, optional field and key order', () => {
    let checkedCount = 0;
    fc.assert(
      fc.property(input, (candidate) => {
        fc.pre(accepted(candidate));
        checkedCount++;
        expectSameAsParsed(candidate);
      }),
      { numRuns: 3000 },
    );
    // fc.pre must not have skipped nearly everything.
    expect(checkedCount).toBeGreaterThan(1000);
  });

  it('gives what parseEventInput gives for the events of valid histories, as an export writes them', () => {
    fc.assert(
      fc.property(historyArbitrary(40), (history) => {
        for (const { event } of history.stream) {
          const { payload } = encodeEvent(event);
          expectSameAsParsed({ type: event.type, occurredAt: payload.occurredAt, actor: payload.actor, data: payload.data });
        }
      }),
      { numRuns: 100 },
    );
  });

  it('fills in absent data as parseEventInput does', () => {
    expectSameAsParsed({ type: 'ExclusivityGranted', occurredAt: '2025-01-01T00:00:00Z', actor: 'PROSPECT' });
    expectSameAsParsed({ type: 'InterestSignaled', occurredAt: '2025-01-01T00:00:00.000Z', actor: 'VENDOR', data: {} });
  });
});
