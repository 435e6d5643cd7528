/**
 * Keeps `npm run bench` from rotting: the compiled entry runs a tiny store and
 * domain workload and writes a well-formed report. Nothing here is about speed.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ENTRY = path.resolve('dist/bench/main.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-bench-smoke-'));

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Row {
  section: string;
  courtship: { value: number; unit: string };
  baseline: { name: string; value: number };
  ratio: number;
}

describe('npm run bench, on a tiny log', () => {
  it('reports every store and domain figure next to a baseline, as Markdown and as JSON', async () => {
    const out = path.join(dir, 'results.json');
    const { stdout } = await run(process.execPath, [ENTRY, '--events', '100', '--only', 'store,domain', '--out', out], {
      timeout: 90_000,
    });

    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { rows: Row[]; scale: { events: number } };
    expect(new Set(report.rows.map((r) => r.section))).toEqual(new Set(['store', 'domain']));
    for (const row of report.rows) {
      expect(row.courtship.value).toBeGreaterThan(0);
      expect(row.baseline.value).toBeGreaterThan(0);
      expect(Number.isFinite(row.ratio)).toBe(true);
    }
    expect(report.rows.map((r) => r.baseline.name)).toEqual(expect.arrayContaining(['raw better-sqlite3', 'Emmett SQLite']));
    expect(stdout).toContain('| section | measure | Courtship | baseline (same run) | ratio | goal |');
  }, 120_000);

  it('sizes the log in relationships and reports the RSS of the server that loaded them', async () => {
    const out = path.join(dir, 'sized.json');
    await run(process.execPath, [ENTRY, '--relationships', '20', '--only', 'memory', '--out', out], { timeout: 90_000 });

    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { rows: (Row & { name: string })[]; scale: { mode: string; relationships: number } };
    expect(report.scale).toMatchObject({ mode: 'relationships', relationships: 20 });
    const resident = report.rows.find((r) => r.name.startsWith('server RSS once caught up, 20 relationships'));
    expect(resident?.courtship.value).toBeGreaterThan(0);
    expect(resident?.baseline.name).toBe('same server, empty log');
  }, 120_000);

  it('refuses an unknown section with a usage message', async () => {
    await expect(run(process.execPath, [ENTRY, '--only', 'nonsense'], { timeout: 30_000 })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown section nonsense'),
    });
  });
});
