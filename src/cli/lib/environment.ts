/**
 * What the data commands share: the store the settings name (SQLite or
 * EventStoreDB, through `openStore`), the tenant, and instants given as
 * options. Bad values are UsageErrors (exit code 2).
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadSettings, SettingsError, type Settings } from '../../config/settings.js';
import { parseInstant } from '../../domain/time.js';
import { TENANT_PATTERN } from '../../app/relationship-stream.js';
import { openStore } from '../../store/open.js';
import type { EventStore } from '../../store/port.js';
import { openSqliteStore, SQLITE_FILE_NAME } from '../../store/sqlite.js';
import { UsageError, type CommandIo } from '../command.js';

/** The tenant the commands use without --tenant: the one the server's bootstrap token belongs to. */
export const DEFAULT_TENANT = 'default';

export const storeOptions = {
  tenant: { type: 'string' },
  'data-dir': { type: 'string' },
} as const;

export const STORE_OPTIONS_HELP = `  --tenant <id>       tenant (default: ${DEFAULT_TENANT}); 1-40 characters among a-z, 0-9 and _
  --data-dir <path>   data directory (default: $COURTSHIP_DATA_DIR or ./data)
The store is the one the environment names: COURTSHIP_STORE=sqlite (default)
or eventstoredb with EVENTSTORE_CONNECTION_STRING.`;

export function settingsFor(io: CommandIo, command: string, dataDir: string | undefined): Settings {
  try {
    return loadSettings(dataDir === undefined ? io.env : { ...io.env, COURTSHIP_DATA_DIR: dataDir }, io.cwd);
  } catch (error) {
    if (error instanceof SettingsError) throw new UsageError(error.message, command);
    throw error;
  }
}

/**
 * `bulk`: the command writes many streams and reports only once the store is
 * closed (the importer). The embedded store then skips the fsync of each
 * append and syncs once at close: a crash before the report loses at most
 * what an idempotent re-run writes again.
 *
 * `readOnly`: the command only reads (export, simulate). The embedded store
 * is then opened without its writer lock, so it runs beside the server; and
 * it must exist: a mistyped data directory is an error, not an empty store.
 */
export async function openCliStore(settings: Settings, options: { bulk?: boolean; readOnly?: boolean } = {}): Promise<EventStore> {
  if (options.readOnly && settings.store === 'sqlite') {
    if (!fs.existsSync(path.join(settings.dataDir, SQLITE_FILE_NAME))) {
      throw new Error(`no event store in ${settings.dataDir} (no ${SQLITE_FILE_NAME}); check --data-dir or COURTSHIP_DATA_DIR`);
    }
    return openSqliteStore({ dataDir: settings.dataDir, readonly: true });
  }
  return openStore({
    store: settings.store,
    dataDir: settings.dataDir,
    eventStoreConnectionString: settings.eventStoreConnectionString,
    sqliteSynchronous: options.bulk ? 'NORMAL' : settings.sqliteSynchronous,
  });
}

export function tenantOption(value: string | undefined, command: string): string {
  const tenant = value ?? DEFAULT_TENANT;
  if (!TENANT_PATTERN.test(tenant)) {
    throw new UsageError(`invalid tenant "${tenant}": expected 1-40 characters among a-z, 0-9 and _`, command);
  }
  return tenant;
}

/** An ISO 8601 instant option (epoch ms), or undefined when absent. */
export function instantOption(name: string, value: string | undefined, command: string): number | undefined {
  if (value === undefined) return undefined;
  const at = parseInstant(value);
  if (at === null) throw new UsageError(`--${name} "${value}" is not an ISO 8601 instant with a zone, e.g. 2025-03-01T00:00:00Z`, command);
  return at;
}

export function positiveIntOption(name: string, value: string | undefined, command: string, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`, command);
    return fallback;
  }
  if (!/^[0-9]+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`--${name} must be a positive integer, got "${value}"`, command);
  }
  return Number(value);
}
