/**
 * Synthetic relationship histories for benchmarks, demos and tests: seeded
 * and deterministic (the same options give the same events on every machine),
 * valid under `decide`, with plausible timing and every ending the essay
 * names. Relationship i depends only on the seed and i, so a history can be
 * regenerated alone and a stream of millions never has to be held in memory.
 */
import { isClosedPhase, type CourtshipEvent } from '../events.js';
import { defaultRules, DAY_MS, type Rules } from '../rules.js';
import { court } from './courtship.js';
import { liveTogether } from './marriage.js';
import { ACCOUNT_PREFIXES, ACCOUNT_SUFFIXES, OWNERS, SEGMENTS, SOURCES } from './names.js';
import { deriveSeed, mulberry32 } from './random.js';
import { Story } from './story.js';

export interface GeneratorOptions {
  readonly seed: number;
  /** How many relationships. */
  readonly relationships: number;
  /** Epoch ms: the earliest opening; openings spread over `spreadDays` after it. */
  readonly start: number;
  /** Echoed on every history, for callers that load several tenants. */
  readonly tenant?: string;
  /** Default 365. */
  readonly spreadDays?: number;
  /** The rules the histories must be valid under; default: the brief's. */
  readonly rules?: Rules;
}

export interface GeneratedHistory {
  /** `rel-000042`: a valid relationship id, unique within one generation. */
  readonly id: string;
  readonly tenant?: string;
  /** Input events as a client sends them, occurredAt non-decreasing; DeadlineReached is left to `decide`. */
  readonly events: CourtshipEvent[];
}

/** At most this many courtship cycles per relationship (a reopening starts the next one). */
const MAX_CYCLES = 3;

export function generateHistories(options: GeneratorOptions): GeneratedHistory[] {
  return Array.from(iterateHistories(options));
}

/** The same histories one at a time, for callers that stream millions of events. */
export function* iterateHistories(options: GeneratorOptions): Generator<GeneratedHistory> {
  if (!Number.isInteger(options.relationships) || options.relationships < 0) {
    throw new RangeError(`relationships must be a non-negative integer, got ${options.relationships}`);
  }
  for (let index = 0; index < options.relationships; index++) yield generateHistory(options, index);
}

/** Relationship `index` of the generation described by `options`. */
export function generateHistory(options: GeneratorOptions, index: number): GeneratedHistory {
  const rng = mulberry32(deriveSeed(options.seed, index));
  const id = `rel-${String(index + 1).padStart(6, '0')}`;
  const openedAt = options.start + Math.floor(rng.next() * (options.spreadDays ?? 365) * DAY_MS);
  const story = new Story(id, rng, options.rules ?? defaultRules, openedAt);

  story.emit('RelationshipOpened', 'VENDOR', {
    accountName: `${rng.pick(ACCOUNT_PREFIXES)} ${rng.pick(ACCOUNT_SUFFIXES)}`,
    segment: rng.pick(SEGMENTS),
    owner: rng.pick(OWNERS),
    source: rng.pick(SOURCES),
  });
  for (let cycle = 1; cycle <= MAX_CYCLES; cycle++) {
    if (court(story) === 'MARRIED') liveTogether(story);
    const phase = story.phase;
    if (cycle === MAX_CYCLES || phase === null || !isClosedPhase(phase) || !rng.chance(0.25)) break;
    story.wait(30, 240);
    story.emit('RelationshipReopened', rng.chance(0.6) ? 'VENDOR' : 'PROSPECT', {});
  }
  return options.tenant === undefined ? { id, events: story.events } : { id, tenant: options.tenant, events: story.events };
}
