/**
 * The append loop of the write path: read the stream → fold → decide (domain
 * invariants, due deadlines) → append with the folded revision as the
 * expected revision → wait, bounded, until the read side has applied it
 * (read-your-writes).
 *
 * The append always names the revision `decide` saw, so a concurrent writer
 * can never slip an event between the check and the write. When the caller
 * gave no expected version ("any"), a lost race is retried against the new
 * state; when it did, the race is the caller's CONFLICT.
 */
import { randomUUID } from 'node:crypto';
import { decideWithState, needsHistory } from '../domain/decide.js';
import type { CourtshipEvent, StoredEvent } from '../domain/events.js';
import { foldHistory } from '../domain/history.js';
import { initialState, type RelationshipState } from '../domain/state.js';
import { encodePosition, WrongExpectedRevisionError, type RecordedEvent } from '../store/port.js';
import type { Prepared } from './command-input.js';
import type { AppendEventsResult, CommandServiceDeps } from './commands.js';
import { deadlineEventId } from './deadline-id.js';
import { ConflictError, NotFoundError } from './errors.js';
import { findRetry } from './idempotent-retry.js';
import type { RelationshipRow } from './read-side.js';
import { decodeRecorded, toNewEvent } from './relationship-stream.js';
import { StreamHistories } from './stream-histories.js';

const RETRIES_ON_RACE = 5;

export class StreamWriter {
  /** Streams recently read to place a late fact, kept decoded for the next one. */
  private readonly histories = new StreamHistories();

  constructor(private readonly deps: CommandServiceDeps) {}

  /**
   * Decides and appends the checked batch to `streamId`, `expected` being the
   * version the caller last saw (null: any); the caller queues the writes to
   * one stream.
   */
  async write(
    input: { readonly tenant: string; readonly relationshipId: string },
    expected: number | null,
    prepared: readonly Prepared[],
    streamId: string,
  ): Promise<AppendEventsResult> {

    for (let attempt = 0; ; attempt++) {
      const { state, recorded, stream } = await this.load(input.tenant, input.relationshipId, streamId, prepared);

      const retry = findRetry(recorded ?? [], prepared);
      if (retry) return { row: this.row(input.tenant, input.relationshipId, state, retry.position), position: retry.position, replayed: true };

      if (expected !== null && expected !== state.version) {
        throw new ConflictError(input.relationshipId, expected, state.version);
      }
      if (state.phase === null && prepared[0]!.event.type !== 'RelationshipOpened') {
        throw new NotFoundError('relationship', input.relationshipId, {
          field: 'relationshipId',
          reason: 'NOT_OPENED',
          hint: `a relationship starts with RelationshipOpened, not ${prepared[0]!.event.type}`,
        });
      }

      const decision = decideWithState(
        { relationshipId: input.relationshipId, events: prepared.map((p) => p.event) },
        state,
        { now: this.deps.clock.now(), rules: this.deps.rules },
        stream,
      );
      const toAppend = decision.events;
      const newEvents = matchIds(toAppend, prepared).map(({ event, id, metadata }) =>
        toNewEvent(id ?? deadlineOrRandomId(streamId, event), input.tenant, input.relationshipId, event, metadata),
      );

      try {
        const result = await this.deps.store.append(streamId, newEvents, state.version < 0 ? 'no_stream' : state.version);
        const written = toAppend.map((event, i) => ({ event, revision: state.version + 1 + i }));
        // Keeps a held stream current: the next late fact to it needs no read.
        if (stream !== undefined) this.histories.set(streamId, [...stream, ...written]);
        else this.histories.extend(streamId, written);
        await this.settle(result.position);
        return { row: this.row(input.tenant, input.relationshipId, decision.state, result.position), position: result.position, replayed: false };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        const current = error.actualRevision ?? -1;
        if (expected !== null || attempt >= RETRIES_ON_RACE) {
          throw new ConflictError(input.relationshipId, expected, current);
        }
      }
    }
  }

  /**
   * The stream's current state, and its recorded events when an idempotent
   * retry must be looked for (whenever an event of the batch carries an id)
   * or a late fact placed (an event dated before the history's last one); null
   * when they were not read. The stream is read and folded only when it must
   * be: a new stream has nothing to read, and the projector's row is the same
   * fold when it is at the stream's revision (its states are never mutated,
   * and `decide` copies what it changes).
   */
  private async load(
    tenant: string,
    relationshipId: string,
    streamId: string,
    prepared: readonly Prepared[],
  ): Promise<{ state: RelationshipState; recorded: readonly RecordedEvent[] | null; stream: readonly StoredEvent[] | undefined }> {
    const needsIds = prepared.some((p) => p.id !== null);
    const revision = await this.deps.store.streamRevision(streamId);
    if (revision === null) return { state: initialState(relationshipId), recorded: [], stream: [] };
    const projected = this.deps.readSide?.getRelationship(tenant, relationshipId);
    const current = projected && projected.state.version === revision ? projected.state : null;
    if (!needsIds && current !== null) {
      if (!needsHistory(current, prepared.map((p) => p.event))) return { state: current, recorded: null, stream: undefined };
      const held = this.histories.get(streamId, revision);
      if (held !== undefined) return { state: current, recorded: null, stream: held };
    }
    const recorded = await this.deps.store.readStream(streamId);
    const stream = recorded.map(toStored);
    this.histories.set(streamId, stream.slice());
    return { state: current ?? foldHistory(stream, this.deps.rules, initialState(relationshipId)), recorded, stream };
  }

  /** Read-your-writes: the projector has applied `position` before we answer, within a bound. */
  private async settle(position: bigint): Promise<void> {
    if (!this.deps.readSide) return;
    try {
      await this.deps.readSide.waitFor(position, this.deps.consistencyTimeoutMs ?? 5000);
    } catch {
      // The write is durable; the answer below comes from our own fold, so it
      // still reflects it. Later reads may lag until the projector catches up.
    }
  }

  private row(tenant: string, id: string, state: RelationshipState, position: bigint): RelationshipRow {
    const projected = this.deps.readSide?.getRelationship(tenant, id);
    if (projected && projected.state.version >= state.version) return projected;
    return { tenant, id, state, position };
  }
}

function toStored(recorded: RecordedEvent): StoredEvent {
  const decoded = decodeRecorded(recorded);
  if (!decoded) throw new Error(`event ${recorded.id} in ${recorded.streamId} is not a relationship event`);
  return {
    event: decoded.event,
    revision: decoded.revision,
    position: encodePosition(decoded.position),
    recordedAt: recorded.recordedAt.getTime(),
  };
}

/** `decide` returns the incoming events (same objects, same order) with due deadlines inserted between them. */
function matchIds(toAppend: readonly CourtshipEvent[], prepared: readonly Prepared[]): Prepared[] {
  let next = 0;
  return toAppend.map((event) => {
    const incoming = prepared[next];
    if (incoming && incoming.event === event) {
      next++;
      return incoming;
    }
    return { event, id: null, metadata: null };
  });
}

function deadlineOrRandomId(streamId: string, event: CourtshipEvent): string {
  if (event.type === 'DeadlineReached') return deadlineEventId(streamId, { rule: event.data.rule, at: event.data.deadline });
  return randomUUID();
}
