import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { endOnAbort } from '../../src/server/end-on-abort.js';

/** The compiled module (built by `npm test`'s pretest step), for a child process that can force GC. */
const DIST_END_ON_ABORT = path.resolve(fileURLToPath(import.meta.url), '../../../dist/server/end-on-abort.js');

/** A source that yields what is pushed into it, and records whether it was ended. */
function pushSource<T>() {
  const queued: T[] = [];
  let waiting: ((result: IteratorResult<T>) => void) | null = null;
  let failure: unknown = undefined;
  const state = { returned: false };
  const iterator: AsyncIterableIterator<T> = {
    next: () => {
      if (failure !== undefined) return Promise.reject(failure);
      if (queued.length > 0) return Promise.resolve({ value: queued.shift()!, done: false });
      if (state.returned) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (waiting = resolve));
    },
    return: async () => {
      state.returned = true;
      waiting?.({ value: undefined, done: true });
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return {
    iterator,
    state,
    push(value: T) {
      if (waiting) {
        const resolve = waiting;
        waiting = null;
        resolve({ value, done: false });
      } else queued.push(value);
    },
    fail(error: unknown) {
      failure = error;
    },
  };
}

describe('ending a subscription on shutdown', () => {
  it('passes items through in order while the signal stays quiet', async () => {
    const source = pushSource<number>();
    const ended = endOnAbort(source.iterator, new AbortController().signal);
    source.push(1);
    source.push(2);
    expect(await ended.next()).toEqual({ value: 1, done: false });
    expect(await ended.next()).toEqual({ value: 2, done: false });
    const third = ended.next();
    source.push(3);
    expect(await third).toEqual({ value: 3, done: false });
  });

  it('completes a waiting next() when the signal aborts, and ends the source', async () => {
    const source = pushSource<number>();
    const controller = new AbortController();
    const ended = endOnAbort(source.iterator, controller.signal);
    const waiting = ended.next();
    controller.abort();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(source.state.returned).toBe(true);
    expect(await ended.next()).toEqual({ value: undefined, done: true });
  });

  it('is complete at once on a signal that already aborted', async () => {
    const source = pushSource<number>();
    const controller = new AbortController();
    controller.abort();
    const ended = endOnAbort(source.iterator, controller.signal);
    source.push(1);
    expect(await ended.next()).toEqual({ value: undefined, done: true });
    expect(source.state.returned).toBe(true);
  });

  it('passes a failure of the source on', async () => {
    const source = pushSource<number>();
    const ended = endOnAbort(source.iterator, new AbortController().signal);
    source.fail(new Error('overflow'));
    await expect(ended.next()).rejects.toThrow('overflow');
  });

  it('ends the source when the client goes away', async () => {
    const source = pushSource<number>();
    const ended = endOnAbort(source.iterator, new AbortController().signal);
    await ended.return();
    expect(source.state.returned).toBe(true);
  });

  // A subscription lives for days: nothing may pile up per item it delivers.
  it('keeps nothing per item delivered', () => {
    expect(fs.existsSync(DIST_END_ON_ABORT)).toBe(true);
    const script = `
      const { endOnAbort } = await import(${JSON.stringify(DIST_END_ON_ABORT)});
      async function* source() { for (let i = 0; ; i++) yield { i }; }
      const controller = new AbortController();
      const ended = endOnAbort(source(), controller.signal);
      for (let i = 0; i < 10000; i++) await ended.next();
      globalThis.gc();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < 300000; i++) await ended.next();
      globalThis.gc();
      console.log(process.memoryUsage().heapUsed - before);
      controller.abort();
    `;
    const child = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    // Racing each next() against one long-lived promise kept about 380 bytes per item (over 100 MB here).
    expect(Number(child.stdout.trim())).toBeLessThan(10 * 2 ** 20);
  });
});
