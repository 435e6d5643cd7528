/**
 * Folds one batch of recorded events into new relationship rows, without
 * touching the live table: the projector commits the result to SQLite first
 * and only then installs it in memory, so readers never see an uncommitted
 * state.
 *
 * Events are recorded in log order and folded in business order
 * (domain/history.ts): an event that lands at the end of its relationship's
 * history is applied in place; a late fact re-folds the relationship's
 * stream, which the caller supplies (`history`). The phase changes of the
 * batch are the corrections in log order: the transitions a late fact takes
 * back (`retracted`), then those that hold since.
 */
import type { LoggedEvent, PhaseChangeRecord, RelationshipRow } from '../app/read-side.js';
import type { StoredEvent } from '../domain/events.js';
import { ownedCopy } from '../domain/draft.js';
import { recordFact } from '../domain/history.js';
import type { Rules } from '../domain/rules.js';
import { initialState, type PhaseChange, type RelationshipState } from '../domain/state.js';
import { encodePosition, type RecordedEvent } from '../store/port.js';
import { decodeRecorded } from '../app/relationship-stream.js';
import { toLoggedEvent } from './log-pages.js';
import type { StateSource } from './relationship-states.js';

export interface AppliedBatch {
  /** Each relationship the batch changed, once, in its final state for the batch. */
  readonly rows: RelationshipRow[];
  readonly phaseChanges: PhaseChangeRecord[];
  /** The batch's events in the feed's form; null when not asked for (nobody listens). */
  readonly events: LoggedEvent[] | null;
  /** Position of the batch's last event, relationship event or not. */
  readonly checkpoint: bigint;
}

/** A recorded event as a fold reads it: the lean read gives its record time in epoch ms, a full one as a Date. */
export type FoldRecord = Omit<RecordedEvent, 'id' | 'recordedAt'> & { readonly recordedAt?: Date; readonly recordedAtMs?: number };

/**
 * A relationship's stream, as stored events with positions and record times,
 * in revision order (events past the one folded are ignored); undefined when
 * the caller has not read it (`foldBatch` then throws `HistoryNeeded`). The
 * fold appends the events it records to a stream it was given, so a caller
 * that keeps streams (the projector, for the relationships that recently took
 * a late fact) keeps them current.
 */
export type HistorySource = (streamId: string) => StoredEvent[] | undefined;

/** A late fact needs its stream re-folded, and the caller has not supplied it: read it and fold the batch again. */
export class HistoryNeeded extends Error {
  constructor(readonly streamId: string) {
    super(`the stream ${streamId} must be read to place a late fact`);
    this.name = 'HistoryNeeded';
  }
}

export interface FoldOptions {
  readonly listEvents: boolean;
  readonly rules: Rules;
  readonly history?: HistorySource;
  /**
   * The streams the caller keeps, which the fold appends to; by default those
   * `history` gives. A caller whose `history` reads a stream on demand passes
   * the ones it read, so that keeping streams current never reads one.
   */
  readonly held?: HistorySource;
}

