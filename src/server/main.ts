import 'reflect-metadata';
import { TokenStore } from '../auth/token-store.js';
import { loadSettings, SettingsError } from '../config/settings.js';
import { buildCourtshipSchema } from '../graphql/schema.js';
import { openStore } from '../store/open.js';
import { startupBanner } from './banner.js';
import { createServer } from './create-server.js';
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
  const tokens = TokenStore.open(settings.dataDir);
  const bootstrapToken = tokens.ensureBootstrapToken();
  const store = await openStore({
    store: settings.store,
    dataDir: settings.dataDir,
    eventStoreConnectionString: settings.eventStoreConnectionString,
  });
  const schema = await buildCourtshipSchema();

  const server = await createServer({
    schema,
    settings,
    tokens,
    logger,
    readiness: async () => {
      await store.ping();
      return { ready: true, details: { store: store.kind } };
    },
    onClose: [() => store.close(), () => tokens.close()],
  });
  closeOnSignals(server, logger);

  logger.info({ url: server.url, store: store.kind, dataDir: settings.dataDir }, 'listening');
  process.stderr.write(
    startupBanner({
      url: server.url,
      ide: settings.ide,
      store: `${store.kind} (${store.description})`,
      dataDir: settings.dataDir,
      tokensFile: tokens.file,
      bootstrapToken,
    }),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`courtship: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
