import path from 'node:path';
import { defaultRules } from '../../domain/rules.js';
import { parseOptions, UsageError, type Command } from '../command.js';
import { PLAIN_CSV } from '../lib/csv.js';
import { instantOption, openCliStore, settingsFor, storeOptions, STORE_OPTIONS_HELP, tenantOption } from '../lib/environment.js';
import { openSink } from '../lib/sink.js';
import { EXPORT_FORMATS, exportTable, type ExportFormat, type ExportRequest } from './export-tables.js';

const HELP = `Usage: courtship export [options]

Writes the event log as NDJSON (default), or a table as CSV. Every format is
streamed: memory stays flat however long the log. The store is opened
read-only: export runs beside a running server. Columns: docs/ANALYTICS.md.

  --format ndjson       the log in log order, one event per line, in exactly
                        the format \`courtship import\` reads (deadline events and
                        event ids included, so export → import reproduces the
                        read models)
  --format csv          one row per relationship, as of now or --as-of: its
                        cohort, phase, durations, outcome with end and reason,
                        seconds in each phase, decay, one column per risk flag
  --format transitions  one row per phase transition (every cycle), with the
                        cause and when it was recorded
  --format events       one row per event in log order, both clocks, the data
                        flattened to columns
  --format snapshots    phase and key metrics of every relationship at each
                        period end (--every month|quarter)
  --format retention    cohort × months since → still married / churned
                        (--by marriage|opening)

Options:
  --from <ISO>        ndjson, events: events that occurred at or after;
                      transitions: changes at or after; csv, snapshots,
                      retention: relationships whose current cycle started at
                      or after
  --to <ISO>          likewise, at or before
  --as-of <ISO>       csv, transitions, snapshots, retention: the instant the
                      rows describe (default: now)
  --every <period>    snapshots: month (default) or quarter
  --by <cohort>       retention: marriage (default) or opening
  --excel             CSV formats: a byte-order mark and Excel-friendly dates
                      (YYYY-MM-DD HH:MM:SS, UTC) instead of ISO 8601
  --all-tenants       ndjson, events: every tenant's events, each naming its tenant
  --out <file>        write there instead of stdout
${STORE_OPTIONS_HELP}

Examples:
  npx courtship export --out log.ndjson
  npx courtship export --format csv --as-of 2025-01-01T00:00:00Z --out pipeline.csv
  npx courtship export --format snapshots --every quarter --out quarters.csv
`;

const AS_OF_FORMATS: readonly ExportFormat[] = ['csv', 'transitions', 'snapshots', 'retention'];
const ALL_TENANT_FORMATS: readonly ExportFormat[] = ['ndjson', 'events'];

export const exportCommand: Command = {
  name: 'export',
  summary: 'write the log as NDJSON or a table as CSV (streamed)',
  help: HELP,
  async run(args, io) {
    const { values } = parseOptions('export', args, {
      ...storeOptions,
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string', default: 'ndjson' },
      'as-of': { type: 'string' },
      every: { type: 'string' },
      by: { type: 'string' },
      excel: { type: 'boolean', default: false },
      'all-tenants': { type: 'boolean', default: false },
      out: { type: 'string' },
    });
    const format = values.format as ExportFormat;
    if (!EXPORT_FORMATS.includes(format)) {
      throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got "${values.format}"`, 'export');
    }
    const from = instantOption('from', values.from, 'export');
    const to = instantOption('to', values.to, 'export');
    const asOf = instantOption('as-of', values['as-of'], 'export');
    if (from !== undefined && to !== undefined && from > to) throw new UsageError('--from is after --to', 'export');
    if (asOf !== undefined && !AS_OF_FORMATS.includes(format)) {
      throw new UsageError(`--as-of applies to --format ${AS_OF_FORMATS.join(', ')} (for the log, use --to)`, 'export');
    }
    if (values['all-tenants'] && !ALL_TENANT_FORMATS.includes(format)) {
      throw new UsageError(`--all-tenants applies to --format ${ALL_TENANT_FORMATS.join(', ')}`, 'export');
    }
    if (values['all-tenants'] && values.tenant !== undefined) throw new UsageError('--tenant and --all-tenants exclude each other', 'export');
    if (values.excel && format === 'ndjson') throw new UsageError('--excel applies to the CSV formats', 'export');
    if (values.every !== undefined && format !== 'snapshots') throw new UsageError('--every applies to --format snapshots', 'export');
    if (values.by !== undefined && format !== 'retention') throw new UsageError('--by applies to --format retention', 'export');
    const every = values.every ?? 'month';
    if (every !== 'month' && every !== 'quarter') throw new UsageError(`--every must be month or quarter, got "${every}"`, 'export');
    const by = values.by ?? 'marriage';
    if (by !== 'marriage' && by !== 'opening') throw new UsageError(`--by must be marriage or opening, got "${by}"`, 'export');
    const tenant = values['all-tenants'] ? null : tenantOption(values.tenant, 'export');
    const settings = settingsFor(io, 'export', values['data-dir']);

    const store = await openCliStore(settings, { readOnly: true });
    const sink = openSink(io, values.out === undefined ? undefined : path.resolve(io.cwd, values.out));
    try {
      const request: ExportRequest = {
        format,
        tenant,
        range: { from, to },
        at: asOf ?? Date.now(),
        every,
        by: by === 'marriage' ? 'MARRIAGE' : 'OPENING',
        style: values.excel ? { excel: true } : PLAIN_CSV,
        rules: defaultRules,
      };
      const { count, unit } = await exportTable(store, request, sink, io);
      await sink.close();
      if (values.out !== undefined) io.stderr.write(`Wrote ${count} ${unit} to ${values.out}.\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
