import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { printCourtshipSchema } from '../../src/graphql/schema.js';

it('the committed schema/schema.graphql is the schema the code builds', async () => {
  const committed = readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');
  const built = await printCourtshipSchema();
  expect(
    built === committed,
    'schema/schema.graphql is out of date: regenerate it with `npm run build && npm run schema:emit` and commit it',
  ).toBe(true);
});
