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
import { toLoggedEvent } from './log-pages.js';
import type { RelationshipTable } from './relationship-table.js';

export interface AppliedBatch {
  /** Each relationship the batch changed, once, in its final state for the batch. */
  readonly rows: RelationshipRow[];
  readonly phaseChanges: PhaseChangeRecord[];
  /** The batch's events in the feed's form; null when not asked for (nobody listens). */
  readonly events: LoggedEvent[] | null;
  /** Position of the batch's last event, relationship event or not. */
  readonly checkpoint: bigint;
}

/** Events as read for a fold; listing them for the feed needs whole recorded events. */
export function foldBatch(table: Pick<RelationshipTable, 'get'>, recorded: readonly RecordedEvent[], options?: { listEvents: boolean }): AppliedBatch;
export function foldBatch(
  table: Pick<RelationshipTable, 'get'>,
  recorded: readonly Omit<RecordedEvent, 'id' | 'recordedAt'>[],
  options: { listEvents: false },
): AppliedBatch;
export function foldBatch(
  table: Pick<RelationshipTable, 'get'>,
  recorded: readonly Omit<RecordedEvent, 'id' | 'recordedAt'>[],
  options: { listEvents: boolean } = { listEvents: true },
): AppliedBatch {
  // Each changed state is copied once per batch, then written in place. Keyed
  // by stream id: one per relationship, and already a string (no key to build per event).
  const working = new Map<string, { tenant: string; relationshipId: string; state: RelationshipState; position: bigint | null }>();
  const phaseChanges: PhaseChangeRecord[] = [];
  const events: LoggedEvent[] | null = options.listEvents ? [] : null;

  for (const record of recorded) {
    // A stream already in the batch has its ids parsed: they are the entry's.
    let entry = working.get(record.streamId);
    const decoded = decodeRecorded(record, entry);
    if (!decoded) continue;
    const { tenant, relationshipId, event, revision, position } = decoded;
    if (!entry) {
      const base = table.get(tenant, relationshipId)?.state ?? initialState(relationshipId);
      entry = { tenant, relationshipId, state: ownedCopy(base), position: null };
      working.set(record.streamId, entry);
    }
    const state = entry.state;
    // A revision already folded in is a redelivery: applying it twice would corrupt the state.
    if (revision <= state.version) continue;

    const historyBefore = state.phaseHistory.length;
    evolveInPlace(state, event, { revision });
    entry.position = position;

    // Encoded only for the (few) events that change the phase.
    for (let i = historyBefore; i < state.phaseHistory.length; i++) {
      const change = state.phaseHistory[i]!;
      const encoded = encodePosition(position);
      // The cause as `evolve` records it when given the position (same keys, same order;
      // a literal, which V8 builds far faster than a spread into a new shape).
      if (change.cause.kind === 'EVENT') {
        const cause = { kind: 'EVENT', eventType: change.cause.eventType, revision: change.cause.revision, position: encoded } as const;
        state.phaseHistory[i] = { from: change.from, to: change.to, at: change.at, cycle: change.cycle, cause };
      }
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
    events?.push(toLoggedEvent(decoded, record as RecordedEvent));
  }

  const rows: RelationshipRow[] = [];
  for (const entry of working.values()) {
    if (entry.position !== null) rows.push({ tenant: entry.tenant, id: entry.relationshipId, state: entry.state, position: entry.position });
  }
  return { rows, phaseChanges, events, checkpoint: recorded[recorded.length - 1]!.position };
}
