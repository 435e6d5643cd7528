/** A text file's lines, streamed, with their 1-based numbers and byte counts (for progress). */
import fs from 'node:fs';
import readline from 'node:readline';

export interface Line {
  readonly number: number;
  readonly text: string;
  /** Bytes this line took in the file, its line break included. */
  readonly bytes: number;
}

export async function* readLines(file: string): AsyncGenerator<Line> {
  const input = fs.createReadStream(file, { encoding: 'utf8' });
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let number = 0;
  try {
    for await (const text of lines) {
      number++;
      yield { number, text, bytes: Buffer.byteLength(text) + 1 };
    }
  } finally {
    lines.close();
    input.destroy();
  }
}
