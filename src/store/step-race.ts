/**
 * Races the steps of an iteration, one at a time, against its end, leaving
 * nothing behind per step: only the step waiting right now holds a resolver,
 * replaced on each step. (Racing every step against one promise that lives as
 * long as the iteration would pile a reaction onto it per step, each holding
 * what that step delivered.) Used by the EventStoreDB subscription and by the
 * server's shutdown of subscriptions.
 */
export class StepRace<E> {
  private endWaiting: (() => void) | null = null;
  private ended = false;

  /** `endValue`: what a step ended by `end()` settles with. */
  constructor(private readonly endValue: E) {}

  /** What `step` settles with, or the end value as soon as `end()` is called, whichever comes first. */
  race<T>(step: Promise<T>): Promise<T | E> {
    if (this.ended) return Promise.resolve(this.endValue);
    return new Promise((resolve, reject) => {
      const end = (): void => resolve(this.endValue);
      this.endWaiting = end;
      step.then(
        (value) => {
          if (this.endWaiting === end) this.endWaiting = null;
          resolve(value);
        },
        (error: unknown) => {
          if (this.endWaiting === end) this.endWaiting = null;
          reject(error);
        },
      );
    });
  }

  /** Ends the step waiting now, and every later one, with the end value. */
  end(): void {
    this.ended = true;
    const end = this.endWaiting;
    this.endWaiting = null;
    end?.();
  }
}
