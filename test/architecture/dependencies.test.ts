/**
 * The layers point one way (.dependency-cruiser.cjs, CONTRIBUTING.md). The
 * source keeps the rules, with no exception; and each rule really fails on a
 * violation, shown on a small tree written for it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  readonly type: string;
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string; readonly severity: string };
}

/** Runs depcruise on `src` under `cwd` with the project's config; its violations. */
function cruise(cwd: string): Promise<Violation[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [DEPCRUISE, 'src', '--config', CONFIG, '--output-type', 'json'],
      { cwd, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (stdout.trimStart().startsWith('{')) resolve((JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations);
        else reject(error ?? new Error(`depcruise wrote no report: ${stderr}`));
      },
    );
  });
}

const show = (violations: readonly Violation[]) => violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();

describe('the source', () => {
  it('keeps the layer rules', async () => {
    expect(show(await cruise(ROOT)), 'fix them: there is no allow-list').toEqual([]);
  }, 120_000);
});

/** A tree with one violation of each rule, beside dependencies that keep them. */
const FIXTURE: Record<string, string> = {
  'tsconfig.json': '{ "compilerOptions": { "module": "NodeNext", "moduleResolution": "NodeNext", "strict": true } }',
  'src/domain/pure.ts': 'export const x = 1;\n',
  'src/domain/leaky.ts': "import { b } from '../cli/b.js';\nimport fs from 'node:fs';\nexport const z = [b, fs];\n",
  'src/app/service.ts': "import { x } from '../domain/pure.js';\nimport type { Port } from '../store/port.js';\nexport const y: Port = { x };\n",
  'src/app/new-reader.ts': "import { o } from '../projections/other.js';\nexport const n = o;\n",
  'src/projections/other.ts': 'export const o = 1;\n',
  'src/store/port.ts': 'export interface Port { x: number }\n',
  'src/store/calls-app.ts': "import { y } from '../app/service.js';\nexport const s = y;\n",
  'src/graphql/resolvers/record.ts': "import { y } from '../../app/service.js';\nexport const r = y;\n",
  'src/graphql/resolvers/new-resolver.ts': "import type { Port } from '../../store/port.js';\nexport type N = Port;\n",
  'src/server/a.ts': "import { b } from '../cli/b.js';\nexport const a = b;\n",
  'src/server/c.ts': 'export const c = 1;\n',
  'src/cli/b.ts': "import { c } from '../server/c.js';\nexport const b = c;\n",
};

describe('the dependency rules, on a tree with violations', () => {
  let dir: string;
  let violations: Violation[];
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'courtship-deps-'));
    for (const [file, text] of Object.entries(FIXTURE)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    violations = await cruise(dir);
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const errors = () => show(violations.filter((v) => v.rule.severity === 'error'));

  it('fails the domain importing another folder or a Node module', () => {
    expect(errors()).toContain('domain-only-itself: src/domain/leaky.ts → src/cli/b.ts');
    expect(errors().filter((e) => e.startsWith('domain-only-itself: src/domain/leaky.ts → ') && e.endsWith('fs'))).toHaveLength(1);
  });

  it('fails the app importing the projections', () => {
    expect(errors()).toContain('app-not-projections: src/app/new-reader.ts → src/projections/other.ts');
  });

  it('fails a resolver importing the store, even for a type, not one calling the app', () => {
    expect(errors()).toContain('graphql-not-store-or-projections: src/graphql/resolvers/new-resolver.ts → src/store/port.ts');
    expect(errors().filter((e) => e.includes('src/graphql/resolvers/record.ts'))).toEqual([]);
  });

  it('fails a cycle between folders', () => {
    const cycles = errors().filter((e) => e.startsWith('no-folder-cycles: '));
    expect(cycles).toEqual([
      'no-folder-cycles: src/app → src/store',
      'no-folder-cycles: src/cli → src/server',
      'no-folder-cycles: src/server → src/cli',
      'no-folder-cycles: src/store → src/app',
    ]);
  });

  it('reports nothing else: two for the domain, one each for the app and the resolver, four for the cycles', () => {
    expect(errors()).toHaveLength(2 + 1 + 1 + 4);
  });
});
