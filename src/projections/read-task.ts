/**
 * Read tasks: read-only queries over the read-model file whose result is
 * plain, structured-clonable data, so that they can run on this thread or on
 * a worker thread with its own read-only connection (a heavy query must
 * never hold the event loop: docs/ARCHITECTURE.md).
 *
 * A task names the module that exports it (`import.meta.url`) and its export
 * name, so a worker thread can import the very same function.
 */
import type Database from 'better-sqlite3';

export interface ReadTask<A, R> {
  /** URL of the module that exports the task: pass `import.meta.url`. */
  readonly module: string;
  /** The task's export name in that module. */
  readonly name: string;
  /** Pure in its arguments and the file's rows; `args` and the result are structured-clonable. */
  readonly run: (db: Database.Database, args: A) => R;
}

export function readTask<A, R>(module: string, name: string, run: (db: Database.Database, args: A) => R): ReadTask<A, R> {
  return { module, name, run };
}

/**
 * Runs read tasks: on this thread, or on worker threads (see the runner in
 * use). A task runs after everything committed before `run` was called: a
 * caller that waited for position P reads at least P.
 */
export interface ReadTaskRunner {
  /**
   * Errors thrown by the task come back as the same errors (app/errors.ts);
   * a runner may also refuse (ReadTasksBusyError) or stop the task (ReadTaskTimeoutError).
   */
  run<A, R>(task: ReadTask<A, R>, args: A): Promise<R>;
  /**
   * Runs `swap`, which replaces the read-model file (a rebuild, a start over),
   * while no task reads it and no connection of the runner's is open on it;
   * tasks run after it read the new file.
   */
  replacingFile<T>(swap: () => T): Promise<T>;
  close(): Promise<void>;
}

/** Runs each task on this thread, on the connection in use (tests, and small data). */
export class InlineReadTaskRunner implements ReadTaskRunner {
  constructor(private readonly connection: () => Database.Database) {}

  async run<A, R>(task: ReadTask<A, R>, args: A): Promise<R> {
    return task.run(this.connection(), args);
  }

  /** Tasks run on this thread: none is under way during `swap`, and the next one takes the connection then in use. */
  async replacingFile<T>(swap: () => T): Promise<T> {
    return swap();
  }

  async close(): Promise<void> {}
}
