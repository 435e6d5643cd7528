/**
 * Read-your-writes: callers waiting until the projector has applied a position.
 */
import { ProjectionTimeoutError } from '../app/errors.js';

interface Waiter {
  readonly position: bigint;
  readonly resolve: () => void;
  readonly timer: NodeJS.Timeout;
}

export class PositionWaiters {
  private waiters: Waiter[] = [];
  /** Last position reported, for the timeout message. */
  private checkpoint: bigint | null = null;

  /** Resolves once `reached` is called with a position at or past `position`. */
  wait(position: bigint, checkpoint: bigint | null, timeoutMs: number): Promise<void> {
    if (checkpoint !== null && checkpoint >= position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        position,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new ProjectionTimeoutError(position, this.checkpoint, timeoutMs));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  reached(checkpoint: bigint): void {
    this.checkpoint = checkpoint;
    if (this.waiters.length === 0) return;
    const remaining: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.position <= checkpoint) {
        clearTimeout(waiter.timer);
        waiter.resolve();
      } else {
        remaining.push(waiter);
      }
    }
    this.waiters = remaining;
  }
}
