import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Where a command reads its environment and writes its output; tests pass their own. */
export interface CommandIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/**
 * One `courtship <name>` command. Adding a command is one file in
 * src/cli/commands/ exporting one of these, plus one line in registry.ts.
 */
export interface Command {
  readonly name: string;
  /** One line, shown in `courtship --help`. */
  readonly summary: string;
  /** The full text of `courtship <name> --help`. */
  readonly help: string;
  /** Returns the exit code: 0 done, 1 failed. Throw UsageError for bad arguments (exit code 2). */
  run(args: readonly string[], io: CommandIo): Promise<number>;
}

/** A registry line: the command's name and how to load it. */
export interface CommandEntry {
  readonly name: string;
  load(): Promise<Command>;
}

/** Bad arguments: the CLI prints the message and a pointer to `--help`, and exits with 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help to point at, e.g. "token create". */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs in strict mode, with its errors turned into UsageErrors. */
export function parseOptions<O extends Options>(
  command: string,
  args: readonly string[],
  options: O,
  positionals: { min: number; max: number } = { min: 0, max: 0 },
) {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: positionals.max > 0, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), command);
  }
  if (parsed.positionals.length < positionals.min) throw new UsageError('missing argument', command);
  if (parsed.positionals.length > positionals.max) {
    throw new UsageError(`unexpected argument "${parsed.positionals[positionals.max]}"`, command);
  }
  return parsed;
}
