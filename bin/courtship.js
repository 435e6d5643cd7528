#!/usr/bin/env node
// The compiled CLI; `npm run build` (run by `npm install` through `prepare`) produces it.
await import('../dist/cli/main.js');
