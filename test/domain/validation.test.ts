import { describe, expect, it } from 'vitest';
import { decodeEvent, encodeEvent } from '../../src/domain/codec.js';
import { DomainError } from '../../src/domain/errors.js';
import type { CourtshipEvent } from '../../src/domain/events.js';
import { parseInstant } from '../../src/domain/time.js';
import { upcast } from '../../src/domain/upcast.js';
import { parseEventInput, type EventInput } from '../../src/domain/validation.js';

function refusal(input: EventInput, index = 0, schemaVersion?: number): DomainError {
  try {
    parseEventInput(input, index, schemaVersion);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const question = { type: 'QuestionAsked', occurredAt: '2025-02-10T09:30:00Z', actor: 'PROSPECT' };

describe('parseEventInput', () => {
  it('turns a valid input into an event with epoch times', () =>
    expect(parseEventInput({ ...question, data: { questionId: 'q1', topic: 'SECURITY' } }, 0)).toEqual({
      type: 'QuestionAsked',
      occurredAt: Date.UTC(2025, 1, 10, 9, 30),
      actor: 'PROSPECT',
      data: { questionId: 'q1', topic: 'SECURITY' },
    }));

  it('converts instants inside data too', () => {
    const event = parseEventInput(
      { type: 'ContractSigned', occurredAt: '2025-04-01T00:00:00Z', actor: 'PROSPECT', data: { contractId: 'c1', endsAt: '2026-04-01T00:00:00+02:00' } },
      0,
    );
    expect(event.data).toEqual({ contractId: 'c1', endsAt: Date.UTC(2026, 2, 31, 22) });
  });

  it('accepts events without data when the type carries none', () =>
    expect(parseEventInput({ type: 'ExclusivityGranted', occurredAt: '2025-02-10T09:30:00Z', actor: 'PROSPECT' }, 0).data).toEqual({}));

  it('refuses an unknown type with UNKNOWN_EVENT_TYPE', () =>
    expect(refusal({ ...question, type: 'Flirted' }, 4)).toMatchObject({ code: 'UNKNOWN_EVENT_TYPE', field: 'events[4].type', index: 4 }));

  it('names a missing field and says it is required', () =>
    expect(refusal({ ...question, data: { topic: 'SECURITY' } }, 2)).toMatchObject({
      code: 'INVALID_EVENT',
      field: 'events[2].data.questionId',
      message: 'events[2].data.questionId: is required.',
    }));

  it('says a field of the wrong type has the wrong type, not that it is missing', () => {
    expect(refusal({ ...question, data: { questionId: 5, topic: 'SECURITY' } })).toMatchObject({
      field: 'events[0].data.questionId',
      message: 'events[0].data.questionId: Invalid input: expected string, received number.',
    });
    expect(refusal({ ...question, data: 'q1' })).toMatchObject({ field: 'events[0].data', message: expect.stringContaining('expected object') });
  });

  it('names a field with a value outside its enum', () =>
    expect(refusal({ ...question, data: { questionId: 'q1', topic: 'GOSSIP' } })).toMatchObject({
      field: 'events[0].data.topic',
      message: expect.stringContaining('SECURITY'),
    }));

  it('names an unknown field rather than dropping it', () =>
    expect(refusal({ ...question, data: { questionID: 'q1', questionId: 'q1', topic: 'SECURITY' } })).toMatchObject({
      field: 'events[0].data.questionID',
      message: 'events[0].data.questionID: unknown field.',
    }));

  it('refuses data that is not an object', () =>
    expect(refusal({ ...question, data: 'q1' })).toMatchObject({ code: 'INVALID_EVENT', field: 'events[0].data' }));

  it.each(['2025-02-10', '2025-02-10T09:30:00', '2025-02-30T09:30:00Z', 'yesterday', '2025-02-10T24:00:00Z'])(
    'refuses occurredAt %s (ISO 8601 with a zone, a real date)',
    (occurredAt) => expect(refusal({ ...question, occurredAt, data: { questionId: 'q1', topic: 'SECURITY' } })).toMatchObject({ field: 'events[0].occurredAt' }),
  );

  it('refuses an unknown actor', () =>
    expect(refusal({ ...question, actor: 'CUSTOMER', data: { questionId: 'q1', topic: 'SECURITY' } })).toMatchObject({
      code: 'INVALID_EVENT',
      field: 'events[0].actor',
    }));

  it('refuses a DeadlineReached not recorded by SYSTEM', () =>
    expect(
      refusal({ type: 'DeadlineReached', occurredAt: '2025-02-10T00:00:00Z', actor: 'VENDOR', data: { rule: 'NEGLECT', deadline: '2025-02-10T00:00:00Z' } }),
    ).toMatchObject({ field: 'events[0].actor' }));

  it('refuses a contract that ends before it is signed', () =>
    expect(
      refusal({ type: 'ContractSigned', occurredAt: '2025-04-01T00:00:00Z', actor: 'PROSPECT', data: { contractId: 'c1', endsAt: '2025-03-01T00:00:00Z' } }),
    ).toMatchObject({ field: 'events[0].data.endsAt' }));

  it('refuses a negative amount', () =>
    expect(
      refusal({ type: 'ProposalSubmitted', occurredAt: '2025-04-01T00:00:00Z', actor: 'VENDOR', data: { proposalId: 'p1', amount: -5 } }),
    ).toMatchObject({ field: 'events[0].data.amount' }));
});

describe('schema versions', () => {
  const v0 = { type: 'InteractionLogged', occurredAt: '2025-02-10T09:30:00Z', actor: 'VENDOR', data: { medium: 'DEMO' } };

  it('upcasts a version 0 InteractionLogged, whose channel was called medium', () => {
    expect(upcast('InteractionLogged', 0, { medium: 'DEMO', purpose: 'kick-off' })).toEqual({ channel: 'DEMO', purpose: 'kick-off' });
    expect(parseEventInput(v0, 0, 0).data).toEqual({ channel: 'DEMO' });
  });

  it('refuses the old shape as current data', () =>
    expect(refusal(v0)).toMatchObject({ field: 'events[0].data.channel' }));

  it('refuses a version with no way to the current one', () =>
    expect(refusal({ ...question, data: { questionId: 'q1', topic: 'SECURITY' } }, 1, 0)).toMatchObject({
      code: 'INVALID_EVENT',
      field: 'events[1].schemaVersion',
    }));

  it('refuses a version newer than the current one', () =>
    expect(refusal(v0, 0, 2)).toMatchObject({ field: 'events[0].schemaVersion' }));
});

describe('the stored shape', () => {
  const signed: CourtshipEvent = {
    type: 'ContractSigned',
    occurredAt: Date.UTC(2025, 3, 1),
    actor: 'PROSPECT',
    data: { contractId: 'c1', value: 1000, currency: 'EUR', endsAt: Date.UTC(2026, 3, 1) },
  };

  it('stores instants as ISO strings and reads them back', () => {
    const encoded = encodeEvent(signed);
    expect(encoded).toEqual({
      type: 'ContractSigned',
      schemaVersion: 1,
      payload: {
        occurredAt: '2025-04-01T00:00:00.000Z',
        actor: 'PROSPECT',
        data: { contractId: 'c1', value: 1000, currency: 'EUR', endsAt: '2026-04-01T00:00:00.000Z' },
      },
    });
    expect(decodeEvent(encoded.type, JSON.parse(JSON.stringify(encoded.payload)), encoded.schemaVersion)).toEqual(signed);
  });

  it('upcasts stored events of an older version', () =>
    expect(decodeEvent('InteractionLogged', { occurredAt: '2025-02-10T09:30:00.000Z', actor: 'VENDOR', data: { medium: 'CALL' } }, 0)).toEqual({
      type: 'InteractionLogged',
      occurredAt: Date.UTC(2025, 1, 10, 9, 30),
      actor: 'VENDOR',
      data: { channel: 'CALL' },
    }));

  // Stored instants are canonical; anything else a log may hold reads as Date.parse reads it.
  it.each(['2025-02-10T09:30:00.000Z', '2025-02-10T11:30:00+02:00', '2025-02-30T00:00:00.000Z', '+010000-01-01T00:00:00.000Z', 'not a date'])(
    'reads the stored instant %s as Date.parse does',
    (text) => {
      const decoded = decodeEvent('ContractSigned', { occurredAt: text, actor: 'PROSPECT', data: { contractId: 'c1', value: 1, currency: 'EUR', endsAt: text } }, 1);
      expect(decoded.occurredAt).toBe(Date.parse(text));
      expect((decoded.data as { endsAt: number }).endsAt).toBe(Date.parse(text));
    },
  );

  it('refuses a stored type it does not know', () =>
    expect(() => decodeEvent('Eloped', { occurredAt: '2025-02-10T09:30:00.000Z', actor: 'VENDOR', data: {} }, 1)).toThrow(/not one Courtship knows/));
});

describe('instants', () => {
  it.each([
    ['2025-02-10T09:30:00Z', Date.UTC(2025, 1, 10, 9, 30)],
    ['2025-02-10T09:30Z', Date.UTC(2025, 1, 10, 9, 30)],
    ['2025-02-10T09:30:00.123456Z', Date.UTC(2025, 1, 10, 9, 30, 0, 123)],
    ['2025-02-10T09:30:00-05:30', Date.UTC(2025, 1, 10, 15, 0)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['0050-01-01T00:00:00Z', Date.parse('0050-01-01T00:00:00Z')],
  ])('reads %s', (text, expected) => expect(parseInstant(text)).toBe(expected));

  it.each(['2023-02-29T00:00:00Z', '2025-13-01T00:00:00Z', '2025-01-01T12:60:00Z', '2025-01-01T12:00:00+25:00', '2025-01-01 12:00:00Z'])(
    'refuses %s',
    (text) => expect(parseInstant(text)).toBeNull(),
  );
});
