/**
 * Folds one batch of recorded events into new relationship rows, without
 * touching the live table: the projector commits the result to SQLite first
 * and only then installs it in memory, so readers never see an uncommitted
 * state.
 */
import type { LoggedEvent, PhaseChangeRecord, RelationshipRow } from '../app/read-side.js';
import { ownedCopy } from '../domain/draft.js';
import { evolveInPlace } from '../domain/evolve.js';
import { initialState, type RelationshipState } from '../domain/state.js';
import { encodePosition, type RecordedEvent } from '../store/port.js';
import { decodeRecorded } from './envelope.js';
import type { RelationshipTable } from './relationship-table.js';

export interface AppliedBatch {
  /** Each relationship the batch changed, once, in its final state for the batch. */
  readonly rows: RelationshipRow[];
  readonly phaseChanges: PhaseChangeRecord[];
  readonly events: LoggedEvent[];
  /** Position of the batch's last event, relationship event or not. */
  readonly checkpoint: bigint;
}

export function foldBatch(table: RelationshipTable, recorded: readonly RecordedEvent[]): AppliedBatch {
  // Each changed state is copied once per batch, then written in place.
  const working = new Map<string, { tenant: string; id: string; state: RelationshipState; position: bigint | null }>();
  const phaseChanges: PhaseChangeRecord[] = [];
  const events: LoggedEvent[] = [];

  for (const record of recorded) {
    const decoded = decodeRecorded(record);
    if (!decoded) continue;
    const { tenant, relationshipId, event, revision, position } = decoded;
    const key = `${tenant}\u0000${relationshipId}`;
    let entry = working.get(key);
    if (!entry) {
      const base = table.get(tenant, relationshipId)?.state ?? initialState(relationshipId);
      entry = { tenant, id: relationshipId, state: ownedCopy(base), position: null };
      working.set(key, entry);
    }
    const state = entry.state;
    // A revision already folded in is a redelivery: applying it twice would corrupt the state.
    if (revision <= state.version) continue;

    const historyBefore = state.phaseHistory.length;
    const encoded = encodePosition(position);
    evolveInPlace(state, event, { revision, position: encoded });
    entry.position = position;

    for (let i = historyBefore; i < state.phaseHistory.length; i++) {
      const change = state.phaseHistory[i]!;
      phaseChanges.push({
        tenant,
        relationshipId,
        from: change.from,
        to: change.to,
        at: change.at,
        cycle: change.cycle,
        cause:
          change.cause.kind === 'DEADLINE'
            ? { kind: 'DEADLINE', rule: change.cause.rule, revision, position: encoded }
            : { kind: 'EVENT', eventType: change.cause.eventType, revision, position: encoded },
        position,
      });
    }
    events.push({
      tenant,
      relationshipId,
      position,
      revision,
      eventId: record.id,
      type: event.type,
      occurredAt: event.occurredAt,
      actor: event.actor,
      data: decoded.data,
      metadata: decoded.userMetadata,
      recordedAt: record.recordedAt.getTime(),
    });
  }

  const rows: RelationshipRow[] = [];
  for (const entry of working.values()) {
    if (entry.position !== null) rows.push({ tenant: entry.tenant, id: entry.id, state: entry.state, position: entry.position });
  }
  return { rows, phaseChanges, events, checkpoint: recorded[recorded.length - 1]!.position };
}
