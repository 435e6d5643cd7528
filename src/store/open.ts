/**
 * Picks and opens the event store the settings name. The rest of the code
 * receives an `EventStore` and never knows which one it talks to.
 */
import type { EventStore } from './port.js';
import { openSqliteStore, type SynchronousLevel } from './sqlite.js';

export interface StoreSettings {
  readonly store: 'sqlite' | 'eventstoredb';
  /** Where the SQLite file lives (COURTSHIP_DATA_DIR). */
  readonly dataDir: string;
  /** Required for `eventstoredb` (EVENTSTORE_CONNECTION_STRING). */
  readonly eventStoreConnectionString?: string | undefined;
  /** SQLite durability; FULL unless set (see docs/STORE.md). */
  readonly sqliteSynchronous?: SynchronousLevel;
}

export async function openStore(settings: StoreSettings): Promise<EventStore> {
  if (settings.store === 'eventstoredb') {
    if (!settings.eventStoreConnectionString) {
      throw new Error('EVENTSTORE_CONNECTION_STRING is required when COURTSHIP_STORE=eventstoredb');
    }
    // Loaded only when chosen: the gRPC client is heavy and the embedded default never needs it.
    const { openEventStoreDb } = await import('./eventstoredb.js');
    return openEventStoreDb(settings.eventStoreConnectionString);
  }
  return openSqliteStore({ dataDir: settings.dataDir, synchronous: settings.sqliteSynchronous });
}
