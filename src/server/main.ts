import 'reflect-metadata';
import { loadSettings, SettingsError } from '../config/settings.js';
import { startupBanner } from './banner.js';
import { startCourtship } from './courtship.js';
import { createLogger } from './logger.js';
import { closeOnSignals } from './signals.js';

/** `npm start` / `node dist/server/main.js`: the API server, configured by the environment. */
async function main(): Promise<void> {
  let settings;
  try {
    settings = loadSettings();
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    process.stderr.write(`courtship: ${error.message}\n`);
    process.exit(1);
  }
  const logger = createLogger({ level: settings.logLevel });
  const app = await startCourtship({ settings, logger });
  closeOnSignals(app.server, logger);

  logger.info({ url: app.server.url, store: settings.store, dataDir: settings.dataDir }, 'listening');
  process.stderr.write(
    startupBanner({
      url: app.server.url,
      ide: settings.ide,
      store: `${settings.store} (${app.store.description})`,
      dataDir: settings.dataDir,
      tokensFile: app.tokens.file,
      bootstrapToken: app.bootstrapToken,
    }),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`courtship: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
