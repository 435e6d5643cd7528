import { systemClock } from '../../app/clock.js';
import { CommandService, MAX_EVENTS_PER_APPEND, type EventInput } from '../../app/commands.js';
import { encodeEvent } from '../../domain/codec.js';
import { advanceTo } from '../../domain/deadlines.js';
import type { CourtshipEvent, Phase } from '../../domain/events.js';
import { PHASES } from '../../domain/events.js';
import { iterateHistories } from '../../domain/generator/index.js';
import { defaultRules, DAY_MS } from '../../domain/rules.js';
import { streamIdFor } from '../../app/relationship-stream.js';
import { parseOptions, UsageError, type Command } from '../command.js';
import { openCliStore, positiveIntOption, settingsFor, storeOptions, STORE_OPTIONS_HELP, tenantOption } from '../lib/environment.js';
import { derivedEventId } from '../lib/event-line.js';
import { startProgress } from '../lib/progress.js';

const HELP = `Usage: courtship demo --relationships N --seed S [options]

Fills the store with synthetic, realistic relationship histories (the
domain's seeded generator: courtships, proposals, marriages, neglect,
cheating, divorces, reopenings), opened over the last three years and
played up to now, so the pipeline page shows a living pipeline at once. The same seed
gives the same histories; relationships that already exist are left alone.

Options:
  --relationships <N>  how many relationships (required; 1 to 1000000)
  --seed <S>           the generator's seed (required; a non-negative integer)
${STORE_OPTIONS_HELP}

Example:
  npx courtship demo --relationships 500 --seed 42 && npm start
`;

const MAX_RELATIONSHIPS = 1_000_000;
const HISTORY_YEARS = 3;

export const demoCommand: Command = {
  name: 'demo',
  summary: 'fill the store with generated relationship histories',
  help: HELP,
  async run(args, io) {
    const { values } = parseOptions('demo', args, {
      ...storeOptions,
      relationships: { type: 'string' },
      seed: { type: 'string' },
    });
    const count = positiveIntOption('relationships', values.relationships, 'demo');
    if (count > MAX_RELATIONSHIPS) throw new UsageError(`--relationships must be at most ${MAX_RELATIONSHIPS}`, 'demo');
    if (values.seed === undefined) throw new UsageError('--seed is required', 'demo');
    if (!/^[0-9]{1,9}$/.test(values.seed)) throw new UsageError(`--seed must be a non-negative integer, got "${values.seed}"`, 'demo');
    const seed = Number(values.seed);
    const tenant = tenantOption(values.tenant, 'demo');
    const settings = settingsFor(io, 'demo', values['data-dir']);

    const now = systemClock.now();
    const store = await openCliStore(settings);
    try {
      const commands = new CommandService({ store, clock: systemClock, rules: defaultRules });
      const progress = startProgress(io, { label: 'generating', unit: 'relationships', total: count });
      const phases = new Map<Phase, number>();
      let created = 0;
      let existing = 0;
      let events = 0;
      let index = 0;
      const histories = iterateHistories({
        seed,
        relationships: count,
        start: now - HISTORY_YEARS * 365 * DAY_MS,
        spreadDays: (HISTORY_YEARS - 1) * 365,
      });
      for (const history of histories) {
        progress.update(++index);
        if ((await store.streamRevision(streamIdFor(tenant, history.id))) !== null) {
          existing++;
          continue;
        }
        // Histories run on past today; the pipeline shows them as they stand now.
        const inputs = history.events.filter((event) => event.occurredAt <= now).map((event, i) => toInput(event, tenant, history.id, seed, i));
        let phase: Phase | null = null;
        for (let from = 0; from < inputs.length; from += MAX_EVENTS_PER_APPEND) {
          const result = await commands.appendEvents({ tenant, relationshipId: history.id, events: inputs.slice(from, from + MAX_EVENTS_PER_APPEND) });
          // Deadlines due since the last event count too, as the API shows them.
          phase = advanceTo(result.row.state, now, defaultRules).state.phase;
        }
        if (phase !== null) phases.set(phase, (phases.get(phase) ?? 0) + 1);
        created++;
        events += inputs.length;
      }
      progress.stop();
      io.stdout.write(summary({ tenant, seed, created, existing, events, phases }));
      return 0;
    } finally {
      await store.close();
    }
  },
};

/** Ids derived from the seed, so a demo interrupted and run again writes nothing twice. */
function toInput(event: CourtshipEvent, tenant: string, id: string, seed: number, index: number): EventInput {
  const { payload } = encodeEvent(event);
  return {
    type: event.type,
    occurredAt: payload.occurredAt,
    actor: payload.actor,
    data: payload.data,
    eventId: derivedEventId(tenant, id, `demo:${seed}`, index),
  };
}

function summary(s: { tenant: string; seed: number; created: number; existing: number; events: number; phases: Map<Phase, number> }): string {
  const lines = [
    `Created ${s.created} relationships (${s.events} events) in tenant "${s.tenant}" with seed ${s.seed}` +
      (s.existing > 0 ? `; ${s.existing} already existed and were left alone.` : '.'),
    'Where they stand now:',
    ...PHASES.filter((phase) => s.phases.has(phase)).map((phase) => `  ${phase.padEnd(13)} ${s.phases.get(phase)}`),
    '',
    'Start the server (npm start) and open http://localhost:4000/ for the pipeline page, or query http://localhost:4000/graphql, e.g.:',
    '  { relationships(first: 10, filter: { phase: { in: [PROPOSED] } }) { totalCount edges { node { accountName phase timeToProposal { days } } } } }',
  ];
  return `${lines.join('\n')}\n`;
}
