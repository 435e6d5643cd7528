import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LineSplitter, readLineBatches, readLines, type Line } from '../../src/cli/lib/lines.js';

/** What the importer read before lines.ts split chunks itself: node's readline, `crlfDelay: Infinity`. */
async function readlineLines(file: string): Promise<Line[]> {
  const input = fs.createReadStream(file, { encoding: 'utf8' });
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  const out: Line[] = [];
  for await (const text of lines) out.push({ number: out.length + 1, text, bytes: Buffer.byteLength(text) + 1 });
  return out;
}

async function batchedLines(file: string, chunkBytes: number): Promise<Line[]> {
  const out: Line[] = [];
  for await (const batch of readLineBatches(file, { chunkBytes })) out.push(...batch);
  return out;
}

describe('reading lines', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-lines-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  // Breaks of every kind, multi-byte characters (split across chunks by the tiny chunk sizes), blank lines.
  const pieces = fc.constantFrom('a', 'bc', '{"x":1}', ' ', 'é', '€', '😀', '\n', '\r', '\r\n', '\n\n', '\r\r');
  const texts = fc.array(pieces, { maxLength: 60 }).map((parts) => parts.join(''));

  it('splits as readline does, whatever the chunk size', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(texts, fc.integer({ min: 1, max: 9 }), async (text, chunkBytes) => {
        const file = path.join(dir, `lines-${run++}.txt`);
        fs.writeFileSync(file, text);
        expect(await batchedLines(file, chunkBytes)).toEqual(await readlineLines(file));
      }),
      { numRuns: 300 },
    );
  });

  it('reads an empty file as no line, and a file of one break as one empty line', async () => {
    const empty = path.join(dir, 'empty.txt');
    fs.writeFileSync(empty, '');
    expect(await batchedLines(empty, 4)).toEqual([]);
    const oneBreak = path.join(dir, 'break.txt');
    fs.writeFileSync(oneBreak, '\r\n');
    expect(await batchedLines(oneBreak, 1)).toEqual([{ number: 1, text: '', bytes: 1 }]);
  });

  it('streams a large file line by line with the same numbers and byte counts', async () => {
    const file = path.join(dir, 'large.ndjson');
    const rows = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ i, name: i % 7 === 0 ? 'Zoë' : 'Zoe' }));
    fs.writeFileSync(file, `${rows.join('\n')}\n`);
    const lines: Line[] = [];
    for await (const line of readLines(file)) lines.push(line);
    expect(lines).toEqual(await readlineLines(file));
    expect(lines.reduce((sum, line) => sum + line.bytes, 0)).toBe(fs.statSync(file).size);
  });

  it('runs afterRead once per chunk read, before that chunk is handed out', async () => {
    const file = path.join(dir, 'chunks.txt');
    fs.writeFileSync(file, 'ab\ncd\nef\n');
    const events: string[] = [];
    for await (const batch of readLineBatches(file, { chunkBytes: 3, afterRead: () => events.push('read') })) {
      events.push(batch.map((line) => line.text).join(','));
    }
    expect(events).toEqual(['read', 'ab', 'read', 'cd', 'read', 'ef', 'read']);
  });
  it('searches each byte of a long line once and joins its pieces once, however many chunks it spans', () => {
    const chunks = 1_000;
    const size = 1_000;
    let searched = 0;
    /** A chunk that counts the bytes its searches run over (to the match, or to its end). */
    const counted = (text: string): Buffer => {
      const chunk = Buffer.from(text);
      chunk.indexOf = ((value: number, from: number) => {
        const found = Buffer.prototype.indexOf.call(chunk, value, from);
        searched += (found < 0 ? chunk.length : found + 1) - from;
        return found;
      }) as Buffer['indexOf'];
      return chunk;
    };
    const concat = vi.spyOn(Buffer, 'concat');
    try {
      const splitter = new LineSplitter();
      const lines: Line[] = [];
      for (let i = 0; i < chunks; i++) lines.push(...splitter.push(counted('x'.repeat(size))));
      lines.push(...splitter.push(counted('x\nnext')), ...splitter.end());

      expect(lines.map((line) => line.text.length)).toEqual([chunks * size + 1, 4]);
      const total = chunks * size + 6;
      // Two searches (for `\n` and for `\r`) each cross every byte once at most.
      expect(searched).toBeLessThanOrEqual(2 * total);
      const joined = concat.mock.calls.reduce((sum, [pieces]) => sum + pieces.reduce((n, piece) => n + piece.length, 0), 0);
      expect(joined).toBeLessThanOrEqual(total);
    } finally {
      concat.mockRestore();
    }
  });

  it('hands out a line that is not UTF-8 as malformed, naming the bad byte, and reads the others as they are', async () => {
    const file = path.join(dir, 'latin1.txt');
    fs.writeFileSync(file, Buffer.concat([Buffer.from('good é\nZo'), Buffer.from([0xeb]), Buffer.from('\r\n'), Buffer.from([0xe2, 0x82]), Buffer.from('\nlast €')]));
    for (const chunkBytes of [1, 2, 3, 5, 64]) {
      const lines = await batchedLines(file, chunkBytes);
      expect(lines.map(({ number, malformed }) => ({ number, malformed }))).toEqual([
        { number: 1, malformed: undefined },
        { number: 2, malformed: 'not valid UTF-8 (byte 3 of the line)' },
        { number: 3, malformed: 'not valid UTF-8 (byte 1 of the line)' },
        { number: 4, malformed: undefined },
      ]);
      expect(lines[0]!.text).toBe('good é');
      expect(lines[3]!.text).toBe('last €');
    }
  });

  it('drops a byte-order mark opening the file, and only there', async () => {
    const file = path.join(dir, 'bom.txt');
    fs.writeFileSync(file, '\uFEFF{"a":1}\n\uFEFF{"b":2}\n');
    for (const chunkBytes of [1, 2, 4, 64]) {
      expect(await batchedLines(file, chunkBytes)).toEqual([
        { number: 1, text: '{"a":1}', bytes: 11 },
        { number: 2, text: '\uFEFF{"b":2}', bytes: 11 },
      ]);
    }
  });
});
