import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLineBatches, readLines, type Line } from '../../src/cli/lib/lines.js';

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
});
