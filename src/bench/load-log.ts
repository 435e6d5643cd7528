/**
 * Writes the generated workload into a Courtship data directory through the
 * embedded store (one append per relationship), as the setup of the sections
 * that need a log: projector catch-up, HTTP, fan-out, export, memory.
 */
import { openSqliteStore } from '../store/sqlite.js';
import { workloadStreams } from './workload.js';

export interface LoadedLog {
  readonly dataDir: string;
  readonly relationships: number;
  readonly events: number;
  /** Relationship ids in generation order, for requests that need real ones. */
  readonly relationshipIds: string[];
}

export async function loadLog(dataDir: string, limit: { events?: number; relationships?: number }): Promise<LoadedLog> {
  // NORMAL: this is setup, not a measurement; the file is as durable once closed.
  const store = openSqliteStore({ dataDir, synchronous: 'NORMAL' });
  const relationshipIds: string[] = [];
  let events = 0;
  try {
    for (const stream of workloadStreams(limit)) {
      await store.append(stream.streamId, stream.stored, 'no_stream');
      relationshipIds.push(stream.relationshipId);
      events += stream.stored.length;
    }
  } finally {
    await store.close();
  }
  return { dataDir, relationships: relationshipIds.length, events, relationshipIds };
}
