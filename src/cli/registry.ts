import type { CommandEntry } from './command.js';

/**
 * Every `courtship <command>`, in the order `--help` lists them. A command's
 * module is imported only when it runs, so `courtship token …` does not pay
 * for loading the GraphQL schema or the store.
 */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'token', load: async () => (await import('./commands/token.js')).tokenCommand },
  { name: 'schema', load: async () => (await import('./commands/schema.js')).schemaCommand },
  { name: 'import', load: async () => (await import('./commands/import.js')).importCommand },
  { name: 'export', load: async () => (await import('./commands/export.js')).exportCommand },
  { name: 'replay', load: async () => (await import('./commands/replay.js')).replayCommand },
  { name: 'simulate', load: async () => (await import('./commands/simulate.js')).simulateCommand },
  { name: 'demo', load: async () => (await import('./commands/demo.js')).demoCommand },
];
