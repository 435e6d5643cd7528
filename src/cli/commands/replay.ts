import { defaultRules } from '../../domain/rules.js';
import { Projector } from '../../projections/projector.js';
import { parseOptions, type Command } from '../command.js';
import { openCliStore, settingsFor } from '../lib/environment.js';
import { startProgress } from '../lib/progress.js';

const HELP = `Usage: courtship replay [options]

Rebuilds the read models (<data dir>/read-models.sqlite) from the event log:
first brings them up to the log's head, then replays the whole log into a
fresh file and swaps it in atomically. Prints the replay rate at the end.
Stop the API server first: it keeps the same read models open.

Options:
  --data-dir <path>   data directory (default: $COURTSHIP_DATA_DIR or ./data)
The store is the one the environment names (COURTSHIP_STORE, EVENTSTORE_CONNECTION_STRING).

Example:
  npx courtship replay
`;

/** Generous: catching up a never-projected log of millions of events takes a while. */
const CATCH_UP_TIMEOUT_MS = 60 * 60 * 1000;

export const replayCommand: Command = {
  name: 'replay',
  summary: 'rebuild the read models from the log',
  help: HELP,
  async run(args, io) {
    const { values } = parseOptions('replay', args, { 'data-dir': { type: 'string' } });
    const settings = settingsFor(io, 'replay', values['data-dir']);
    const store = await openCliStore(settings);
    try {
      const projector = new Projector({ store, dataDir: settings.dataDir, rules: defaultRules });
      try {
        // rebuild() replays up to the checkpoint: reach the head first, so the rebuild covers the whole log.
        projector.start();
        await projector.catchUp(CATCH_UP_TIMEOUT_MS);
        await projector.stop();
        const progress = startProgress(io, { label: 'replaying', unit: 'events' });
        const started = Date.now();
        let events = 0;
        await projector.rebuild((applied) => {
          events = applied;
          progress.update(applied);
        });
        progress.stop();
        const seconds = Math.max(0.001, (Date.now() - started) / 1000);
        io.stdout.write(
          `Replayed ${events} events into ${projector.size} relationships in ${seconds.toFixed(2)} s (${Math.round(events / seconds)} events/s).\n`,
        );
        return 0;
      } finally {
        await projector.close();
      }
    } finally {
      await store.close();
    }
  },
};
