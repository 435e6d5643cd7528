/**
 * Keeps the decay references (tables/decay-references.ts) fresh in the
 * background, on the thread that writes the read-model file: a slice of
 * rows at a time, the next slice at once while more are due (letting the
 * event loop run between slices), else a second later.
 */
import type { Clock } from '../app/clock.js';
import { REFRESHED_PER_SLICE } from './tables/decay-reference-refresh.js';

/** Between rounds when nothing more was due. */
const IDLE_MS = 1000;

export class DecayReferenceRefresher {
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private stopped = false;

  /**
   * `clock`: the one "now" lists read at (the server's: a bench's starts in the past);
   * `refresh(at, limit)`: refreshes up to `limit` references due by `at`, says how many.
   */
  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly refresh: (at: number, limit: number) => number,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /** The clock less the system's (a write thread refreshes to the same instants). */
  get clockOffsetMs(): number {
    return this.clock.now() - Date.now();
  }

  start(): void {
    this.stopped = false;
    if (this.timer === null) this.schedule(false);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = null;
    }
  }

  private schedule(more: boolean): void {
    if (this.stopped) return;
    const run = () => {
      this.timer = null;
      let refreshed = 0;
      try {
        refreshed = this.refresh(this.clock.now(), REFRESHED_PER_SLICE);
      } catch (error) {
        this.onError(error);
      }
      this.schedule(refreshed >= REFRESHED_PER_SLICE);
    };
    if (more) this.timer = setImmediate(run);
    else {
      const timeout = setTimeout(run, IDLE_MS);
      timeout.unref();
      this.timer = timeout;
    }
  }
}
