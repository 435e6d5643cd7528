import fs from 'node:fs';
import { defineConfig } from 'vitest/config';

/**
 * Three tiers (CONTRIBUTING.md), one vitest project each; `npm test` runs
 * them all. Every test file is in exactly one:
 * - unit: the domain, the application services, the projections, the
 *   stores and the shared test helpers' own specs, in this process (no build, no server, no other process): about
 *   a minute. `npm run test:unit`.
 * - e2e: the real server over HTTP and WebSocket (test/e2e). `npm run test:e2e`.
 * - int: everything else: the parts wired together (GraphQL, server, CLI,
 *   analytics…), and the unit folders' tests listed in NOT_UNIT.
 *   `npm run test:int` (builds first: some tests run dist/).
 */
const UNIT_FOLDERS = ['test/domain/', 'test/app/', 'test/projections/', 'test/store/', 'test/support/'];
/** In the unit folders, but they start worker threads or processes running dist/, or need a server. */
const NOT_UNIT = [
  'test/projections/parallel-catch-up.test.ts',
  'test/projections/worker-read-tasks.test.ts',
  'test/store/sqlite-crash.test.ts',
  'test/store/sqlite-file.test.ts',
  'test/store/eventstoredb-contract.test.ts',
];

const testFiles = fs
  .readdirSync('test', { recursive: true, encoding: 'utf8' })
  .map((file) => `test/${file.split('\\').join('/')}`)
  .filter((file) => file.endsWith('.test.ts'));
const isE2e = (file: string) => file.startsWith('test/e2e/');
const isUnit = (file: string) => UNIT_FOLDERS.some((folder) => file.startsWith(folder)) && !NOT_UNIT.includes(file);
const tiers = {
  unit: testFiles.filter(isUnit),
  int: testFiles.filter((file) => !isUnit(file) && !isE2e(file)),
  e2e: testFiles.filter(isE2e),
};

export default defineConfig({
  resolve: {
    // graphql 16 ships both index.mjs and index.js; vite and Node would each load one
    // ("Cannot use GraphQLSchema from another module or realm"). Pin the bare import.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: Object.entries(tiers).map(([name, include]) => ({ extends: true, test: { name, include } })),
  },
});
