import path from 'node:path';
import { currentMilestones } from '../../domain/metrics/marriage.js';
import { describe } from '../../domain/metrics/view.js';
import { defaultRules } from '../../domain/rules.js';
import type { EventStore } from '../../store/port.js';
import { parseOptions, UsageError, type Command, type CommandIo } from '../command.js';
import { instantOption, openCliStore, settingsFor, storeOptions, STORE_OPTIONS_HELP, tenantOption } from '../lib/environment.js';
import { readRelationships } from '../lib/log.js';
import { inRange, logLines, type Range } from '../lib/log-lines.js';
import { startProgress } from '../lib/progress.js';
import { RELATIONSHIP_CSV_HEADER, relationshipAt, relationshipCsvRow } from '../lib/relationship-csv.js';
import { openSink, type Sink } from '../lib/sink.js';

const HELP = `Usage: courtship export [options]

Writes the event log as NDJSON (default), or the relationships as CSV.
The output is streamed: memory stays flat however long the log. The store is
opened read-only: export runs beside a running server.

  --format ndjson   the log in log order, one event per line, in exactly the
                    format \`courtship import\` reads (deadline events and event
                    ids included, so export → import reproduces the read models)
  --format csv      one row per relationship of the tenant: id, accountName,
                    segment, owner, phase, phaseSince, cycle, version,
                    timeToProposalSeconds, timeToMarriageSeconds, decayStatus,
                    decayScore, flags (joined by |), as of now or --as-of

Options:
  --from <ISO>        ndjson: events that occurred at or after; csv: relationships
                      whose current cycle started at or after
  --to <ISO>          likewise, at or before
  --as-of <ISO>       csv only: the instant the rows describe (default: now)
  --all-tenants       ndjson only: every tenant's events, each line naming its tenant
  --out <file>        write there instead of stdout
${STORE_OPTIONS_HELP}

Examples:
  npx courtship export --out log.ndjson
  npx courtship export --format csv --as-of 2025-01-01T00:00:00Z --out pipeline.csv
`;

export const exportCommand: Command = {
  name: 'export',
  summary: 'write the log as NDJSON or the relationships as CSV (streamed)',
  help: HELP,
  async run(args, io) {
    const { values } = parseOptions('export', args, {
      ...storeOptions,
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string', default: 'ndjson' },
      'as-of': { type: 'string' },
      'all-tenants': { type: 'boolean', default: false },
      out: { type: 'string' },
    });
    const format = values.format;
    if (format !== 'ndjson' && format !== 'csv') throw new UsageError(`--format must be ndjson or csv, got "${format}"`, 'export');
    const from = instantOption('from', values.from, 'export');
    const to = instantOption('to', values.to, 'export');
    const asOf = instantOption('as-of', values['as-of'], 'export');
    if (from !== undefined && to !== undefined && from > to) throw new UsageError('--from is after --to', 'export');
    if (format === 'ndjson' && asOf !== undefined) throw new UsageError('--as-of applies to --format csv (for the log, use --to)', 'export');
    if (format === 'csv' && values['all-tenants']) throw new UsageError('--all-tenants applies to --format ndjson', 'export');
    if (values['all-tenants'] && values.tenant !== undefined) throw new UsageError('--tenant and --all-tenants exclude each other', 'export');
    const tenant = values['all-tenants'] ? null : tenantOption(values.tenant, 'export');
    const settings = settingsFor(io, 'export', values['data-dir']);

    const store = await openCliStore(settings, { readOnly: true });
    const sink = openSink(io, values.out === undefined ? undefined : path.resolve(io.cwd, values.out));
    try {
      const range = { from, to };
      const count =
        format === 'ndjson'
          ? await exportLog(store, tenant, range, sink, io)
          : await exportRelationships(store, tenant!, range, asOf ?? Date.now(), sink, io);
      await sink.close();
      if (values.out !== undefined) io.stderr.write(`Wrote ${count} ${format === 'ndjson' ? 'events' : 'relationships'} to ${values.out}.\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};

async function exportLog(store: EventStore, tenant: string | null, range: Range, sink: Sink, io: CommandIo): Promise<number> {
  const progress = startProgress(io, { label: 'exporting', unit: 'events' });
  let count = 0;
  for await (const page of logLines(store, tenant, range)) {
    await sink.write(page.text);
    count += page.count;
    progress.update(count);
  }
  progress.stop();
  return count;
}

async function exportRelationships(store: EventStore, tenant: string, range: Range, at: number, sink: Sink, io: CommandIo): Promise<number> {
  const progress = startProgress(io, { label: 'exporting', unit: 'relationships' });
  let count = 0;
  await sink.write(RELATIONSHIP_CSV_HEADER);
  for await (const { id, events } of readRelationships(store, tenant)) {
    const state = relationshipAt(id, events, at, defaultRules);
    if (state === null || !inRange(currentMilestones(state)!.startedAt, range)) continue;
    await sink.write(relationshipCsvRow(describe(state, at, defaultRules)));
    progress.update(++count);
  }
  progress.stop();
  return count;
}
