/**
 * Acknowledged appends survive `kill -9` at any moment: a child process
 * appends continuously and reports each acknowledged append; it is killed at a
 * random moment, several times over the same file; reopening shows every
 * acknowledged event, in order, exactly once, and no partial batch.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { DIST_SQLITE, FIXTURES, assertBuilt } from './fixtures/dist.js';

interface Ack {
  streamId: string;
  ids: string[];
}

/** Runs the writer until it has acknowledged `acks` appends, then SIGKILLs it. */
async function runAndKill(dataDir: string, runId: string, acks: number): Promise<Ack[]> {
  const child = spawn(process.execPath, [path.join(FIXTURES, 'crash-writer.mjs'), DIST_SQLITE, dataDir, runId], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const acknowledged: Ack[] = [];
  // Keep reading after the kill: lines written before it died are acknowledged too.
  for await (const line of readline.createInterface({ input: child.stdout })) {
    if (line === 'ready') continue;
    acknowledged.push(JSON.parse(line) as Ack);
    if (acknowledged.length === acks) child.kill('SIGKILL');
  }
  // A writer that died on its own (or acknowledged too little) would leave nothing to check.
  expect(await exited).toBe('SIGKILL');
  expect(acknowledged.length).toBeGreaterThanOrEqual(acks);
  return acknowledged;
}

describe('the SQLite store under kill -9', () => {
  let dataDir: string;
  beforeAll(() => {
    assertBuilt();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-crash-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('keeps every acknowledged event, in order, exactly once, with no partial batch', async () => {
    const acknowledged: Ack[] = [];
    for (let run = 0; run < 4; run++) {
      const target = 50 + Math.floor(Math.random() * 400);
      acknowledged.push(...(await runAndKill(dataDir, `run${run}`, target)));

      const store = openSqliteStore({ dataDir });
      try {
        const log = await store.readAll();
        const index = new Map(log.map((e, i) => [e.id, i]));
        expect(index.size).toBe(log.length);

        // Every acknowledged event is there, and acknowledged appends keep their order in the log.
        const positions = acknowledged.flatMap((ack) => ack.ids.map((id) => index.get(id)));
        expect(positions.every((p) => p !== undefined)).toBe(true);
        for (let i = 1; i < positions.length; i++) expect(positions[i]!).toBeGreaterThan(positions[i - 1]!);

        // Batches are whole: at most one unacknowledged (but committed) batch per run, and whole too.
        const batches = new Map<string, number>();
        for (const e of log) {
          const { batch } = e.metadata as { batch: string };
          batches.set(batch, (batches.get(batch) ?? 0) + 1);
        }
        for (const e of log) expect(batches.get((e.metadata as { batch: string }).batch)).toBe((e.metadata as { size: number }).size);
        expect(log.length - positions.length).toBeLessThanOrEqual(5 * (run + 1));

        // Stream revisions are contiguous from 0.
        for (const streamId of await store.listStreams({ prefix: 'crash-' })) {
          const revisions = (await store.readStream(streamId)).map((e) => e.revision);
          expect(revisions).toEqual(revisions.map((_, i) => i));
        }
      } finally {
        await store.close();
      }
    }
  });
});
