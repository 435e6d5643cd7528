import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { printCourtshipSchema } from '../../graphql/schema.js';
import { parseOptions, type Command } from '../command.js';

const HELP = `Usage: courtship schema [--out <file>]

Prints the GraphQL schema (SDL) the server serves, sorted by name.

  --out <file>   write it to <file> instead of stdout

The committed copy is schema/schema.graphql; after changing the schema, run
  npm run build && npm run schema:emit
`;

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'print or write the GraphQL schema (SDL)',
  help: HELP,
  async run(args, io) {
    const { values } = parseOptions('schema', args, { out: { type: 'string' } });
    const sdl = await printCourtshipSchema();
    if (values.out === undefined) {
      io.stdout.write(sdl);
      return 0;
    }
    const file = resolve(io.cwd, values.out);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, sdl, 'utf8');
    io.stderr.write(`wrote ${file}\n`);
    return 0;
  },
};
