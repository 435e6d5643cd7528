import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings, SettingsError } from '../../src/config/settings.js';

describe('settings from the environment', () => {
  it('default to port 4000, ./data, the SQLite store, IDE and introspection on', () => {
    expect(loadSettings({}, '/srv/app')).toMatchObject({
      port: 4000,
      dataDir: path.resolve('/srv/app/data'),
      store: 'sqlite',
      ide: true,
      introspection: true,
      development: false,
      bodyLimitBytes: 1024 * 1024,
    });
  });

  it('turn the IDE and introspection off in production unless asked', () => {
    expect(loadSettings({ NODE_ENV: 'production' })).toMatchObject({ ide: false, introspection: false });
    expect(loadSettings({ NODE_ENV: 'production', COURTSHIP_IDE: 'on', COURTSHIP_INTROSPECTION: 'on' })).toMatchObject({
      ide: true,
      introspection: true,
    });
    expect(loadSettings({ COURTSHIP_IDE: 'off' }).ide).toBe(false);
  });

  it('show stack traces only when NODE_ENV is development', () => {
    expect(loadSettings({ NODE_ENV: 'development' }).development).toBe(true);
    expect(loadSettings({ NODE_ENV: 'test' }).development).toBe(false);
  });

  it('name every bad variable', () => {
    let error: unknown;
    try {
      loadSettings({ PORT: 'eighty', COURTSHIP_STORE: 'mongo' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).problems).toEqual([expect.stringMatching(/^PORT/), expect.stringMatching(/^COURTSHIP_STORE/)]);
  });

  it('leave the catch-up workers to the projector unless set, and refuse a count that is not one', () => {
    expect(loadSettings({}).catchUpWorkers).toBeUndefined();
    expect(loadSettings({ COURTSHIP_CATCH_UP_WORKERS: '0' }).catchUpWorkers).toBe(0);
    expect(loadSettings({ COURTSHIP_CATCH_UP_WORKERS: '2' }).catchUpWorkers).toBe(2);
    expect(() => loadSettings({ COURTSHIP_CATCH_UP_WORKERS: 'many' })).toThrow(/COURTSHIP_CATCH_UP_WORKERS/);
    expect(() => loadSettings({ COURTSHIP_CATCH_UP_WORKERS: '-1' })).toThrow(/COURTSHIP_CATCH_UP_WORKERS/);
  });

  it('commit the live read models on the request thread unless told on, and refuse anything but on or off', () => {
    expect(loadSettings({}).writeThread).toBe(false);
    expect(loadSettings({ COURTSHIP_WRITE_THREAD: 'on' }).writeThread).toBe(true);
    expect(() => loadSettings({ COURTSHIP_WRITE_THREAD: 'yes' })).toThrow(/COURTSHIP_WRITE_THREAD/);
  });

  it('leave the read workers to the machine unless set, with a bounded queue and a time budget', () => {
    expect(loadSettings({}).readTasks).toEqual({ workers: undefined, maxQueued: 32, timeoutMs: 30_000 });
    expect(loadSettings({ COURTSHIP_READ_WORKERS: '0', COURTSHIP_READ_QUEUE: '4', COURTSHIP_READ_TASK_TIMEOUT_MS: '500' }).readTasks).toEqual({
      workers: 0,
      maxQueued: 4,
      timeoutMs: 500,
    });
    expect(() => loadSettings({ COURTSHIP_READ_WORKERS: '-1' })).toThrow(/COURTSHIP_READ_WORKERS/);
    expect(() => loadSettings({ COURTSHIP_READ_QUEUE: '0' })).toThrow(/COURTSHIP_READ_QUEUE/);
    expect(() => loadSettings({ COURTSHIP_READ_TASK_TIMEOUT_MS: 'soon' })).toThrow(/COURTSHIP_READ_TASK_TIMEOUT_MS/);
  });

  it('require a connection string for EventStoreDB', () => {
    expect(() => loadSettings({ COURTSHIP_STORE: 'eventstoredb' })).toThrow(/EVENTSTORE_CONNECTION_STRING/);
    expect(loadSettings({ COURTSHIP_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false' }).store).toBe(
      'eventstoredb',
    );
  });
});
