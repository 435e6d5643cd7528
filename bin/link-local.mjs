#!/usr/bin/env node
// `npx courtship …` inside this checkout: npm looks for the command in
// node_modules/.bin, where a package's own bin is never linked. Link it there
// (run by `prepare`, so `npm ci` / `npm install` do it), or npx would look for
// a package called "courtship" in the registry instead.
import { chmodSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'bin', 'courtship.js');
const binDir = join(root, 'node_modules', '.bin');
const link = join(binDir, 'courtship');

mkdirSync(binDir, { recursive: true });
rmSync(link, { force: true });
symlinkSync(relative(binDir, target), link);
chmodSync(target, 0o755);
