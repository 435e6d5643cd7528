import fs from 'node:fs';
import path from 'node:path';
import { RulesComparer, type RulesComparison } from '../../analytics/what-if.js';
import type { Distribution } from '../../analytics/distribution.js';
import { DomainError } from '../../domain/errors.js';
import { defaultRules, parseRules, type Rules } from '../../domain/rules.js';
import { parseOptions, UsageError, type Command } from '../command.js';
import { csvRow } from '../lib/csv.js';
import { instantOption, openCliStore, settingsFor, storeOptions, STORE_OPTIONS_HELP, tenantOption } from '../lib/environment.js';
import { readRelationships } from '../lib/log.js';
import { startProgress } from '../lib/progress.js';
import { openSink } from '../lib/sink.js';

const HELP = `Usage: courtship simulate --rules rules.json [options]

Replays every relationship of the tenant under other rules and under the
current ones, at the same instant, and reports the differences. Writes
nothing to the store, which it opens read-only: it runs beside a running
server.

rules.json holds any subset of the rules, merged onto the defaults, e.g.
  {"altarSilenceDays": 30, "neglectDays": 45}

Reports: how many relationships would be in another phase (a current →
simulated phase matrix), how the funnel and the time-to-proposal statistics
would move, and how many relationships change at all.

Options:
  --rules <file>      the alternative rules (required)
  --as-of <ISO>       the instant to compare at (default: now)
  --out <file.csv>    also write the changed relationships, current and simulated side by side
${STORE_OPTIONS_HELP}

Example:
  echo '{"altarSilenceDays": 10}' > strict.json
  npx courtship simulate --rules strict.json --out changed.csv
`;

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'replay the history under other rules and report what would differ',
  help: HELP,
  async run(args, io) {
    const { values } = parseOptions('simulate', args, {
      ...storeOptions,
      rules: { type: 'string' },
      'as-of': { type: 'string' },
      out: { type: 'string' },
    });
    if (values.rules === undefined) throw new UsageError('--rules is required', 'simulate');
    const rules = readRules(path.resolve(io.cwd, values.rules), values.rules);
    const at = instantOption('as-of', values['as-of'], 'simulate') ?? Date.now();
    const tenant = tenantOption(values.tenant, 'simulate');
    const settings = settingsFor(io, 'simulate', values['data-dir']);

    const store = await openCliStore(settings, { readOnly: true });
    let comparison: RulesComparison;
    try {
      const comparer = new RulesComparer(defaultRules, rules, at);
      const progress = startProgress(io, { label: 'replaying', unit: 'relationships' });
      let count = 0;
      for await (const { id, events } of readRelationships(store, tenant)) {
        comparer.add(id, events);
        progress.update(++count);
      }
      progress.stop();
      comparison = comparer.result();
    } finally {
      await store.close();
    }
    io.stdout.write(report(comparison, at));
    if (values.out !== undefined) {
      const sink = openSink(io, path.resolve(io.cwd, values.out));
      await writeChanged(comparison, sink.write.bind(sink));
      await sink.close();
      io.stderr.write(`Wrote ${comparison.changed.length} changed relationships to ${values.out}.\n`);
    }
    return 0;
  },
};

function readRules(file: string, shown: string): Rules {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read rules from ${shown}: ${(error as Error).message}`, 'simulate');
  }
  try {
    return parseRules(json);
  } catch (error) {
    if (error instanceof DomainError) throw new UsageError(`invalid rules in ${shown}: ${error.message}`, 'simulate');
    throw error;
  }
}

function report(c: RulesComparison, at: number): string {
  const lines = [
    `Compared ${c.relationships} relationships as of ${new Date(at).toISOString()}.`,
    `${c.phaseChanges} would be in another phase; ${c.changed.length} differ in phase, dates, durations, decay or flags.`,
  ];
  const moves = c.matrix.filter((cell) => cell.from !== cell.to);
  if (moves.length > 0) {
    lines.push('', 'Phase changes (current → simulated):');
    for (const move of moves) lines.push(`  ${move.from.padEnd(13)} → ${move.to.padEnd(13)} ${move.count}`);
  }
  lines.push('', 'Funnel (reached: current → simulated; conversion to next):');
  c.funnel.current.stages.forEach((stage, k) => {
    const sim = c.funnel.simulated.stages[k]!;
    lines.push(
      `  ${stage.phase.padEnd(11)} ${String(stage.reached).padStart(7)} → ${String(sim.reached).padEnd(7)}` +
        `  ${percent(stage.conversionToNext)} → ${percent(sim.conversionToNext)}`,
    );
  });
  lines.push('', 'Time to proposal (seconds, as the API reports it): current → simulated');
  lines.push(statLine('count', c.timeToProposal.current.overall, c.timeToProposal.simulated.overall, 'count'));
  for (const stat of ['mean', 'median', 'p75', 'p90'] as const) {
    lines.push(statLine(stat, c.timeToProposal.current.overall, c.timeToProposal.simulated.overall, stat));
  }
  return `${lines.join('\n')}\n`;
}

function statLine(label: string, a: Distribution, b: Distribution, stat: keyof Distribution): string {
  const show = (d: Distribution): string => {
    const value = d[stat];
    if (value === null) return '-';
    return String(value);
  };
  return `  ${label.padEnd(7)} ${show(a).padStart(8)} → ${show(b)}`;
}

function percent(rate: number | null): string {
  return rate === null ? '   -  ' : `${(rate * 100).toFixed(1).padStart(5)}%`;
}

async function writeChanged(c: RulesComparison, write: (text: string) => Promise<void>): Promise<void> {
  await write(
    csvRow([
      'id',
      'accountName',
      'phase',
      'simulatedPhase',
      'phaseSince',
      'simulatedPhaseSince',
      'timeToProposalSeconds',
      'simulatedTimeToProposalSeconds',
      'timeToMarriageSeconds',
      'simulatedTimeToMarriageSeconds',
      'decayStatus',
      'simulatedDecayStatus',
      'flags',
      'simulatedFlags',
    ]),
  );
  for (const { id, current: a, simulated: b } of c.changed) {
    await write(
      csvRow([
        id,
        a.accountName,
        a.phase,
        b.phase,
        a.phaseSince,
        b.phaseSince,
        a.timeToProposal?.seconds,
        b.timeToProposal?.seconds,
        a.timeToMarriage?.seconds,
        b.timeToMarriage?.seconds,
        a.decay?.status,
        b.decay?.status,
        a.flags.join('|'),
        b.flags.join('|'),
      ]),
    );
  }
}
