/**
 * A full garbage collection now and then, for the import's long passes.
 *
 * V8 runs its first full collection only once the old generation reaches its
 * initial limit (hundreds of MB on a 64-bit machine), whatever the live heap:
 * importing 1M events (about 30 MB live while writing) let the garbage of
 * parsed lines grow the process to 520-620 MB. The limit is fixed when the
 * process starts (`--max-old-space-size`), and a hard cap would crash a large
 * import whose live state needs more; a collection every so many lines bounds
 * the garbage instead, at the cost of one full collection per interval (tens
 * of ms against seconds of work).
 */
import v8 from 'node:v8';
import vm from 'node:vm';

/** Lines between two collections: ~50 MB of a pass's garbage on the bench's log. */
export const LINES_PER_COLLECTION = 200_000;

let collect: (() => void) | null | undefined;

/** V8's collector, reached once through a fresh context (the flag is read when a context is made). */
function collector(): (() => void) | null {
  if (collect !== undefined) return collect;
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return (collect = exposed);
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('typeof gc === "function" ? gc : null');
    collect = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    collect = null;
  }
  return collect;
}

/** Counts lines and collects the garbage every `every` lines (where the runtime allows it). */
export class GarbageBound {
  private since = 0;

  constructor(
    private readonly every = LINES_PER_COLLECTION,
    private readonly collectGarbage: () => void = () => collector()?.(),
  ) {}

  /** Counts `lines` more; collects once `every` have passed since the last collection. */
  count(lines: number): void {
    this.since += lines;
    if (this.since < this.every) return;
    this.since = 0;
    this.now();
  }

  /** Collects now (between passes, once the first pass's states are freed). */
  now(): void {
    this.collectGarbage();
  }
}
