/**
 * The embedded store's append, as it runs inside a transaction (its own, or
 * a savepoint of a shared group commit): check the expected revision,
 * recognise an idempotent retry, then insert the rows.
 */
import type Database from 'better-sqlite3';
import { InvalidAppendError, WrongExpectedRevisionError, type AppendResult, type ExpectedRevision } from './port.js';
import type { SerializedEvent } from './validate.js';

export interface AppendStatements {
  /** stream_id → revision of its last event. */
  readonly streamRevision: Database.Statement;
  /** (stream_id, event_id) → revision. */
  readonly eventById: Database.Statement;
  /** (stream_id, revision, limit) → rows { event_id, revision, position } from that revision on. */
  readonly idsFrom: Database.Statement;
  readonly insert: Database.Statement;
  readonly upsertStream: Database.Statement;
}

export type WriteBatch = (streamId: string, batch: SerializedEvent[], expected: ExpectedRevision) => AppendResult;

/** Checks, then writes; must run inside a transaction (it is not all-or-nothing alone). */
export function batchWriter(statements: AppendStatements): WriteBatch {
  const currentRevision = (streamId: string): number | null => {
    const revision = statements.streamRevision.get(streamId) as bigint | undefined;
    return revision === undefined ? null : Number(revision);
  };
  return (streamId, batch, expected) => {
    const current = currentRevision(streamId);
    const retry = current === null ? undefined : idempotentRetry(statements, streamId, batch, expected, current);
    if (retry) return retry;
    assertExpected(streamId, expected, current);
    const recordedAt = Date.now();
    let revision = current ?? -1;
    let position = 0n;
    for (const event of batch) {
      revision++;
      position = statements.insert.run(streamId, revision, event.id, event.type, event.data, event.metadata, recordedAt)
        .lastInsertRowid as bigint;
    }
    statements.upsertStream.run(streamId, revision);
    return { nextRevision: revision, position };
  };
}

/**
 * EventStoreDB's idempotence: when the batch's first event id is already in
 * the stream, the batch is a retry if the stream holds exactly these ids from
 * there on; then the original result is returned and nothing is written.
 */
function idempotentRetry(
  statements: AppendStatements,
  streamId: string,
  batch: SerializedEvent[],
  expected: ExpectedRevision,
  current: number,
): AppendResult | undefined {
  const first = statements.eventById.get(streamId, batch[0]!.id) as bigint | undefined;
  if (first === undefined) return undefined;
  const stored = statements.idsFrom.all(streamId, first, batch.length) as {
    event_id: string;
    revision: bigint;
    position: bigint;
  }[];
  const same = stored.length === batch.length && stored.every((row, i) => row.event_id === batch[i]!.id);
  if (!same) {
    // Written against a stale revision, it is a lost race like any other (as EventStoreDB answers):
    // the writer reloads, and what another writer already appended (a deadline) is no longer in its batch.
    const stale = typeof expected === 'number' ? expected !== current : expected === 'no_stream';
    if (stale) throw new WrongExpectedRevisionError(streamId, expected, current);
    throw new InvalidAppendError(
      `events[0].id ${batch[0]!.id} was already appended to ${streamId} in a different batch`,
      'events[0].id',
    );
  }
  const firstRevision = Number(first);
  const matches =
    expected === 'any' ||
    expected === 'stream_exists' ||
    (expected === 'no_stream' ? firstRevision === 0 : firstRevision === expected + 1);
  if (!matches && expected === current) {
    // The stream is where the caller expects it, so the revision is no conflict: the ids are.
    // (EventStoreDB, which does not keep ids unique in a stream, appends such a batch again.)
    throw new InvalidAppendError(
      `events[0].id ${batch[0]!.id} was already appended to ${streamId} at revision ${firstRevision}, not after revision ${expected}; ` +
        'resend a batch with the expected revision it was first sent with, or give new events new ids',
      'events[0].id',
    );
  }
  if (!matches) throw new WrongExpectedRevisionError(streamId, expected, current);
  const last = stored[stored.length - 1]!;
  return { nextRevision: Number(last.revision), position: last.position };
}

function assertExpected(streamId: string, expected: ExpectedRevision, current: number | null): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current === null) ||
    (expected === 'stream_exists' && current !== null) ||
    expected === current;
  if (!ok) throw new WrongExpectedRevisionError(streamId, expected, current);
}
