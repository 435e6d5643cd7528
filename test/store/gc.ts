/**
 * A full garbage collection on demand, for tests that check what a store lets
 * go of (with WeakRef), without timing anything or measuring the heap. Uses
 * `globalThis.gc` when Node runs with --expose-gc; otherwise turns the flag on
 * just long enough to fetch `gc` from a fresh context.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

export async function collectGarbage(): Promise<void> {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
    v8.setFlagsFromString('--no-expose-gc');
  }
  // A WeakRef's target stays alive until the job that made or read it ends.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

/** How many of `refs` still point at a live object. */
export function alive(refs: readonly WeakRef<object>[]): number {
  return refs.filter((ref) => ref.deref() !== undefined).length;
}
