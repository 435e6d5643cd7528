/**
 * The peer a TypeScript team would otherwise pick: Emmett's SQLite event store
 * (sqlite3 driver, WAL), used as its documentation shows, appending and
 * reading the same events as Courtship's store.
 */
import { getSQLiteEventStore, readMessagesBatch, sqliteConnection } from '@event-driven-io/emmett-sqlite';
import type { NewEvent } from '../store/port.js';

export interface EmmettPeer {
  append(streamId: string, events: readonly NewEvent[]): Promise<void>;
  /** Reads the whole log in order, pages of `pageSize`, parsed; returns the count. */
  readAll(pageSize: number): Promise<number>;
  close(): void;
}

export function openEmmett(file: string): EmmettPeer {
  const store = getSQLiteEventStore({ fileName: file });
  let reader: ReturnType<typeof sqliteConnection> | null = null;
  return {
    async append(streamId, events) {
      await store.appendToStream(
        streamId,
        events.map((e) => ({ type: e.type, data: e.data as Record<string, unknown>, metadata: { ...e.metadata, messageId: e.id } })),
      );
    },
    async readAll(pageSize) {
      reader ??= sqliteConnection({ fileName: file });
      let after = 0n;
      let count = 0;
      for (;;) {
        const page = await readMessagesBatch(reader, { after, batchSize: pageSize });
        count += page.messages.length;
        if (page.messages.length === 0) return count;
        after = page.currentGlobalPosition;
      }
    },
    close() {
      reader?.close();
    },
  };
}
