/**
 * The schema lint (eslint.config.mjs: @graphql-eslint's recommended schema
 * rules, plus a description on every field and argument) over the committed
 * SDL, and the conventions codegen and clients rely on.
 */
import { readFileSync } from 'node:fs';
import graphql from '@graphql-eslint/eslint-plugin';
import { ESLint } from 'eslint';
import { buildSchema, isScalarType } from 'graphql';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;

describe('the schema lint', () => {
  it('finds nothing in schema/schema.graphql', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const [result] = await eslint.lintFiles(['schema/schema.graphql']);
    const problems = result!.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
    expect(problems).toEqual([]);
  });

  it("runs every recommended schema rule but the two that fight the fixed contract", async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const config = (await eslint.calculateConfigForFile('schema/schema.graphql')) as { rules: Record<string, [number, ...unknown[]]> };
    const recommended = Object.keys(graphql.configs['flat/schema-recommended'].rules);
    const off = recommended.filter((rule) => config.rules[rule]?.[0] !== 2);
    expect(off.sort()).toEqual(['@graphql-eslint/no-typename-prefix', '@graphql-eslint/strict-id-in-types']);
  });

  it('fails a type without a description (the lint can fail)', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const sdl = `${readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8')}\ntype Undescribed implements Node { id: ID! }\n`;
    const [result] = await eslint.lintText(sdl, { filePath: 'schema/schema.graphql' });
    expect(result!.messages.map((m) => m.ruleId)).toContain('@graphql-eslint/require-description');
  });
});

describe('DateTime', () => {
  it('says which specification it follows', () => {
    const sdl = buildSchema(readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));
    const dateTime = sdl.getType('DateTime');
    expect(isScalarType(dateTime) && dateTime.specifiedByURL).toBe('https://scalars.graphql.org/andimarek/date-time');
  });
});
