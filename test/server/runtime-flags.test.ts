import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '../../src/server/runtime-flags.js';

describe('the V8 flags of the server', () => {
  it('are the same for npm start, the Dockerfile and the bench', () => {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe(`node ${SERVER_NODE_FLAGS.join(' ')} dist/server/main.js`);
    const dockerfile = fs.readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
    expect(dockerfile).toContain(`CMD ${JSON.stringify(['node', ...SERVER_NODE_FLAGS, 'dist/server/main.js']).replaceAll(',', ', ')}`);
  });
});
