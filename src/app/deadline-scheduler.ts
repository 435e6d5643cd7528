/**
 * Records time-based transitions (neglect, left at the altar or moved on by
 * silence, contract lapse) when their instant comes, as `DeadlineReached`
 * events in the relationship's stream (docs/ARCHITECTURE.md).
 *
 * - It keeps each relationship's next deadline in a min-heap, updated from
 *   the projector after every batch, and arms one timer for the earliest.
 * - When a deadline is due it appends one `DeadlineReached` (actor SYSTEM,
 *   occurredAt = the deadline instant, even when the server was down then)
 *   with the expected revision of the state it was computed from, and an
 *   event id derived from the stream, rule and instant. Replicas racing on
 *   one store therefore write it once: the loser gets a conflict (or an
 *   idempotent success) and drops it. The projector then brings the new
 *   state, whose next deadline (if already due, the next link of a chain) is
 *   scheduled in turn; every replica's projector announces the change to its
 *   own subscribers.
 *
 * Start it once the projector has caught up: deadlines computed from a stale
 * state are refused by the expected revision, which is safe but wasted work.
 */
import type { Clock } from './clock.js';
import { deadlineEventId } from './deadline-id.js';
import { relationshipKey, type ReadSide, type RelationshipRow } from './read-side.js';
import { deadlineEvent, nextDeadline, type Deadline } from '../domain/deadlines.js';
import type { Rules } from '../domain/rules.js';
import { DeadlineQueue } from './deadline-queue.js';
import { decodeRecorded, streamIdFor, toNewEvent } from './relationship-stream.js';
import { WrongExpectedRevisionError, type EventStore } from '../store/port.js';

/** What the scheduler needs from the read side. */
export interface DeadlineSource extends Pick<ReadSide, 'getRelationship' | 'onApplied'> {
  /** Each relationship's next deadline (of every tenant, those with one): what a start schedules, without every state in memory. */
  deadlines(): Iterable<{ tenant: string; id: string; at: number }>;
}

export interface DeadlineSchedulerLogger {
  error(details: Record<string, unknown>, message: string): void;
}

export interface DeadlineSchedulerOptions {
  readonly store: EventStore;
  readonly source: DeadlineSource;
  readonly clock: Clock;
  readonly rules: Rules;
  /** Wait before retrying a deadline whose append failed for another reason than a conflict. */
  readonly retryDelayMs?: number;
  readonly logger?: DeadlineSchedulerLogger;
}

const DEFAULT_RETRY_DELAY_MS = 5000;

export class DeadlineScheduler {
  private readonly queue = new DeadlineQueue();
  private readonly inFlight = new Set<Promise<void>>();
  private unsubscribe: (() => void) | null = null;
  private timer: { at: number; cancel: () => void } | null = null;
  private running = false;

  constructor(private readonly options: DeadlineSchedulerOptions) {}

  /** Number of relationships with a pending deadline. */
  get pending(): number {
    return this.queue.size;
  }

  /** The earliest pending deadline instant (epoch ms), if any. */
  get nextDueAt(): number | null {
    return this.queue.peek()?.at ?? null;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.options.source.onApplied(({ rows }) => {
      for (const row of rows) this.index(row);
      this.arm();
    });
    for (const due of this.options.source.deadlines()) this.queue.set(relationshipKey(due.tenant, due.id), due.at);
    this.arm();
  }

  /** Stops scheduling and waits for appends already under way. */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.timer?.cancel();
    this.timer = null;
    await Promise.all([...this.inFlight]);
  }

  private index(row: RelationshipRow): void {
    this.queue.set(relationshipKey(row.tenant, row.id), nextDeadline(row.state, this.options.rules)?.at ?? null);
  }

  /** One timer, for the earliest deadline; re-armed only when that instant changes. */
  private arm(): void {
    if (!this.running) return;
    const at = this.queue.peek()?.at;
    if (this.timer?.at === at) return;
    this.timer?.cancel();
    this.timer = at === undefined ? null : { at, cancel: this.options.clock.setTimer(at, () => this.fire()) };
  }

  private fire(): void {
    this.timer = null;
    if (!this.running) return;
    const now = this.options.clock.now();
    for (let due = this.queue.popDue(now); due; due = this.queue.popDue(now)) {
      const [tenant, id] = splitKey(due.key);
      const row = this.options.source.getRelationship(tenant, id);
      const deadline = row ? nextDeadline(row.state, this.options.rules) : null;
      if (!row || !deadline) continue;
      if (deadline.at > now) {
        this.queue.set(due.key, deadline.at);
        continue;
      }
      const recording = this.record(row, deadline).finally(() => this.inFlight.delete(recording));
      this.inFlight.add(recording);
    }
    this.arm();
  }

  private async record(row: RelationshipRow, deadline: Deadline): Promise<void> {
    const { store, logger } = this.options;
    const streamId = streamIdFor(row.tenant, row.id);
    const event = toNewEvent(deadlineEventId(streamId, deadline), row.tenant, row.id, deadlineEvent(deadline));
    try {
      await store.append(streamId, [event], row.state.version);
    } catch (error) {
      // Someone wrote first (another replica, or a client): the projector brings their state.
      if (error instanceof WrongExpectedRevisionError) return this.explainConflict(row, deadline);
      logger?.error(
        { err: error, tenant: row.tenant, relationshipId: row.id, rule: deadline.rule },
        'recording a deadline failed; retrying',
      );
      if (!this.running) return;
      // Unless the projector has meanwhile brought a newer state, which was indexed afresh.
      const key = relationshipKey(row.tenant, row.id);
      if (!this.queue.has(key)) {
        this.queue.set(key, this.options.clock.now() + (this.options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS));
        this.arm();
      }
    }
  }

  /**
   * A conflict is normally someone writing first, and the projector then brings
   * their state (scheduled afresh). But events this release cannot read (an
   * unknown type, a newer schema: written by a newer release) are passed over
   * by the fold, so the state never reaches the stream's revision and no new
   * state ever comes: that deadline cannot be recorded here, and is said so.
   */
  private async explainConflict(row: RelationshipRow, deadline: Deadline): Promise<void> {
    const { store, logger } = this.options;
    try {
      const newer = await store.readStream(streamIdFor(row.tenant, row.id), { fromRevision: row.state.version + 1 });
      if (newer.length === 0 || newer.some((recorded) => decodeRecorded(recorded) !== null)) return;
      logger?.error(
        {
          tenant: row.tenant,
          relationshipId: row.id,
          rule: deadline.rule,
          foldedRevision: row.state.version,
          streamRevision: newer[newer.length - 1]!.revision,
          unreadable: newer.map((recorded) => recorded.type),
        },
        'a deadline cannot be recorded: the stream ends with events this release cannot read (written by a newer release?); a release that reads them records it',
      );
    } catch (error) {
      logger?.error({ err: error, tenant: row.tenant, relationshipId: row.id }, 'checking a deadline conflict failed');
    }
  }
}

function splitKey(key: string): [string, string] {
  const separator = key.indexOf('\u0000');
  return [key.slice(0, separator), key.slice(separator + 1)];
}
