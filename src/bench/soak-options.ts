/** Command-line options of `npm run soak` (soak.ts). */
import { parseArgs } from 'node:util';
import { UsageError } from './options.js';

export interface SoakOptions {
  /** Minutes of each phase. */
  readonly minutes: number;
  readonly relationships: number;
  /** The phases, in order: `plain` alone, `hostile` alone, or both back to back (--compare). */
  readonly phases: readonly Phase[];
  /** Where to write the results as JSON; null: none. */
  readonly json: string | null;
  /** Minutes (from the start of the run) at which the server writes a heap snapshot. */
  readonly heapSnapshotsAt: readonly number[];
  /** Profile the server's CPU for the whole run. */
  readonly cpuProfile: boolean;
  /** Where heap snapshots and CPU profiles go. */
  readonly diagnosticsDir: string;
  /**
   * The writers (and the subscribers that follow them) work in a tenant of
   * their own, so the relationships the readers list stay as loaded; by
   * default they write to the readers' tenant, which grows as the run goes.
   */
  readonly steadyData: boolean;
}

export type Phase = 'plain' | 'hostile';

export const SOAK_USAGE = `Usage: npm run soak -- [options]

  --minutes N            minutes of each phase (default 10)
  --relationships N      generated relationships loaded before the start (default 2000)
  --hostile              mix a hostile client in (fragment bombs, expensive aliases,
                         oversized frames, subscription floods; one attack a second)
  --compare              a plain phase, then a hostile phase on the same server, each
                         --minutes long: measures the hostile client's effect in one run
  --steady-data          the writers open their relationships in a tenant of their own
                         (the subscribers follow them there): the readers' lists keep the
                         loaded size, where by default they grow by one relationship every
                         20 writes (lists are linear in a tenant's relationships)
  --json FILE            also write the figures and the criteria as JSON
  --heap-snapshots M,M   the server writes a heap snapshot at these minutes of the run;
                         with two or more, the largest growths between the first and the
                         last are printed (heap-diff.ts)
  --cpu-prof             profile the server's CPU for the whole run (a .cpuprofile)
  --diagnostics-dir DIR  where snapshots and profiles go (default ./soak-diagnostics)

Prints, per minute: requests, errors, p50 and p99 latency, subscription
deliveries, the server's RSS and V8 heap; then each criterion as PASS or
FAIL. Exits 1 when one fails.
`;

export function parseSoakOptions(argv: readonly string[]): SoakOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      minutes: { type: 'string', default: '10' },
      relationships: { type: 'string', default: '2000' },
      hostile: { type: 'boolean', default: false },
      compare: { type: 'boolean', default: false },
      json: { type: 'string' },
      'heap-snapshots': { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      'steady-data': { type: 'boolean', default: false },
      'diagnostics-dir': { type: 'string', default: 'soak-diagnostics' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const minutes = Number(values.minutes);
  if (!Number.isInteger(minutes) || minutes < 3) throw new UsageError('--minutes must be a whole number of minutes, at least 3 (minute 1 is warm-up; steadiness needs two more)');
  const relationships = Number(values.relationships);
  if (!Number.isInteger(relationships) || relationships < 1) throw new UsageError('--relationships must be a positive integer');
  if (values.compare && values.hostile) throw new UsageError('--compare already runs a hostile phase: give one of --compare and --hostile');
  const phases: Phase[] = values.compare ? ['plain', 'hostile'] : [values.hostile ? 'hostile' : 'plain'];
  const heapSnapshotsAt = (values['heap-snapshots'] ?? '')
    .split(',')
    .filter((m) => m.trim() !== '')
    .map(Number);
  const total = minutes * phases.length;
  if (heapSnapshotsAt.some((m) => !(m > 0 && m < total))) throw new UsageError(`--heap-snapshots takes minutes between 0 and ${total}, exclusive`);
  return {
    minutes,
    relationships,
    phases,
    json: values.json ?? null,
    heapSnapshotsAt: heapSnapshotsAt.sort((a, b) => a - b),
    cpuProfile: values['cpu-prof'],
    diagnosticsDir: values['diagnostics-dir'],
    steadyData: values['steady-data'],
  };
}
