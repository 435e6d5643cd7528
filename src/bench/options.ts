/** Command-line options of `npm run bench`. */
import { parseArgs } from 'node:util';
import { FULL_RELATIONSHIPS } from './workload.js';

export const SECTIONS = ['store', 'domain', 'late', 'projector', 'io', 'memory', 'http', 'analytics', 'fanout'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  readonly full: boolean;
  /** Size of the generated log, in events (ignored when `relationships` is set). */
  readonly events: number;
  /** Size of the generated log, in relationships (--relationships N; --full is 100k); null: sized by `events`. */
  readonly relationships: number | null;
  readonly only: ReadonlySet<Section>;
  /** Seconds of each HTTP measurement. */
  readonly seconds: number;
  readonly subscribers: number;
  readonly out: string;
  /** A base build's dist directory (inside the project, for its node_modules) to compare the analytics with; null: none. */
  readonly baseDist: string | null;
}

export const USAGE = `Usage: npm run bench -- [options]

  --full              the full scale: 100k generated relationships (millions of events)
  --events N          size of the generated log in events (default 300000)
  --relationships N   size of the generated log in demo relationships (about 37 events each);
                      --full is --relationships 100000
  --only a,b          sections among ${SECTIONS.join(', ')} (default: all)
  --seconds N         duration of each HTTP measurement (default 5)
  --subscribers N     fan-out subscribers (default 1000)
  --out FILE          results file (default bench/results.json)
  --base-dist DIR     a base build's dist/ (inside the project): the analytics section
                      also measures a server of that build on a copy of the log
`;

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      full: { type: 'boolean', default: false },
      events: { type: 'string', default: '300000' },
      relationships: { type: 'string' },
      only: { type: 'string' },
      seconds: { type: 'string', default: '5' },
      subscribers: { type: 'string', default: '1000' },
      out: { type: 'string', default: 'bench/results.json' },
      'base-dist': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new UsageError('');
  const only = values.only === undefined ? SECTIONS : values.only.split(',').map((s) => s.trim());
  const unknown = only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new UsageError(`unknown section ${unknown.join(', ')}`);
  if (values.full && values.relationships !== undefined) throw new UsageError('--full is --relationships 100000: give one of them');
  const relationships = values.full ? FULL_RELATIONSHIPS : values.relationships === undefined ? null : positive('relationships', values.relationships);
  return {
    full: values.full,
    events: positive('events', values.events),
    relationships,
    only: new Set(only as Section[]),
    seconds: positive('seconds', values.seconds),
    subscribers: positive('subscribers', values.subscribers),
    out: values.out,
    baseDist: values['base-dist'] ?? null,
  };
}

export class UsageError extends Error {}

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got "${text}"`);
  return n;
}
