/**
 * The event store contract against EventStoreDB, when a server is reachable
 * (EVENTSTORE_CONNECTION_STRING, e.g. `esdb://localhost:2113?tls=false` with
 * `docker compose up -d eventstore`). Without one, the run says it skipped.
 */
import { describe, it } from 'vitest';
import { openEventStoreDb, redactConnectionString } from '../../src/store/eventstoredb.js';
import { describeEventStoreContract } from './contract.js';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  describeEventStoreContract(`EventStoreDB at ${redactConnectionString(connectionString)}`, {
    open: () => openEventStoreDb(connectionString),
  });
} else {
  const reason = 'EventStoreDB contract suite SKIPPED: EVENTSTORE_CONNECTION_STRING is not set';
  console.warn(reason);
  describe.skip(reason, () => {
    it('runs the event store contract against EventStoreDB', () => undefined);
  });
}
