/**
 * A text file's lines, streamed, with their 1-based numbers and byte counts
 * (for progress).
 *
 * Lines are split as node's readline splits them with `crlfDelay: Infinity`
 * (at `\n`, `\r\n` and a lone `\r`; a last line without a break still
 * counts; a break at the very end opens no empty line), but the file is read
 * in large chunks and handed out a chunk's lines at a time: an import reads
 * millions of lines twice, and one promise per line cost more than the split.
 */
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export interface Line {
  readonly number: number;
  readonly text: string;
  /** Bytes this line took in the file, its line break included (a `\r\n` counts as one byte). */
  readonly bytes: number;
}

/** Bytes per read: few enough reads that their round trips through the thread pool do not show. */
const READ_BYTES = 1 << 20;
/** Bytes decoded into one string: 64 KiB, as fs streams read; decoding much more at once is several times slower per byte. */
const DECODE_BYTES = 1 << 16;

export async function* readLines(file: string): AsyncGenerator<Line> {
  for await (const lines of readLineBatches(file)) yield* lines;
}

/**
 * The file's lines, a chunk's worth at a time, in order. `afterRead`, when
 * given, runs after each read of the file and before any line it read is
 * handed out (the importer checks there that the file has not changed since
 * it was checked). `chunkBytes` (tests) makes reads and chunks that small.
 */
export async function* readLineBatches(
  file: string,
  options: { readonly chunkBytes?: number; readonly afterRead?: () => void } = {},
): AsyncGenerator<Line[]> {
  const handle = await fs.promises.open(file, 'r');
  const buffer = Buffer.allocUnsafe(options.chunkBytes ?? READ_BYTES);
  const decodeBytes = Math.min(buffer.length, DECODE_BYTES);
  const decoder = new StringDecoder('utf8');
  let number = 0;
  /** The unfinished last line of the chunks so far. */
  let rest = '';
  /** A chunk ended on `\r`: a `\n` opening the next one belongs to that break. */
  let pendingCr = false;

  /** The lines that `decoded` completes; the last line too at the end of the file. */
  const split = (decoded: string, end: boolean): Line[] => {
    const text = rest + decoded;
    let start = 0;
    if (pendingCr && text.charCodeAt(0) === LF) start = 1;
    pendingCr = false;
    // Every character one byte (ASCII text, the usual case): a line's bytes are its length.
    const oneByteChars = Buffer.byteLength(decoded) === decoded.length && isOneByte(rest);
    const lines: Line[] = [];
    // The next `\r`, searched again only once passed: most files have none, and each search runs to the chunk's end.
    let cr = text.indexOf('\r', start);
    for (;;) {
      const lf = text.indexOf('\n', start);
      if (cr >= 0 && cr < start) cr = text.indexOf('\r', start);
      const at = cr >= 0 && (lf < 0 || cr < lf) ? cr : lf;
      if (at < 0) break;
      const line = text.slice(start, at);
      lines.push({ number: ++number, text: line, bytes: (oneByteChars ? line.length : Buffer.byteLength(line)) + 1 });
      if (at === cr) {
        if (at + 1 === text.length) {
          pendingCr = true;
          start = at + 1;
          break;
        }
        start = text.charCodeAt(at + 1) === LF ? at + 2 : at + 1;
      } else {
        start = at + 1;
      }
    }
    rest = text.slice(start);
    if (end && rest !== '') {
      lines.push({ number: ++number, text: rest, bytes: Buffer.byteLength(rest) + 1 });
      rest = '';
    }
    return lines;
  };

  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      options.afterRead?.();
      if (bytesRead === 0) {
        const lines = split(decoder.end(), true);
        if (lines.length > 0) yield lines;
        return;
      }
      for (let from = 0; from < bytesRead; from += decodeBytes) {
        const lines = split(decoder.write(buffer.subarray(from, Math.min(bytesRead, from + decodeBytes))), false);
        if (lines.length > 0) yield lines;
      }
    }
  } finally {
    await handle.close();
  }
}

const LF = 10;

function isOneByte(text: string): boolean {
  return text === '' || Buffer.byteLength(text) === text.length;
}
