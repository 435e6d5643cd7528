/**
 * A read worker (see worker-read-task-runner.ts): runs read tasks, one at a
 * time, on its own read-only connection to the read-model file, so that a
 * heavy query never holds the request thread.
 *
 * The connection is opened at the first task and closed when the pool asks
 * (before a rebuild swaps the file in); the next task opens the new file.
 * Each task runs in one read transaction: all its statements see the same
 * commit, the last one made before the task started (WAL: readers never wait
 * for the projector, nor it for them).
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { ReadTask } from './read-task.js';
import { toWire, type FromReadWorker, type ToReadWorker } from './read-task-protocol.js';

export interface ReadWorkerData {
  /** The read-model file. */
  readonly file: string;
}

const { file } = workerData as ReadWorkerData;
const port = parentPort!;
let db: Database.Database | null = null;
// One message at a time: a task's module may still be loading when the next message arrives.
let handled: Promise<void> = Promise.resolve();

port.on('message', (message: ToReadWorker) => {
  handled = handled.then(() => handle(message));
});

async function handle(message: ToReadWorker): Promise<void> {
  if (message.kind === 'close') {
    db?.close();
    db = null;
    send({ kind: 'closed' });
    return;
  }
  try {
    const task = await taskAt(message.module, message.name);
    const connection = (db ??= open());
    const result = connection.transaction(() => task.run(connection, message.args))();
    send({ kind: 'done', id: message.id, result });
  } catch (error) {
    send({ kind: 'failed', id: message.id, error: toWire(error) });
  }
}

/** As ReadModelDb's connection reads (integers as bigint), so a task gives the same result here as on the request thread. */
function open(): Database.Database {
  const connection = new Database(file, { readonly: true, fileMustExist: true, timeout: 5000 });
  connection.defaultSafeIntegers(true);
  return connection;
}

async function taskAt(module: string, name: string): Promise<ReadTask<unknown, unknown>> {
  const exports = (await import(module)) as Record<string, unknown>;
  const task = exports[name] as Partial<ReadTask<unknown, unknown>> | undefined;
  if (typeof task?.run !== 'function') throw new Error(`${module} exports no read task named ${name}`);
  return task as ReadTask<unknown, unknown>;
}

function send(message: FromReadWorker): void {
  port.postMessage(message);
}
