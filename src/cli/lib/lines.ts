/**
 * A text file's lines, streamed, with their 1-based numbers and byte counts
 * (for progress).
 *
 * Lines are split as node's readline splits them with `crlfDelay: Infinity`
 * (at `\n`, `\r\n` and a lone `\r`; a last line without a break still
 * counts; a break at the very end opens no empty line), but the file is read
 * in large chunks and handed out a chunk's lines at a time: an import reads
 * millions of lines twice, and one promise per line cost more than the split.
 *
 * The split works on bytes: in UTF-8 a break is one byte that is never part
 * of a longer character, so the breaks are found before decoding, each byte
 * is searched once however long its line, and a line that is not UTF-8 is
 * known by its number (it is handed out `malformed`, never silently
 * repaired). A byte-order mark opening the file is not part of line 1.
 */
import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';

export interface Line {
  readonly number: number;
  readonly text: string;
  /** Bytes this line took in the file, its line break included (a `\r\n` counts as one byte). */
  readonly bytes: number;
  /** Set only when the line's bytes are not UTF-8: why; `text` then shows each bad sequence as U+FFFD and is not the file's. */
  readonly malformed?: string;
}

/** Bytes per read: few enough reads that their round trips through the thread pool do not show. */
const READ_BYTES = 1 << 20;
/** Bytes split and decoded at once: 64 KiB, as fs streams read; decoding much more at once is several times slower per byte. */
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
  const splitBytes = Math.min(buffer.length, DECODE_BYTES);
  const splitter = new LineSplitter();
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      options.afterRead?.();
      if (bytesRead === 0) {
        const lines = splitter.end();
        if (lines.length > 0) yield lines;
        return;
      }
      for (let from = 0; from < bytesRead; from += splitBytes) {
        const lines = splitter.push(buffer.subarray(from, Math.min(bytesRead, from + splitBytes)));
        if (lines.length > 0) yield lines;
      }
    }
  } finally {
    await handle.close();
  }
}

/**
 * Splits a stream of byte chunks into lines. Each chunk is searched once, from
 * where the last line it completed ended; the bytes of an unfinished line are
 * kept as a list of copies and joined once, when its break arrives (a 16 MB
 * line costs as much as 16 MB of short ones).
 */
export class LineSplitter {
  private number = 0;
  /** The unfinished line: copies of its bytes from earlier chunks. */
  private pending: Buffer[] = [];
  /** The last chunk ended on `\r`: a `\n` opening the next one belongs to that break. */
  private pendingCr = false;

  /** The lines `chunk` completes. The caller may reuse the chunk's memory once this returns. */
  push(chunk: Buffer): Line[] {
    let start = 0;
    if (this.pendingCr) {
      this.pendingCr = false;
      if (chunk[0] === LF) start = 1;
    }
    /** Lines wholly inside the chunk, as [start, end) pairs. */
    const spans: number[] = [];
    let first: Line | null = null;
    // The next of each break, searched again only once passed: each search runs to the chunk's end when there is none.
    let lf = chunk.indexOf(LF, start);
    let cr = chunk.indexOf(CR, start);
    for (;;) {
      if (lf >= 0 && lf < start) lf = chunk.indexOf(LF, start);
      if (cr >= 0 && cr < start) cr = chunk.indexOf(CR, start);
      const at = cr >= 0 && (lf < 0 || cr < lf) ? cr : lf;
      if (at < 0) break;
      if (this.pending.length > 0) {
        this.pending.push(chunk.subarray(start, at));
        first = this.line(Buffer.concat(this.pending));
        this.pending = [];
      } else {
        spans.push(start, at);
      }
      if (at === cr) {
        if (at + 1 === chunk.length) {
          this.pendingCr = true;
          start = at + 1;
          break;
        }
        start = chunk[at + 1] === LF ? at + 2 : at + 1;
      } else {
        start = at + 1;
      }
    }
    if (start < chunk.length) this.pending.push(Buffer.from(chunk.subarray(start)));
    const lines = first === null ? [] : [first];
    this.spanLines(chunk, spans, lines);
    return lines;
  }

  /** The last line, when the input did not end with a break. */
  end(): Line[] {
    if (this.pending.length === 0) return [];
    const last = this.line(Buffer.concat(this.pending));
    this.pending = [];
    return [last];
  }

  /**
   * The lines of `spans`, pushed onto `lines`. Their bytes are checked and
   * decoded together (a break is never inside a character, so they are UTF-8
   * together exactly when each is): one string for the lot, which ASCII
   * lines, the usual case, are slices of.
   */
  private spanLines(chunk: Buffer, spans: readonly number[], lines: Line[]): void {
    let k = 0;
    // The file's first line may open with a byte-order mark: on its own.
    if (this.number === 0 && spans.length > 0) {
      lines.push(this.line(chunk.subarray(spans[0], spans[1])));
      k = 2;
    }
    if (k === spans.length) return;
    const from = spans[k]!;
    const to = spans[spans.length - 1]!;
    if (!isUtf8(chunk.subarray(from, to))) {
      for (; k < spans.length; k += 2) lines.push(this.line(chunk.subarray(spans[k], spans[k + 1])));
      return;
    }
    const text = chunk.toString('utf8', from, to);
    const ascii = text.length === to - from;
    // Where the line starts in `text`: a break is one character as it is one byte, so only the lines' own lengths differ.
    let at = 0;
    for (; k < spans.length; k += 2) {
      const start = spans[k]!;
      const end = spans[k + 1]!;
      const next = k + 2 < spans.length ? spans[k + 2]! : end;
      const stop = ascii ? end - from : next === end ? text.length : text.indexOf(chunk[end] === CR ? '\r' : '\n', at);
      lines.push({ number: ++this.number, text: text.slice(at, stop), bytes: end - start + 1 });
      at = stop + (next - end);
    }
  }

  /** One line from its bytes (without its break), checked on its own. */
  private line(bytes: Buffer): Line {
    const number = ++this.number;
    const body = number === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
    const line = { number, text: body.toString('utf8'), bytes: bytes.length + 1 };
    return isUtf8(body) ? line : { ...line, malformed: `not valid UTF-8 (byte ${firstInvalidByte(body) + 1} of the line)` };
  }
}

const LF = 10;
const CR = 13;

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence (the bytes are known not to be UTF-8). */
function firstInvalidByte(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length === 0) return i;
    i += length;
  }
  return bytes.length;
}

/** The length of the well-formed UTF-8 sequence at `i` (RFC 3629, table 3-7 of Unicode), or 0. */
function sequenceLength(bytes: Buffer, i: number): number {
  const b = bytes[i]!;
  if (b < 0x80) return 1;
  const [length, low, high] =
    b >= 0xc2 && b <= 0xdf ? [2, 0x80, 0xbf]
    : b === 0xe0 ? [3, 0xa0, 0xbf]
    : b === 0xed ? [3, 0x80, 0x9f]
    : b >= 0xe1 && b <= 0xef ? [3, 0x80, 0xbf]
    : b === 0xf0 ? [4, 0x90, 0xbf]
    : b === 0xf4 ? [4, 0x80, 0x8f]
    : b >= 0xf1 && b <= 0xf3 ? [4, 0x80, 0xbf]
    : [0, 0, 0];
  if (length === 0 || i + length > bytes.length) return 0;
  const second = bytes[i + 1]!;
  if (second < low || second > high) return 0;
  for (let k = 2; k < length; k++) {
    const next = bytes[i + k]!;
    if (next < 0x80 || next > 0xbf) return 0;
  }
  return length;
}
