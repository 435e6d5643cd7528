import { describe, expect, it } from 'vitest';
import { decodeRecorded, parseStreamId, streamIdFor, toNewEvent } from '../../src/app/relationship-stream.js';
import type { NewEvent, RecordedEvent } from '../../src/store/port.js';
import { contractSigned, days } from '../support/events.js';

const T = Date.parse('2025-03-01T10:00:00.000Z');

function recorded(streamId: string, event: Pick<NewEvent, 'type' | 'data' | 'metadata'>, revision = 0): RecordedEvent {
  return {
    id: '6f1c2b1e-8a57-4c4e-9d43-2a1c9d7f0b11',
    streamId,
    revision,
    position: 42n,
    type: event.type,
    data: event.data,
    metadata: event.metadata ?? {},
    recordedAt: new Date(T),
  };
}

describe('the stored envelope', () => {
  it('names a stream after its tenant and relationship, dashes in the id included', () => {
    const streamId = streamIdFor('acme', 'deal-2025-07');
    expect(streamId).toBe('rel-acme-deal-2025-07');
    expect(parseStreamId(streamId)).toEqual({ tenant: 'acme', relationshipId: 'deal-2025-07' });
    expect(parseStreamId('$settings')).toBeNull();
  });

  it('round-trips an event, instants stored as ISO strings and read back as epoch ms', () => {
    const signed = contractSigned('c1', T, T + days(1));
    const stored = toNewEvent('id', 'acme', 'r1', signed, { source: 'crm' });
    expect(stored.data).toEqual({
      occurredAt: '2025-03-01T10:00:00.000Z',
      actor: 'PROSPECT',
      data: { contractId: 'c1', endsAt: '2025-03-02T10:00:00.000Z' },
    });
    const decoded = decodeRecorded(recorded('rel-acme-r1', stored))!;
    expect(decoded.event).toEqual(signed);
    expect(decoded.data).toEqual({ contractId: 'c1', endsAt: '2025-03-02T10:00:00.000Z' });
    expect(decoded.userMetadata).toEqual({ source: 'crm' });
    expect(decoded).toMatchObject({ tenant: 'acme', relationshipId: 'r1', revision: 0, position: 42n });
  });

  it('upcasts an event stored under an older schema', () => {
    const old = recorded('rel-acme-r1', {
      type: 'InteractionLogged',
      data: { occurredAt: '2025-03-01T10:00:00.000Z', actor: 'VENDOR', data: { medium: 'CALL' } },
      metadata: { tenant: 'acme', relationshipId: 'r1', schemaVersion: 0 },
    });
    const decoded = decodeRecorded(old)!;
    expect(decoded.event.data).toEqual({ channel: 'CALL' });
    expect(decoded.data).toEqual({ channel: 'CALL' });
  });

  it('passes over events that are not relationship events this release knows', () => {
    expect(decodeRecorded(recorded('orders-1', { type: 'OrderPlaced', data: {} }))).toBeNull();
    const unknown = recorded('rel-acme-r1', {
      type: 'SomethingNew',
      data: { occurredAt: '2025-03-01T10:00:00.000Z', actor: 'VENDOR', data: {} },
      metadata: { schemaVersion: 1 },
    });
    expect(decodeRecorded(unknown)).toBeNull();
  });
});
