/**
 * Fast paths an adapter may offer beyond the port, each one optional and
 * declared on `EventStore.capabilities`: a caller asks for the capability it
 * can use and falls back on the port when it is absent, never on which
 * adapter it holds. The contract suite (test/store/contract.ts) checks each
 * capability an adapter declares against the port's own reads.
 */
import type { EventStore, RecordedEvent } from './port.js';

export interface StoreCapabilities {
  /** Synchronous reads of one partition of the log, from a file other threads open too: a catch-up on worker threads. */
  readonly partitionedReads?: PartitionedReads;
  /** Appends that share commits, for a writer that owns the store for a while (the importer). */
  readonly bulkAppend?: BulkAppend;
  /** The log's rows with data and metadata as their stored JSON text: a consumer that copies the text (export). */
  readonly storedRows?: StoredRows;
  /** One stream at a time in the lean form a fold reads: a consumer that folds every stream in turn (export's tables). */
  readonly leanStreams?: LeanStreams;
  /** Several streams in one read, in the lean form a fold reads: a page of relationships replayed together. */
  readonly manyStreams?: ManyStreams;
  /**
   * This handle is the store's only writer while it is open: what it has not
   * written is not there (the importer's bulk store, which then skips
   * looking for relationships in a store that started empty).
   */
  readonly exclusiveWriter?: true;
}

/** The streams whose partition number (computed from the stream id), modulo `modulus`, lies in [from, to). */
export interface StreamPartition {
  readonly modulus: number;
  readonly from: number;
  readonly to: number;
}

/**
 * A recorded event without what only its readers need (its id), whose
 * metadata holds only the `schemaVersion` a fold reads, and whose record time
 * is epoch ms (no Date per event).
 */
export type FoldableEvent = Omit<RecordedEvent, 'id' | 'recordedAt'> & { readonly recordedAtMs: number };

export interface PartitionedReads {
  /** The file a worker thread opens (read-only) to read its partition. */
  readonly file: string;
  /**
   * The events in (after, upTo] of one partition of the streams, in log
   * order, at most `maxCount`, in the lean form a fold reads. Every stream
   * lies wholly in one partition.
   */
  readPartition(range: { after?: bigint; upTo: bigint; maxCount: number }, partition: StreamPartition): FoldableEvent[];
  /** A whole stream, read synchronously: a late fact re-folds its stream. */
  readStreamNow(streamId: string): RecordedEvent[];
}

export interface BulkAppend {
  /** A store over the same log whose appends share commits; its `close()` commits (and closes this store). */
  grouped(): EventStore;
}

/** A row of the log as stored: data and metadata as JSON text. */
export interface LogRow {
  readonly position: bigint;
  readonly streamId: string;
  readonly revision: number;
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  /** Epoch ms. */
  readonly recordedAt: number;
}

export interface StoredRows {
  /** Up to `limit` rows after position `after` (-1n: from the start), in log order. */
  readLogRows(after: bigint, limit: number): LogRow[];
}

/** A stream's event as a fold reads it: no id, no position, no stream id (the caller asked for the stream). */
export type LeanStreamEvent = Omit<FoldableEvent, 'position' | 'streamId'>;

export interface LeanStreams {
  /** A whole stream in revision order, read synchronously, in the lean form of `FoldableEvent`. */
  readLeanStream(streamId: string): LeanStreamEvent[];
}

export interface ManyStreams {
  /**
   * The named streams, read synchronously in one statement, each whole and
   * in revision order, in the lean form of `FoldableEvent`; a stream that
   * does not exist has no entry.
   */
  readStreamsNow(streamIds: readonly string[]): Map<string, FoldableEvent[]>;
}
