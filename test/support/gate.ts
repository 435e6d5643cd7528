/**
 * A gate in shared memory: a read task held on it (test/projections/read-tasks)
 * waits, on whatever thread runs it, until the test calls `release()`. A test
 * that proves a request is answered while a heavy read runs holds one there.
 */
export function gate(): { cell: Int32Array; release: () => void } {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  return {
    cell,
    release: () => {
      Atomics.store(cell, 0, 1);
      Atomics.notify(cell, 0);
    },
  };
}
