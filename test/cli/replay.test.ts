import { afterAll, describe, expect, it } from 'vitest';
import { defaultRules } from '../../src/domain/rules.js';
import { Projector } from '../../src/projections/projector.js';
import { Sandbox } from './support/sandbox.js';

describe('courtship replay', () => {
  const sandbox = new Sandbox();
  afterAll(() => sandbox.cleanup());

  it('rebuilds the read models from the whole log and prints the rate', async () => {
    await sandbox.run(['demo', '--relationships', '20', '--seed', '9']);
    const store = sandbox.store();
    const events = (await store.readAll()).length;
    await store.close();

    const result = await sandbox.run(['replay']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Replayed ${events} events into 20 relationships in [0-9.]+ s \\(\\d+ events/s\\)\\.`));

    const reopened = sandbox.store();
    const projector = new Projector({ store: reopened, dataDir: sandbox.dataDir('data'), rules: defaultRules });
    try {
      expect(projector.size).toBe(20);
      expect(projector.checkpoint()).toBe(await reopened.headPosition());
    } finally {
      await projector.close();
      await reopened.close();
    }
  });

  it('refuses arguments it does not know with exit code 2', async () => {
    const result = await sandbox.run(['replay', 'now']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unexpected argument 'now'");
  });
});
