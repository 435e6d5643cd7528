/**
 * What the API reads from the event log itself rather than from the read
 * models: a relationship's whole history (to re-fold it as of a past
 * instant), and where the log ends (to tell a position no write has reached
 * from one the read models have not applied yet). Resolvers use this, never
 * the store.
 */
import type { StoredEvent } from '../domain/events.js';
import type { EventStore } from '../store/port.js';
import { PositionNotInLogError } from './errors.js';
import type { ReadSide } from './read-side.js';
import { streamIdFor, toStoredEvents } from './relationship-stream.js';

export class EventLog {
  constructor(private readonly store: Pick<EventStore, 'readStream' | 'headPosition'>) {}

  /** A relationship's stream as the domain folds it (empty when it does not exist). */
  async history(tenant: string, relationshipId: string): Promise<StoredEvent[]> {
    return toStoredEvents(await this.store.readStream(streamIdFor(tenant, relationshipId)));
  }

  /** Position of the log's last event; null when it is empty. */
  headPosition(): Promise<bigint | null> {
    return this.store.headPosition();
  }

  /**
   * Read-your-writes: resolves once the read side has applied `position`.
   * A position no write has reached yet is the caller's mistake, not
   * something to wait for (PositionNotInLogError); a read side that does
   * not get there in `timeoutMs` rejects with ProjectionTimeoutError.
   */
  async awaitApplied(readSide: Pick<ReadSide, 'checkpoint' | 'waitFor'>, position: bigint, timeoutMs: number): Promise<void> {
    await this.checkInLog(readSide, position);
    await readSide.waitFor(position, timeoutMs);
  }

  /**
   * Refuses (PositionNotInLogError) a position no write has reached: one
   * past the read side's checkpoint and past the log's end. A subscription's
   * `after` would otherwise wait, silently, until the log grew past it.
   */
  async checkInLog(readSide: Pick<ReadSide, 'checkpoint'>, position: bigint): Promise<void> {
    const checkpoint = readSide.checkpoint();
    if (checkpoint !== null && position <= checkpoint) return;
    const head = await this.store.headPosition();
    if (head === null || position > head) throw new PositionNotInLogError(position, head);
  }
}
