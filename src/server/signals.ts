import type { Logger } from 'pino';
import type { CourtshipServer } from './create-server.js';

/**
 * SIGTERM (orchestrators) and SIGINT (Ctrl+C) start a graceful shutdown and
 * exit 0 once it is done; a second signal while draining exits at once.
 */
export function closeOnSignals(server: CourtshipServer, logger: Logger): void {
  let received = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    received = true;
    logger.info({ signal }, 'signal received');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
