/**
 * The benchmark's workload: the domain's seeded generator, turned into the log
 * the write path would have produced. Each history goes through `decide` (which
 * inserts the deadlines due between events), is cut at WORKLOAD_NOW, and gets
 * the deadlines due by then appended, as the deadline scheduler would: a
 * server started on this log at WORKLOAD_NOW has nothing to catch up on, so
 * no background write disturbs a measurement. Same options, same events and
 * ids, on every machine.
 */
import { createHash } from 'node:crypto';
import { advanceTo } from '../domain/deadlines.js';
import { decide } from '../domain/decide.js';
import type { CourtshipEvent } from '../domain/events.js';
import { fold } from '../domain/fold.js';
import { iterateHistories } from '../domain/generator/index.js';
import { defaultRules } from '../domain/rules.js';
import { initialState } from '../domain/state.js';
import { streamIdFor, toNewEvent } from '../app/relationship-stream.js';
import type { NewEvent } from '../store/port.js';

export const WORKLOAD_TENANT = 'bench';
export const WORKLOAD_SEED = 20_251_126;
export const WORKLOAD_START = Date.UTC(2019, 0, 1);
/** The instant the generated log describes; servers under test start their clock here. */
export const WORKLOAD_NOW = Date.UTC(2026, 0, 1);
/** Relationships in the full-scale run (issue 7). */
export const FULL_RELATIONSHIPS = 100_000;

export interface WorkloadStream {
  readonly relationshipId: string;
  readonly streamId: string;
  /** Domain events as stored, deadlines included. */
  readonly events: CourtshipEvent[];
  /** The same events in the store's shape. */
  readonly stored: NewEvent[];
}

/**
 * Streams of the generated log, relationship by relationship, until at least
 * `events` events have been produced (or `relationships` streams, if given).
 */
export function* workloadStreams(limit: { events?: number; relationships?: number }): Generator<WorkloadStream> {
  const relationships = limit.relationships ?? Number.MAX_SAFE_INTEGER;
  const histories = iterateHistories({ seed: WORKLOAD_SEED, relationships, start: WORKLOAD_START });
  let produced = 0;
  for (const history of histories) {
    if (limit.events !== undefined && produced >= limit.events) return;
    const events = settle(history.id, history.events.filter((e) => e.occurredAt <= WORKLOAD_NOW));
    produced += events.length;
    yield {
      relationshipId: history.id,
      streamId: streamIdFor(WORKLOAD_TENANT, history.id),
      events,
      stored: events.map((event, revision) => toNewEvent(eventId(history.id, revision), WORKLOAD_TENANT, history.id, event)),
    };
  }
}

function settle(relationshipId: string, incoming: readonly CourtshipEvent[]): CourtshipEvent[] {
  const context = { now: WORKLOAD_NOW, rules: defaultRules };
  const decided = decide({ relationshipId, events: incoming }, initialState(relationshipId), context);
  const due = advanceTo(fold(decided), WORKLOAD_NOW, defaultRules).applied;
  return [...decided, ...due];
}

/** A UUID-shaped id that depends only on the stream and revision. */
function eventId(relationshipId: string, revision: number): string {
  const hex = createHash('sha1').update(`${relationshipId}#${revision}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
