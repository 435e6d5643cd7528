import type { Command, CommandEntry, CommandIo } from './command.js';
import { UsageError } from './command.js';

/**
 * Dispatches `courtship <command> [args]`. Exit codes: 0 done, 1 the command
 * failed, 2 bad usage (unknown command, bad or missing arguments).
 */
export async function runCli(argv: readonly string[], registry: readonly CommandEntry[], io: CommandIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.stderr.write(globalHelp(await Promise.all(registry.map((entry) => entry.load()))));
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? args[0] : undefined;
    if (topic === undefined) {
      io.stdout.write(globalHelp(await Promise.all(registry.map((entry) => entry.load()))));
      return 0;
    }
    const entry = registry.find((c) => c.name === topic);
    if (entry === undefined) return unknownCommand(topic, io);
    io.stdout.write((await entry.load()).help);
    return 0;
  }
  const entry = registry.find((c) => c.name === name);
  if (entry === undefined) return unknownCommand(name, io);
  const command = await entry.load();
  // `--help` anywhere before a `--` asks for help rather than running anything.
  const beforeSeparator = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
  if (beforeSeparator.includes('--help') || beforeSeparator.includes('-h')) {
    io.stdout.write(command.help);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`courtship ${command.name}: ${error.message}\nRun "courtship ${error.command ?? command.name} --help" for usage.\n`);
      return 2;
    }
    io.stderr.write(`courtship ${command.name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

function unknownCommand(name: string, io: CommandIo): number {
  io.stderr.write(`courtship: unknown command "${name}". Run "courtship --help" for the list of commands.\n`);
  return 2;
}

function globalHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: courtship <command> [options]',
    '',
    'Vendor–customer relationships as event streams, over a GraphQL API.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "courtship <command> --help" for a command\'s options.',
    'The API server itself: npm start (node dist/server/main.js).',
    '',
  ].join('\n');
}
