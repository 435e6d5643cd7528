/**
 * The layers point one way (docs/ARCHITECTURE.md, CONTRIBUTING.md):
 *
 *   domain ← app ← projections ← graphql / cli / server
 *   (store: the port and its adapters, used by app and projections)
 *
 * `npm test` checks them in test/architecture/dependencies.test.ts (which
 * also shows each rule failing on a new violation); `npm run check:deps`
 * prints the same check. Type-only imports count: a layer that names
 * another's types depends on it. There is no allow-list: a new violation is
 * fixed, never listed.
 */

module.exports = {
  forbidden: [
    {
      name: 'domain-only-itself',
      comment: 'The domain is pure: it imports only itself (and zod, for its schemas), no other folder, no Node module.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/', '^node_modules/zod/'] },
    },
    {
      name: 'app-not-projections',
      comment: 'The write side (app) never reads the read side (projections): the read side follows the log the app writes.',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { path: '^src/projections/' },
    },
    {
      name: 'graphql-not-store-or-projections',
      comment: 'Resolvers parse, call an application service, and map: they never reach the store or the read models directly.',
      severity: 'error',
      from: { path: '^src/graphql/' },
      to: { path: '^src/(store|projections)/' },
    },
    {
      name: 'no-folder-cycles',
      comment: 'Folders depend on each other one way only.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts'],
    },
  },
};
