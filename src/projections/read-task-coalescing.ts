/**
 * Identical heavy reads asked at the same time run once. A task still
 * waiting for a read worker has not begun its read transaction, so a caller
 * who asks for the very same task (same function, same arguments) while it
 * waits is answered by it without losing read-your-writes: whatever that
 * caller waited for was committed before the task will start reading. A
 * running task is never joined (it may have begun reading before the
 * caller's writes).
 *
 * Fifty dashboards opening the same page of relationships by decay score at
 * once take one place in the queue instead of fifty.
 */

/** Why arguments cannot be keyed: holding something JSON would not tell apart. */
const NOT_PLAIN = Symbol('not plain data');

/**
 * The key of a task and its arguments, or null when the arguments are not
 * plain data (typed arrays, shared memory, maps, class instances: JSON would
 * make different ones look alike), which then never coalesce.
 */
export function coalescingKey(module: string, name: string, args: unknown): string | null {
  try {
    return `${module}#${name}#${JSON.stringify(args, plainValue)}`;
  } catch (error) {
    if (error === NOT_PLAIN) return null;
    throw error;
  }
}

function plainValue(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) throw NOT_PLAIN;
  return value;
}
