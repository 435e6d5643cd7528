import { COMMANDS } from './registry.js';
import { runCli } from './run.js';

/** `npx courtship …` (bin/courtship.js) and `npm run courtship -- …`. */
process.exitCode = await runCli(process.argv.slice(2), COMMANDS, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
