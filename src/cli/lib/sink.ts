/**
 * Where a command writes a large output (a file or stdout), with
 * backpressure: a write waits while the destination's buffer is full, so an
 * export of millions of events holds a few chunks in memory, not the file.
 */
import fs from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { CommandIo } from '../command.js';

export interface Sink {
  write(text: string): Promise<void>;
  /** Flushes and, for a file, closes it. */
  close(): Promise<void>;
}

/** Small writes are gathered into chunks of about this size (a syscall per line would dominate). */
const CHUNK_CHARS = 64 * 1024;

export function openSink(io: CommandIo, file: string | undefined): Sink {
  const stream: Writable | null = file === undefined ? null : fs.createWriteStream(file, { encoding: 'utf8' });
  const target = stream ?? io.stdout;
  let pending = '';

  const flush = async (): Promise<void> => {
    if (pending === '') return;
    const chunk = pending;
    pending = '';
    const accepted = target.write(chunk);
    // Only real streams signal backpressure; injected test writers accept everything.
    if (accepted === false && typeof (target as Partial<Writable>).once === 'function') await once(target as Writable, 'drain');
  };

  return {
    async write(text) {
      pending += text;
      if (pending.length >= CHUNK_CHARS) await flush();
    },
    async close() {
      await flush();
      if (stream !== null) {
        stream.end();
        await once(stream, 'finish');
      }
    },
  };
}
