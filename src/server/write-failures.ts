/**
 * A full disk or an I/O error on append reaches clients as
 * SERVICE_UNAVAILABLE (STORE_UNAVAILABLE) and used to reach the operator not
 * at all. This wraps the store the write side uses: the first failure of a
 * burst is logged at error with its cause (the store's message and the
 * driver's code, e.g. SQLITE_FULL), never with the events; further failures
 * are only counted, and reported once a minute while the burst lasts and
 * when the next append succeeds.
 */
import type { Logger } from 'pino';
import { StoreUnavailableError, type EventStore } from '../store/port.js';

const REPEAT_MS = 60_000;

export function logWriteFailures(store: EventStore, logger: Logger, now: () => number = Date.now): EventStore {
  let failing = false;
  let unreported = 0;
  let lastLoggedAt = 0;

  const failed = (error: StoreUnavailableError) => {
    const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
    const details = {
      store: store.description,
      reason: error.message,
      ...(typeof cause?.code === 'string' ? { causeCode: cause.code } : {}),
    };
    if (!failing) {
      failing = true;
      lastLoggedAt = now();
      logger.error(details, 'event store write failed: appends are refused until it recovers (disk full? I/O error?)');
    } else if (now() - lastLoggedAt >= REPEAT_MS) {
      logger.error({ ...details, failedSinceLastReport: unreported + 1 }, 'event store writes still failing');
      lastLoggedAt = now();
      unreported = 0;
    } else {
      unreported++;
    }
  };
  const succeeded = () => {
    if (!failing) return;
    logger.warn({ store: store.description, failedSinceLastReport: unreported }, 'event store writes recovered');
    failing = false;
    unreported = 0;
  };

  const append: EventStore['append'] = async (streamId, events, expectedRevision) => {
    try {
      const result = await store.append(streamId, events, expectedRevision);
      succeeded();
      return result;
    } catch (error) {
      if (error instanceof StoreUnavailableError) failed(error);
      throw error;
    }
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'append') return append;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
