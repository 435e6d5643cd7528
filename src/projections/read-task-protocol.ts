/**
 * What the read workers (read-task-worker.ts) and their pool
 * (worker-read-task-runner.ts) say to each other, and how an error thrown by
 * a task crosses the thread boundary as the same error.
 */
import { InputError, NotFoundError } from '../app/errors.js';

/** To a worker: run a task (its module already mapped to one Node can import), or close the connection. */
export type ToReadWorker =
  | { readonly kind: 'run'; readonly id: number; readonly module: string; readonly name: string; readonly args: unknown }
  | { readonly kind: 'close' };

/** From a worker: a task's result or error (by the id it was sent with), or that its connection is closed. */
export type FromReadWorker =
  | { readonly kind: 'done'; readonly id: number; readonly result: unknown }
  | { readonly kind: 'failed'; readonly id: number; readonly error: WireError }
  | { readonly kind: 'closed' };

/** An error as plain data: its class's name, message, stack and own fields (code, field, reason…). */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly fields: Record<string, unknown>;
}

/**
 * Errors a task may throw on purpose, rebuilt as instances of their class on
 * the caller's side so that the GraphQL edge codes them as it does for a
 * task run on the request thread. Any other error comes back as an Error
 * with the same name and message (an internal error to clients).
 */
const CROSSING: Record<string, { prototype: Error }> = { InputError, NotFoundError };

export function toWire(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), stack: undefined, fields: {} };
  let fields: Record<string, unknown> = { ...error };
  try {
    structuredClone(fields);
  } catch {
    fields = {};
  }
  return { name: error.name, message: error.message, stack: error.stack, fields };
}

export function fromWire(wire: WireError): Error {
  const crossing = Object.hasOwn(CROSSING, wire.name) ? CROSSING[wire.name] : undefined;
  const error = crossing ? (Object.create(crossing.prototype) as Error) : new Error(wire.message);
  Object.assign(error, wire.fields);
  Object.defineProperty(error, 'message', { value: wire.message, writable: true, configurable: true, enumerable: false });
  error.name = wire.name;
  if (wire.stack !== undefined) error.stack = wire.stack;
  return error;
}
