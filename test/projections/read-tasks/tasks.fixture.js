/**
 * Read tasks for the worker runner's tests. Plain JavaScript: a worker thread
 * imports this very file (it cannot import TypeScript), so it imports only
 * the build (dist/) and says its types in tasks.fixture.d.ts.
 */
import { InputError } from '../../../dist/app/errors.js';

/**
 * Holds its thread until the test releases `gate` (sets its first cell and
 * notifies), then answers how it ended. On the request thread it would hold
 * that thread: no request could be answered meanwhile.
 */
export const heldUntilReleased = {
  module: import.meta.url,
  name: 'heldUntilReleased',
  run: (_db, { gate, maxMs }) => {
    Atomics.wait(gate, 0, 0, maxMs);
    return Atomics.load(gate, 0) === 1 ? 'released' : 'timed-out';
  },
};

/** The checkpoint the read-model file shows this task. */
export const checkpointSeen = {
  module: import.meta.url,
  name: 'checkpointSeen',
  run: (db) => db.prepare('SELECT checkpoint FROM projector WHERE id = 1').pluck().get(),
};

/** Refuses its input as a real task refuses bad input. */
export const refusingInput = {
  module: import.meta.url,
  name: 'refusingInput',
  run: (_db, { field }) => {
    throw new InputError(`${field} must be a past instant`, field, 'IN_THE_FUTURE');
  },
};

/** Fails as a bug would. */
export const failing = {
  module: import.meta.url,
  name: 'failing',
  run: () => {
    throw new TypeError('no such column: oops');
  },
};

/** Answers its label: the order in which labels come back is the order the tasks ran in. */
export const labelled = {
  module: import.meta.url,
  name: 'labelled',
  run: (_db, { label }) => label,
};

/** A fresh answer on every run: two callers with the same answer were answered by one run. */
export const drawn = {
  module: import.meta.url,
  name: 'drawn',
  run: () => ({ value: Math.random() }),
};
