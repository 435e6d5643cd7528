import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { StoreUnavailableError, type EventStore } from '../../src/store/port.js';
import { logWriteFailures } from '../../src/server/write-failures.js';

/** A store whose appends fail while `failing` is set, like a full disk. */
function flakyStore() {
  const state = { failing: true };
  const store = {
    kind: 'sqlite',
    description: 'test.db',
    async append() {
      if (state.failing) throw new StoreUnavailableError('append to test.db failed: database or disk is full', Object.assign(new Error('full'), { code: 'SQLITE_FULL' }));
      return { nextExpectedRevision: 0, position: 1n };
    },
  } as unknown as EventStore;
  return { store, state };
}

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('store write failures', () => {
  it('are logged once per burst, re-reported once a minute while it lasts, and the recovery counted', async () => {
    const { store, state } = flakyStore();
    const { logger, lines } = capture();
    let now = 0;
    const writes = logWriteFailures(store, logger, () => now);
    for (let i = 0; i < 10; i++) await expect(writes.append('s', [])).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(lines.map((line) => line.msg)).toEqual([expect.stringMatching(/^event store write failed/)]);
    expect(lines[0]).toMatchObject({ level: 50, causeCode: 'SQLITE_FULL', store: 'test.db' });

    now += 60_000;
    await expect(writes.append('s', [])).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(lines[1]).toMatchObject({ msg: 'event store writes still failing', failedSinceLastReport: 10 });

    state.failing = false;
    await writes.append('s', []);
    expect(lines[2]).toMatchObject({ level: 40, msg: 'event store writes recovered', failedSinceLastReport: 0 });
    await expect(Promise.resolve(writes.description)).resolves.toBe('test.db');
  });
});
