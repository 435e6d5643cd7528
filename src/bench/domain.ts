/**
 * Domain section: folding pre-parsed events (no I/O, no JSON) into
 * relationship states, next to a plain loop that only reads each event's type
 * and instant: the floor any fold over the same arrays pays.
 */
import type { CourtshipEvent } from '../domain/events.js';
import { fold } from '../domain/fold.js';
import { initialState } from '../domain/state.js';
import { rate } from './measure.js';
import type { BenchRow } from './report.js';
import { workloadStreams } from './workload.js';

const ROUNDS = 3;

export async function runDomainBench(options: { events: number }): Promise<BenchRow[]> {
  const streams: { id: string; events: CourtshipEvent[] }[] = [];
  let total = 0;
  for (const stream of workloadStreams({ events: options.events })) {
    streams.push({ id: stream.relationshipId, events: stream.events });
    total += stream.events.length;
  }
  let sink = 0;
  const folds: number[] = [];
  const loops: number[] = [];
  // Best of a few rounds: the first one also pays for the JIT warming up.
  for (let round = 0; round < ROUNDS; round++) {
    folds.push(await rate(total, () => {
      for (const s of streams) sink += fold(s.events, undefined, initialState(s.id)).version;
    }));
    loops.push(await rate(total, () => {
      const seen = new Map<string, number>();
      for (const s of streams) for (const e of s.events) seen.set(e.type, Math.max(seen.get(e.type) ?? 0, e.occurredAt));
      sink += seen.size;
    }));
  }
  if (sink < 0) throw new Error('unreachable: keeps the folds from being optimised away');
  const best = Math.max(...folds);
  return [
    {
      section: 'domain',
      name: `fold pre-parsed events (${streams.length.toLocaleString('en-US')} streams)`,
      courtship: { value: best, unit: 'events/s' },
      baseline: { name: 'loop reading type + time', value: Math.max(...loops), unit: 'events/s' },
      goal: { text: '≥ 2,000,000 events/s', met: best >= 2_000_000 },
      note: `best of ${ROUNDS} rounds over ${total.toLocaleString('en-US')} events`,
    },
  ];
}
