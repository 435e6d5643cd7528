/**
 * Time, injected. Production uses the system clock; tests use `ManualClock` and
 * move time forward instead of sleeping.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /**
   * Calls `fn` once the clock reaches `at` (epoch ms). Returns a cancel function.
   * Timers never fire early; a timer set in the past fires on the next tick.
   */
  setTimer(at: number, fn: () => void): () => void;
}

/** Node's timers cap at ~24.8 days; longer waits are chained. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(at, fn) {
    let handle: NodeJS.Timeout;
    const arm = (): void => {
      const wait = at - Date.now();
      if (wait > MAX_TIMEOUT_MS) handle = setTimeout(arm, MAX_TIMEOUT_MS);
      else handle = setTimeout(fn, Math.max(0, wait));
      handle.unref?.();
    };
    arm();
    return () => clearTimeout(handle);
  },
};

/** A clock that only moves when told to; due timers fire in time order on `advance`/`set`. */
export class ManualClock implements Clock {
  private current: number;
  private timers: { at: number; fn: () => void; seq: number }[] = [];
  private seq = 0;

  constructor(start: number | string) {
    this.current = typeof start === 'string' ? Date.parse(start) : start;
  }

  now(): number {
    return this.current;
  }

  setTimer(at: number, fn: () => void): () => void {
    const timer = { at, fn, seq: this.seq++ };
    this.timers.push(timer);
    if (at <= this.current) queueMicrotask(() => this.fireDue());
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  advance(ms: number): void {
    this.set(this.current + ms);
  }

  set(at: number | string): void {
    const target = typeof at === 'string' ? Date.parse(at) : at;
    if (target < this.current) throw new Error('ManualClock cannot go backwards');
    this.current = target;
    this.fireDue();
  }

  private fireDue(): void {
    const due = this.timers.filter((t) => t.at <= this.current).sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.timers = this.timers.filter((t) => t.at > this.current);
    for (const timer of due) timer.fn();
  }
}
