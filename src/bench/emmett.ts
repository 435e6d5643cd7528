/**
 * The peer a TypeScript team would otherwise pick: Emmett's SQLite event store
 * (sqlite3 driver, WAL), used as its documentation shows, appending and
 * reading the same events as Courtship's store.
 */
import { getSQLiteEventStore, readMessagesBatch, sqliteConnection } from '@event-driven-io/emmett-sqlite';
import type { NewEvent } from '../store/port.js';

export interface EmmettPeer {
  append(streamId: string, events: readonly NewEvent[]): Promise<void>;
  /** Appends that failed with SQLITE_BUSY and were retried (see `append`). */
  readonly retries: number;
  /** Reads the whole log in order, pages of `pageSize`, parsed; returns the count. */
  readAll(pageSize: number): Promise<number>;
  close(): void;
}

const MAX_RETRIES = 5;

/** Emmett prints a failed transaction with console.log before rethrowing it; the report counts it instead. */
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = () => undefined;
  try {
    return await run();
  } finally {
    console.log = log;
  }
}

export function openEmmett(file: string): EmmettPeer {
  const store = getSQLiteEventStore({ fileName: file });
  let reader: ReturnType<typeof sqliteConnection> | null = null;
  let retries = 0;
  return {
    get retries() {
      return retries;
    },
    /**
     * Emmett 0.38.5 occasionally fails a commit with "SQLITE_BUSY: cannot
     * commit transaction - SQL statements in progress" with one writer and no
     * reader; the transaction is rolled back when it closes its connection, so
     * the append is retried (a few times at most) and the retries are counted.
     */
    async append(streamId, events) {
      const messages = events.map((e) => ({ type: e.type, data: e.data as Record<string, unknown>, metadata: { ...e.metadata, messageId: e.id } }));
      for (let attempt = 0; ; attempt++) {
        try {
          await quietly(() => store.appendToStream(streamId, messages));
          return;
        } catch (error) {
          if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || attempt >= MAX_RETRIES) throw error;
          retries++;
        }
      }
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
