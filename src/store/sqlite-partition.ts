/**
 * The embedded store's lean reads for a fold (capabilities.ts): partitioned
 * reads, for a catch-up on worker threads (every stream lies wholly in one
 * partition, told by a number SQLite computes from its id), whole
 * streams one at a time, for export's tables, and several streams in one
 * read, for a page of relationships replayed as of an instant.
 */
import type Database from 'better-sqlite3';
import type { FoldableEvent, LeanStreamEvent, StreamPartition } from './capabilities.js';

/** The columns of a fold's lean read. */
const FOLDABLE_SELECT = `SELECT position, stream_id, revision * 1.0, type, data, json_extract(metadata, '$.schemaVersion') * 1.0, recorded_at * 1.0 FROM events`;

export class PartitionReads {
  private partitionRead: Database.Statement | undefined;
  private wholeRead: Database.Statement | undefined;
  private streamRead: Database.Statement | undefined;
  private streamsRead: Database.Statement | undefined;

  constructor(private readonly db: Database.Database) {}

  /**
   * The events in (after, upTo] of one partition of the streams, in log order,
   * at most `maxCount`, in the lean form a fold reads: no ids, no recording
   * times, and of the metadata only `schemaVersion` (which SQLite extracts,
   * sparing a JSON.parse per event).
   */
  read(range: { after?: bigint; upTo: bigint; maxCount: number }, partition: StreamPartition): FoldableEvent[] {
    const { modulus, from, to } = partition;
    // Every stream (a catch-up on one thread): no partition number to compute per row.
    const whole = from <= 0 && to >= modulus;
    const statement = whole
      ? (this.wholeRead ??= this.db.prepare(`${FOLDABLE_SELECT} WHERE position > ? AND position <= ? ORDER BY position LIMIT ?`).raw())
      : (this.partitionRead ??= this.db
          .prepare(
            `${FOLDABLE_SELECT} WHERE position > ? AND position <= ? AND ${streamPartitionSql('stream_id')} % ? BETWEEN ? AND ?
             ORDER BY position LIMIT ?`,
          )
          .raw());
    const parameters = whole ? [range.maxCount] : [modulus, from, to - 1, range.maxCount];
    const rows = statement.all(range.after ?? -1n, range.upTo, ...parameters) as FoldableRow[];
    return rows.map(foldable);
  }

  /** Several whole streams in one statement (along the stream index), each in revision order; no entry for a stream not there. */
  readStreams(streamIds: readonly string[]): Map<string, FoldableEvent[]> {
    const statement = (this.streamsRead ??= this.db
      .prepare(`${FOLDABLE_SELECT} WHERE stream_id IN (SELECT value FROM json_each(?)) ORDER BY stream_id, revision`)
      .raw());
    const streams = new Map<string, FoldableEvent[]>();
    for (const row of statement.all(JSON.stringify(streamIds)) as FoldableRow[]) {
      const event = foldable(row);
      const stream = streams.get(event.streamId);
      if (stream === undefined) streams.set(event.streamId, [event]);
      else stream.push(event);
    }
    return streams;
  }

  /**
   * A whole stream in revision order, lean: no position and no stream id
   * either (a BigInt and a copy of the same string per event, which the
   * caller already knows), the metadata's `schemaVersion` alone.
   */
  readStream(streamId: string): LeanStreamEvent[] {
    const statement = (this.streamRead ??= this.db
      .prepare(
        `SELECT revision * 1.0, type, data, json_extract(metadata, '$.schemaVersion') * 1.0, recorded_at * 1.0 FROM events
         WHERE stream_id = ? ORDER BY revision`,
      )
      .raw());
    const rows = statement.all(streamId) as [number, string, string, number | null, number][];
    const events = new Array<LeanStreamEvent>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      events[i] = { revision: row[0], type: row[1], data: JSON.parse(row[2]), metadata: leanMetadata(row[3]), recordedAtMs: row[4] };
    }
    return events;
  }
}

/** A row of FOLDABLE_SELECT. */
type FoldableRow = [position: bigint, streamId: string, revision: number, type: string, data: string, schemaVersion: number | null, recordedAt: number];

function foldable(row: FoldableRow): FoldableEvent {
  return {
    position: row[0],
    streamId: row[1],
    revision: row[2],
    type: row[3],
    data: JSON.parse(row[4]),
    metadata: leanMetadata(row[5]),
    recordedAtMs: row[6],
  };
}

/** One frozen object per schema version, shared by every event of a lean read (millions of them on a catch-up). */
const LEAN_METADATA = new Map<number | null, Readonly<Record<string, unknown>>>();

function leanMetadata(schemaVersion: number | null): Readonly<Record<string, unknown>> {
  const shared = LEAN_METADATA.get(schemaVersion);
  if (shared !== undefined) return shared;
  const metadata = Object.freeze(schemaVersion === null ? {} : { schemaVersion });
  // A log holds a handful of versions; anything past that (a damaged log) is not kept.
  if (LEAN_METADATA.size < 16) LEAN_METADATA.set(schemaVersion, metadata);
  return metadata;
}

/**
 * A number computed from a stream id (SQL over `column`, which holds one or
 * builds one) that spreads streams evenly over partitions (see
 * `StreamPartition`): its last three characters in base 10 (ids that are
 * sequence numbers then fall in turn into every partition) and its length.
 */
export function streamPartitionSql(column: string): string {
  return (
    `(unicode(substr(${column}, -1)) + 10 * unicode(substr(${column}, -2, 1)) + ` +
    `100 * unicode(substr(${column}, -3, 1)) + 1000 * length(${column}))`
  );
}