export function foldBatch(table: StateSource, recorded: readonly RecordedEvent[], options: FoldOptions): AppliedBatch;
export function foldBatch(
  table: StateSource,
  recorded: readonly FoldRecord[],
  options: FoldOptions & { listEvents: false },
): AppliedBatch;
export function foldBatch(table: StateSource, recorded: readonly FoldRecord[], options: FoldOptions): AppliedBatch {
  // Each changed state is copied once per batch, then written in place. Keyed
  // by stream id: one per relationship, and already a string (no key to build per event).
  const working = new Map<string, { tenant: string; relationshipId: string; state: RelationshipState; position: bigint | null }>();
  const phaseChanges: PhaseChangeRecord[] = [];
  const events: LoggedEvent[] | null = options.listEvents ? [] : null;
  // The states the batch starts from, read at once rather than one query each.
  table.prefetch?.(recorded.map((record) => record.streamId));

  for (const record of recorded) {
    // A stream already in the batch has its ids parsed: they are the entry's.
    let entry = working.get(record.streamId);
    const decoded = decodeRecorded(record, entry);
    if (!decoded) continue;
    const { tenant, relationshipId, event, revision, position } = decoded;
    if (!entry) {
      const base = table.get(tenant, relationshipId)?.state ?? initialState(relationshipId);
      entry = { tenant, relationshipId, state: ownedCopy(base), position: null };
      working.set(record.streamId, entry);
    }
    // A revision already folded in is a redelivery: applying it twice would corrupt the state.
    if (revision <= entry.state.version) continue;

    const recordedAt = recordTimeOf(record);
    const streamId = record.streamId;
    const earlier = (): readonly StoredEvent[] => {
      const stream = options.history?.(streamId);
      if (stream === undefined) throw new HistoryNeeded(streamId);
      return stream.filter((item) => item.revision < revision);
    };
    const { state, retracted, added, refolded } = recordFact(
      entry.state,
      recordedAt === undefined ? { event, revision } : { event, revision, recordedAt },
      options.rules,
      earlier,
      true,
    );
    entry.state = state;
    entry.position = position;
    const held = (options.held ?? options.history)?.(streamId);
    if (held !== undefined && (held.at(-1)?.revision ?? -1) < revision) {
      held.push(recordedAt === undefined ? { event, revision, position: encodePosition(position) } : { event, revision, position: encodePosition(position), recordedAt });
    }

    if (retracted.length > 0 || added.length > 0) {
      const encoded = encodePosition(position);
      const here = { revision, position: encoded };
      const correctedBy = refolded ? { eventType: event.type, revision, position: encoded } : null;
      const change = (c: PhaseChange, retractedFlag: boolean, seq: number): PhaseChangeRecord => ({
        tenant,
        relationshipId,
        from: c.from,
        to: c.to,
        at: c.at,
        cycle: c.cycle,
        cause: causeOf(c, event, here, () => options.history?.(streamId)),
        position,
        seq,
        retracted: retractedFlag,
        correctedBy,
        recordedAt: recordedAt ?? 0,
      });
      let seq = 0;
      for (const c of retracted) phaseChanges.push(change(c, true, seq++));
      for (let i = state.phaseHistory.length - added.length; i < state.phaseHistory.length; i++) {
        const c = state.phaseHistory[i]!;
        // An entry this event caused carries its position, as `evolve` records it when given one.
        if (c.cause.kind === 'EVENT' && c.cause.revision === revision && c.cause.position === undefined) {
          const cause = { kind: 'EVENT', eventType: c.cause.eventType, revision, position: encoded } as const;
          state.phaseHistory[i] = { ...c, cause };
        }
        phaseChanges.push(change(state.phaseHistory[i]!, false, seq++));
      }
    }
    events?.push(toLoggedEvent(decoded, record as RecordedEvent));
  }

  const rows: RelationshipRow[] = [];
  for (const entry of working.values()) {
    if (entry.position !== null) rows.push({ tenant: entry.tenant, id: entry.relationshipId, state: entry.state, position: entry.position });
  }
  return { rows, phaseChanges, events, checkpoint: recorded[recorded.length - 1]!.position };
}

function recordTimeOf(record: FoldRecord): number | undefined {
  return record.recordedAtMs ?? record.recordedAt?.getTime();
}

/**
 * A change's cause as subscribers see it: the causing event's revision and
 * position. A deadline's is the recorded DeadlineReached it comes from (found
 * in the stream when the change was not caused by the event at hand).
 */
function causeOf(
  change: PhaseChange,
  event: StoredEvent['event'],
  here: { revision: number; position: string },
  stream: () => readonly StoredEvent[] | undefined,
): PhaseChangeRecord['cause'] {
  if (change.cause.kind === 'EVENT') {
    const revision = change.cause.revision ?? here.revision;
    const position = change.cause.position ?? (revision === here.revision ? here.position : '');
    return { kind: 'EVENT', eventType: change.cause.eventType, revision, position };
  }
  const rule = change.cause.rule;
  const records = (candidate: StoredEvent['event']): boolean =>
    candidate.type === 'DeadlineReached' && candidate.data.rule === rule && candidate.occurredAt === change.at;
  // Usually the event at hand is that record (deadline events are unique per rule and instant): no stream to read.
  if (records(event)) return { kind: 'DEADLINE', rule, revision: here.revision, position: here.position };
  const recorded = stream()?.find((item) => records(item.event));
  return recorded === undefined
    ? { kind: 'DEADLINE', rule, revision: here.revision, position: here.position }
    : { kind: 'DEADLINE', rule, revision: recorded.revision, position: recorded.position ?? here.position };
}
