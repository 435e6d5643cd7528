import type { Command } from './command.js';
import { tokenCommand } from './commands/token.js';

/** Every `courtship <command>`, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [tokenCommand];
