/**
 * One append to EventStoreDB, retried while the server is unavailable, and
 * never written twice. What makes a resend safe depends on the expected
 * revision (docs/EVENTSTOREDB.md, "Retries"):
 * - an exact revision or `no_stream`: the server compares the resent ids with
 *   the events at the expected place in the stream and answers the first
 *   result (the index, not a cache: it holds after a restart or a leader change);
 * - `any` or `stream_exists`: the server recognises a resend only while the
 *   first write is in the bounded in-memory cache of the node that wrote it. So
 *   before resending, the adapter reads the stream's tail back: if the batch is
 *   there (by its last event id), that is the answer; if not, it resends
 *   expecting the revision it found, which the server checks by ids as above.
 *   When the tail is too long to be sure, it refuses to resend.
 */
import { NO_STREAM, STREAM_EXISTS, WrongExpectedVersionError } from '@eventstore/db-client';
import type { AppendExpectedRevision, JSONEventData } from '@eventstore/db-client';
import { StoreUnavailableError, WrongExpectedRevisionError, type ExpectedRevision, type RecordedEvent } from './port.js';
import { backoffDelay, toClientRevision, withTimeout, type EsdbClient, type EsdbLogger, type Integer } from './eventstoredb-client.js';
import { isUnavailable, messageOf, toStoreError, type ErrorContext } from './eventstoredb-errors.js';

/** How many of a stream's last events a resend of `any` / `stream_exists` reads back to find its batch. */
export const READ_BACK_WINDOW = 1000;

export interface Acknowledgement {
  readonly nextExpectedRevision: Integer;
  readonly position?: { readonly commit: Integer };
}

export interface AppendRetrySettings {
  readonly appendAttempts: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly callTimeoutMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly logger?: EsdbLogger;
}

export interface AppendTarget {
  readonly client: EsdbClient;
  readonly settings: AppendRetrySettings;
  readonly isClosed: () => boolean;
  /** The stream's last `maxCount` events, newest first; empty when it does not exist. */
  readonly readTail: (streamId: string, maxCount: number) => Promise<RecordedEvent[]>;
  readonly noAnswer: (what: string, ms: number) => Error;
}

/** The client answered `success: false` (it does so for a conflict when `throwOnAppendFailure` is off). */
class AppendRefused extends Error {}

/** Thrown as is: the batch may be in the stream and cannot be found, so a resend could write it twice. */
class OutcomeUnknownError extends StoreUnavailableError {}

type ReadBack = { readonly found: Acknowledgement } | { readonly resendExpecting: AppendExpectedRevision };

export async function appendWithRetries(
  target: AppendTarget,
  streamId: string,
  payload: readonly JSONEventData[],
  expected: ExpectedRevision,
  context: ErrorContext,
): Promise<Acknowledgement> {
  const { appendAttempts, backoffBaseMs, backoffMaxMs, callTimeoutMs } = target.settings;
  const cacheOnly = expected === 'any' || expected === 'stream_exists';
  const asked = toClientRevision(expected);
  let sending = asked;
  let readBack = false;
  for (let n = 1; ; n++) {
    try {
      if (readBack) {
        const outcome = await readBackBatch(target, streamId, payload, expected);
        if ('found' in outcome) return outcome.found;
        sending = outcome.resendExpecting;
        readBack = false;
      }
      const answer = await withTimeout(
        target.client.appendToStream(streamId, [...payload], { expectedRevision: sending }),
        callTimeoutMs,
        () => target.noAnswer('an append', callTimeoutMs),
      );
      if (answer.success === false) throw new AppendRefused();
      return answer;
    } catch (error) {
      if (error instanceof OutcomeUnknownError) throw error;
      const refused = error instanceof AppendRefused || error instanceof WrongExpectedVersionError;
      // A resend pinned to the revision read back conflicts when another writer got in first: look again.
      const pinnedConflict = refused && sending !== asked;
      if (refused && !pinnedConflict) {
        if (error instanceof AppendRefused) throw await conflict(target, streamId, expected);
        throw toStoreError(error, context);
      }
      if (!pinnedConflict && !isUnavailable(error)) throw toStoreError(error, context);
      if (n >= appendAttempts || target.isClosed()) {
        throw pinnedConflict
          ? new StoreUnavailableError(
              `the append to ${streamId} could not be completed: other writers kept changing the stream while it was retried`,
            )
          : toStoreError(error, context);
      }
      readBack = cacheOnly;
      const delayMs = backoffDelay(n, backoffBaseMs, backoffMaxMs);
      target.settings.logger?.warn({ attempt: n, delayMs, err: messageOf(error) }, 'EventStoreDB unavailable; retrying the append');
      await target.settings.sleep(delayMs);
    }
  }
}

async function readBackBatch(
  target: AppendTarget,
  streamId: string,
  payload: readonly JSONEventData[],
  expected: ExpectedRevision,
): Promise<ReadBack> {
  const lastId = String(payload.at(-1)!.id).toLowerCase();
  const tail = await target.readTail(streamId, READ_BACK_WINDOW);
  const mine = tail.find((event) => event.id.toLowerCase() === lastId);
  if (mine) return { found: { nextExpectedRevision: mine.revision, position: { commit: mine.position } } };
  if (tail.length >= READ_BACK_WINDOW) {
    throw new OutcomeUnknownError(
      `the append to ${streamId} may have been written before EventStoreDB became unavailable, and the stream has grown ` +
        `too much since to tell; it was not resent, to avoid writing it twice (read the stream to see whether it is there)`,
    );
  }
  if (tail.length === 0) return { resendExpecting: expected === 'any' ? NO_STREAM : STREAM_EXISTS };
  return { resendExpecting: BigInt(tail[0]!.revision) };
}

/** The conflict a `success: false` answer stands for, with the stream's actual revision read back. */
async function conflict(target: AppendTarget, streamId: string, expected: ExpectedRevision): Promise<WrongExpectedRevisionError> {
  const [last] = await target.readTail(streamId, 1);
  return new WrongExpectedRevisionError(streamId, expected, last ? last.revision : null);
}
