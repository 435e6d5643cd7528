/**
 * Lets the event loop run whatever is waiting (requests' I/O, timers) before
 * going on: long work on the request thread done in slices awaits this
 * between slices. (Awaiting a promise that is already settled does not:
 * microtasks run before any I/O.)
 */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
