/**
 * The projection: folding a batch of the log into rows (a late fact re-folds
 * its stream, read from the store), and installing a committed chunk's rows
 * in the states' cache. The projector commits what these return, then installs it.
 */
import type { RelationshipRow } from '../app/read-side.js';
import { toStoredEvents } from '../app/relationship-stream.js';
import type { StreamHistories } from '../app/stream-histories.js';
import type { StoredEvent } from '../domain/events.js';
import type { Rules } from '../domain/rules.js';
import type { RelationshipState } from '../domain/state.js';
import type { EventStore, RecordedEvent } from '../store/port.js';
import { foldBatch, HistoryNeeded, type AppliedBatch } from './batch.js';
import type { CaughtUpChunk } from './parallel-catch-up.js';
import type { RelationshipStates, StateSource } from './relationship-states.js';

/**
 * Folds a batch; a late fact re-folds its stream, which is read from the
 * store (up to the batch's end) and the batch folded again.
 */
export async function foldWithHistories(
  table: StateSource,
  events: readonly RecordedEvent[],
  options: { readonly listEvents: boolean; readonly rules: Rules; readonly histories: StreamHistories; readonly store: Pick<EventStore, 'readStream'> },
): Promise<AppliedBatch> {
  const { listEvents, rules, histories, store } = options;
  const upTo = events[events.length - 1]!.position;
  // The streams held end where this batch starts, or inside it (the fold skips what it already has).
  const history = (streamId: string): StoredEvent[] | undefined => histories.held(streamId);
  for (let read = new Set<string>(); ; ) {
    try {
      return foldBatch(table, events, { listEvents, rules, history });
    } catch (error) {
      if (!(error instanceof HistoryNeeded) || read.has(error.streamId)) throw error;
      read.add(error.streamId);
      const recorded = await store.readStream(error.streamId);
      histories.set(error.streamId, toStoredEvents(recorded.filter((r) => r.position <= upTo)));
    }
  }
}

/** Installs a committed chunk's rows in `table` (parsing the workers' serialised states); returns them all. */
export function install(table: Pick<RelationshipStates, 'set'>, chunk: CaughtUpChunk): RelationshipRow[] {
  const rows = [...chunk.batch.rows];
  for (const serialized of chunk.batch.serializedRows) {
    rows.push({ tenant: serialized.tenant, id: serialized.id, state: JSON.parse(serialized.state) as RelationshipState, position: serialized.position });
  }
  for (const row of rows) table.set(row);
  return rows;
}
