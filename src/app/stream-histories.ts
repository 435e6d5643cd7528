/**
 * The decoded streams of the relationships that recently took a late fact,
 * so the next late fact to the same relationship (a migration sending pages,
 * a rep catching up on a week of calls) is placed without reading and
 * decoding its whole stream again. The command service uses a stream only
 * when it ends at the store's current revision; the projector's fold extends
 * the ones it holds as it records their events. Least recently used streams
 * are dropped first.
 */
import type { StoredEvent } from '../domain/events.js';

export class StreamHistories {
  private readonly streams = new Map<string, StoredEvent[]>();

  constructor(private readonly limit = 64) {}

  /** The stream, when the one held ends at `revision`. */
  get(streamId: string, revision: number): readonly StoredEvent[] | undefined {
    const stream = this.streams.get(streamId);
    if (stream === undefined) return undefined;
    if ((stream.at(-1)?.revision ?? -1) !== revision) {
      this.streams.delete(streamId);
      return undefined;
    }
    // Most recently used last.
    this.streams.delete(streamId);
    this.streams.set(streamId, stream);
    return stream;
  }

  /** The stream held, whatever its end (a fold that extends it as it goes). */
  held(streamId: string): StoredEvent[] | undefined {
    const stream = this.streams.get(streamId);
    if (stream !== undefined) {
      this.streams.delete(streamId);
      this.streams.set(streamId, stream);
    }
    return stream;
  }

  clear(): void {
    this.streams.clear();
  }

  set(streamId: string, stream: StoredEvent[]): void {
    this.streams.delete(streamId);
    this.streams.set(streamId, stream);
    if (this.streams.size > this.limit) this.streams.delete(this.streams.keys().next().value!);
  }

  /** Appends what was just written to a stream held (`items` start right after its end); forgets it otherwise. */
  extend(streamId: string, items: readonly StoredEvent[]): void {
    const stream = this.streams.get(streamId);
    if (stream === undefined) return;
    if ((stream.at(-1)?.revision ?? -1) + 1 !== items[0]?.revision) {
      this.streams.delete(streamId);
      return;
    }
    stream.push(...items);
  }
}
