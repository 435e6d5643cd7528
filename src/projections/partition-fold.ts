/**
 * Folds one partition of the streams over one chunk of the log: what each
 * thread of a parallel catch-up does (see parallel-catch-up.ts). The states
 * it starts from are looked up in `table`; the rows it changes are returned,
 * not written, so the caller decides when they become visible.
 */
import { relationshipKey, type PhaseChangeRecord, type RelationshipRow } from '../app/read-side.js';
import type { StoredEvent } from '../domain/events.js';
import type { Rules } from '../domain/rules.js';
import type { RecordedEvent } from '../store/port.js';
import type { FoldableEvent, PartitionedReads, StreamPartition } from '../store/capabilities.js';
import { foldBatch } from './batch.js';
import { parseStreamId, toStoredEvents } from '../app/relationship-stream.js';
import type { StateSource } from './relationship-states.js';

/** A store's partitioned reads, as a fold uses them (capabilities.ts). */
export type PartitionReader = Omit<PartitionedReads, 'file'>;

export interface FoldedChunk {
  /** Each relationship the chunk changed, in its state at the chunk's end. */
  readonly rows: RelationshipRow[];
  /** In log order. */
  readonly phaseChanges: PhaseChangeRecord[];
  readonly events: number;
  /** Where the partition's next chunk starts: the end of the range, all of which was read. */
  readonly after: bigint;
}

const PAGE = 4096;

export async function foldPartitionChunk(
  reader: PartitionReader,
  table: StateSource,
  partition: StreamPartition,
  range: { after: bigint | undefined; upTo: bigint },
  rules: Rules,
  /** Awaited between pages (the projector's thread gives requests a turn there). */
  betweenPages?: () => Promise<void>,
): Promise<FoldedChunk> {
  const changed = new Map<string, RelationshipRow>();
  const working: StateSource = {
    get: (tenant, id) => changed.get(relationshipKey(tenant, id)) ?? table.get(tenant, id),
    // Those the chunk changed already are at hand; the source reads the others it lacks.
    prefetch: (streamIds) =>
      table.prefetch?.(
        [...streamIds].filter((streamId) => {
          const ids = parseStreamId(streamId);
          return ids !== null && !changed.has(relationshipKey(ids.tenant, ids.relationshipId));
        }),
      ),
  };
  const phaseChanges: PhaseChangeRecord[] = [];
  let after = range.after;
  let events = 0;
  for (;;) {
    const page = reader.readPartition({ ...(after === undefined ? {} : { after }), upTo: range.upTo, maxCount: PAGE }, partition);
    if (page.length === 0) break;
    events += page.length;
    const streams = new Map<string, StoredEvent[]>();
    const history = (streamId: string): StoredEvent[] => {
      let stream = streams.get(streamId);
      if (stream === undefined) {
        stream = toStoredEvents(reader.readStreamNow(streamId));
        streams.set(streamId, stream);
      }
      return stream;
    };
    // Only a late fact reads its stream; keeping the streams read current reads none.
    const batch = foldBatch(working, page, { listEvents: false, rules, history, held: (streamId) => streams.get(streamId) });
    for (const row of batch.rows) changed.set(relationshipKey(row.tenant, row.id), row);
    for (const change of batch.phaseChanges) phaseChanges.push(change);
    after = batch.checkpoint;
    if (page.length < PAGE) break;
    await betweenPages?.();
  }
  // A short page means the whole range was read: the next chunk starts at its end, not
  // at this partition's last event (a partition with no event in a range would otherwise
  // scan the log from its start again on every chunk).
  return { rows: [...changed.values()], phaseChanges, events, after: range.upTo };
}
