/**
 * The import's first pass: every line checked as CommandService will check
 * it, before anything is written, so that a relationship with any bad line
 * gets nothing written.
 *
 * For each relationship the file touches, the plan keeps its state folded
 * from the store and from the file's lines so far (as the projector keeps
 * every state in memory, so does this), and runs the domain's `decide` on each
 * line, as the write path will. Lines whose event id is already in the stream
 * (a re-run) are marked present: the second pass skips them.
 *
 * Only the state is kept, not the lines: a file of millions of events would
 * otherwise be held whole (740 MB of parsed events for 1M lines). The history
 * is needed only for a late fact (`decide` places it among the earlier
 * events) and to decide the lines again in business order; a relationship
 * that meets either is marked for a recheck, and `recheck` (a third read of
 * the file, made only when some relationship needs it) decides its lines
 * again from its stream, this time keeping its history and lines.
 *
 * A relationship's lines may come in any order. They are first decided in
 * file order (each a fact recorded then: a line dated before earlier ones is
 * a late fact); when one is refused that way, the relationship's lines are
 * decided again at the end, in business order (by occurredAt, then file
 * order), and, when that order is accepted, written in it. An export, in
 * record order, is therefore written back exactly as it was recorded.
 *
 * A bad line that cannot be tied to one relationship (not JSON, not UTF-8, no
 * readable relationship id, a tenant not valid or not the one given) refuses
 * the whole file: it may belong to any relationship, and once fixed it would
 * shift the ordinals, hence the derived event ids, of that relationship's
 * later lines, which a partial import would then write a second time.
 */
import type { Rules } from '../../domain/rules.js';
import { decideWithState } from '../../domain/decide.js';
import { relationshipKey } from '../../app/read-side.js';
import { DomainError } from '../../domain/errors.js';
import type { CourtshipEvent, StoredEvent } from '../../domain/events.js';
import { foldHistory, landsAtEnd } from '../../domain/history.js';
import { initialState, type RelationshipState } from '../../domain/state.js';
import type { EventStore, RecordedEvent } from '../../store/port.js';
import { streamIdFor, toStoredEvents } from '../../app/relationship-stream.js';
import { derivedEventId } from './event-line.js';
import { parseLine, reasonOf, type LineInput, type LineResult, type LineTenant } from './import-line.js';

export interface LineProblem {
  readonly line: number;
  readonly relationshipId: string | null;
  readonly reason: string;
}

interface Tracked {
  refused: boolean;
  /** Folded state, until the relationship is refused or marked for a recheck. */
  state: RelationshipState | null;
  readonly relationshipId: string;
  readonly tenant: string;
  /** A late fact or a refused line met in the first pass: its lines are decided again, with their history, by `recheck`. */
  recheck: boolean;
  /** While rechecked: the stream and the file's lines so far, with revisions: a late line is placed in it (decide). */
  history: StoredEvent[];
  /** While rechecked: the stream as it was before the import. */
  recorded: StoredEvent[];
  /** While rechecked: the lines to write (not already in the stream), kept in case they must be decided again in business order. */
  pending: { number: number; event: CourtshipEvent }[];
  /** The first line refused in file order, while the relationship waits to be decided in business order. */
  deferred: { number: number; reason: string } | null;
  /** Rank of each line to write in business order, when the file's order was refused and that one accepted. */
  order: Map<number, number> | null;
  /** Ids already in the stream before the import. */
  present: Set<string>;
  /**
   * Ids given by this file, to refuse a repeated one, kept as 52-bit digests:
   * a large file names millions of ids, and the strings would dominate the
   * import's memory. Two ids of one relationship share a digest with odds
   * around 1 in 10^13, and would be refused as a repeat, never written twice.
   */
  seen: Set<number>;
}

export interface PlannedLine extends LineInput {
  readonly eventId: string;
}

/** Gives every line of a relationship its ordinal and event id, in file order; shared by both passes. */
export class LineIds {
  private readonly ordinals = new Map<string, { count: number }>();
  /** The last relationship's counter: a file's lines mostly come a relationship at a time. */
  private last: { tenant: string; relationshipId: string; counter: { count: number } } | null = null;

  next(tenant: string, relationshipId: string): number {
    const last = this.last;
    if (last !== null && last.relationshipId === relationshipId && last.tenant === tenant) return ++last.counter.count;
    const k = relationshipKey(tenant, relationshipId);
    let counter = this.ordinals.get(k);
    if (counter === undefined) {
      counter = { count: 0 };
      this.ordinals.set(k, counter);
    }
    this.last = { tenant, relationshipId, counter };
    return ++counter.count;
  }
}

/** The line's event id: its own, or one derived from its text and ordinal. */
export function eventIdOf(line: LineInput, text: string, ordinal: number): string {
  return line.input.eventId ?? derivedEventId(line.tenant, line.relationshipId, text, ordinal);
}

export function planned(line: LineInput, text: string, ordinal: number): PlannedLine {
  // Built field by field: a spread of the line costs more than the rest of the writing pass's bookkeeping.
  return { tenant: line.tenant, relationshipId: line.relationshipId, input: line.input, eventId: eventIdOf(line, text, ordinal) };
}

export class ImportPlan {
  readonly problems: LineProblem[] = [];
  /** Bad lines tied to no relationship: any refuses the whole file. */
  private untied = 0;
  private readonly tracked = new Map<string, Tracked>();
  private lastFound: { tenant: string; relationshipId: string; tracked: Tracked } | null = null;
  private ids = new LineIds();
  /** Relationships marked for a recheck. */
  private rechecks = 0;

  /**
   * `storeIsEmpty`: the store held no event when the import started and no
   * other process can write to it (the embedded store's single writer is this
   * one), so no stream needs to be asked for: each starts empty.
   */
  constructor(
    private readonly store: EventStore,
    private readonly rules: Rules,
    private readonly now: number,
    private readonly tenant: LineTenant,
    private readonly storeIsEmpty = false,
  ) {}

  /**
   * Checks one non-blank line; returns its problem, if any. A promise only
   * when the line names a relationship whose stream must be read first: the
   * other lines, nearly all of a large file, cost no await.
   */
  check(number: number, text: string): LineProblem | null | Promise<LineProblem | null> {
    const result = parseLine(text, this.tenant);
    const tenant = result.ok ? result.line.tenant : result.tenant;
    const relationshipId = result.ok ? result.line.relationshipId : result.relationshipId;
    if (relationshipId === null) return this.checkParsed(number, text, result, null);
    const tracked = this.lookUp(tenant, relationshipId) ?? (this.storeIsEmpty ? this.startTracking(tenant, relationshipId, []) : undefined);
    if (tracked !== undefined) return this.checkParsed(number, text, result, tracked);
    return this.track(tenant, relationshipId).then((read) => this.checkParsed(number, text, result, read));
  }

  /** `tracked` is null only for a refusal that names no relationship. */
  private checkParsed(number: number, text: string, result: LineResult, tracked: Tracked | null): LineProblem | null {
    if (!result.ok) {
      if (result.relationshipId !== null && tracked !== null) {
        this.ids.next(result.tenant, result.relationshipId);
        tracked.refused = true;
        tracked.state = null;
      }
      return this.problem(number, result.relationshipId, result.reason);
    }
    const line = result.line;
    if (tracked === null) throw new Error(`line ${number} was accepted without its relationship`);
    const eventId = eventIdOf(line, text, this.ids.next(line.tenant, line.relationshipId));
    const digest = digestOf(eventId);
    if (tracked.seen.has(digest)) {
      return this.refuse(tracked, number, line.relationshipId, 'eventId: repeats an earlier line of this relationship');
    }
    tracked.seen.add(digest);
    if (tracked.present.has(eventId) || tracked.state === null) return null;
    // A late fact needs the history, which is not kept: the relationship is decided again with it.
    if (!landsAtEnd(tracked.state, line.event)) return this.markForRecheck(tracked);
    try {
      tracked.state = decideWithState({ relationshipId: line.relationshipId, events: [line.event] }, tracked.state, { now: this.now, rules: this.rules }, undefined, true).state;
      return null;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // Perhaps only the order of the lines is at fault: decided again, then in business order if need be.
      return this.markForRecheck(tracked);
    }
  }

  private markForRecheck(tracked: Tracked): null {
    tracked.state = null;
    tracked.recheck = true;
    this.rechecks++;
    return null;
  }

  /** True when some relationship must be decided again: `recheck` must then see every line of the file, in order. */
  needsRecheck(): boolean {
    return this.rechecks > 0;
  }

  /** Starts the recheck: each relationship marked for it starts again from its stream, read again from the store. */
  async startRecheck(): Promise<void> {
    this.ids = new LineIds();
    for (const tracked of this.tracked.values()) {
      if (!tracked.recheck || tracked.refused) continue;
      const recorded = this.storeIsEmpty ? [] : toStoredEvents(await this.readRecorded(tracked.tenant, tracked.relationshipId));
      tracked.recorded = recorded;
      tracked.history = recorded.slice();
      tracked.state = foldHistory(recorded, this.rules, initialState(tracked.relationshipId));
      tracked.pending = [];
    }
  }

  /**
   * Decides one line again (after `startRecheck`, every non-blank line of the
   * file in order) when its relationship is marked for a recheck, keeping the
   * history a late fact is placed in and the lines for the business order.
   */
  recheck(number: number, text: string): LineProblem | null {
    const result = parseLine(text, this.tenant);
    const tenant = result.ok ? result.line.tenant : result.tenant;
    const relationshipId = result.ok ? result.line.relationshipId : result.relationshipId;
    if (relationshipId === null) return null;
    const tracked = this.lookUp(tenant, relationshipId);
    if (tracked === undefined || !tracked.recheck) return null;
    const ordinal = this.ids.next(tenant, relationshipId);
    if (tracked.refused) return null;
    // Every line of the relationship parsed in the first pass, else it would be refused: the file changed since.
    if (!result.ok) return this.refuse(tracked, number, relationshipId, `${result.reason} (the file changed after it was checked)`);
    const line = result.line;
    if (tracked.present.has(eventIdOf(line, text, ordinal)) || tracked.state === null) return null;
    tracked.pending.push({ number, event: line.event });
    if (tracked.deferred !== null) return null;
    try {
      const state = tracked.state;
      const decision = decideWithState({ relationshipId, events: [line.event] }, state, { now: this.now, rules: this.rules }, tracked.history, true);
      decision.events.forEach((event, i) => tracked.history.push({ event, revision: state.version + 1 + i }));
      tracked.state = decision.state;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // Perhaps only the order of the lines is at fault: decided again in business order at the end.
      tracked.deferred = { number, reason: reasonOf(error) };
    }
    return null;
  }

  /** A line whose bytes are not text (`Line.malformed`): tied to no relationship. */
  refuseUnreadable(number: number, reason: string): LineProblem {
    return this.problem(number, null, reason);
  }

  /** Bad lines tied to no relationship so far: while there is any, nothing of the file may be written. */
  untiedLines(): number {
    return this.untied;
  }

  /** True when the line's relationship may be written (no bad line) and the line is not already in its stream. */
  shouldWrite(line: PlannedLine): boolean {
    const tracked = this.lookUp(line.tenant, line.relationshipId);
    return tracked !== undefined && !tracked.refused && !tracked.present.has(line.eventId);
  }

  isRefused(tenant: string, relationshipId: string): boolean {
    return this.lookUp(tenant, relationshipId)?.refused ?? false;
  }

  /** The relationship's record, if tracked; the last one found is kept, as consecutive lines mostly share it. */
  private lookUp(tenant: string, relationshipId: string): Tracked | undefined {
    const last = this.lastFound;
    if (last !== null && last.relationshipId === relationshipId && last.tenant === tenant) return last.tracked;
    const tracked = this.tracked.get(relationshipKey(tenant, relationshipId));
    if (tracked !== undefined) this.lastFound = { tenant, relationshipId, tracked };
    return tracked;
  }

  /**
   * A refusal during the writing pass (a concurrent writer changed the
   * relationship, or the file changed since it was checked): nothing more is
   * written to the relationship; with no relationship, nothing more at all.
   */
  refuseWhileWriting(line: number, tenant: string, relationshipId: string | null, reason: string): LineProblem {
    const tracked = relationshipId === null ? undefined : this.tracked.get(relationshipKey(tenant, relationshipId));
    if (tracked) tracked.refused = true;
    return this.problem(line, relationshipId, reason);
  }

  /**
   * Decides in business order the relationships whose lines were refused in
   * file order (returns the lines still refused), then frees the folded
   * states: the writing pass needs only the verdicts and the orders.
   */
  finishChecking(): LineProblem[] {
    const problems: LineProblem[] = [];
    for (const tracked of this.tracked.values()) {
      if (!tracked.refused && tracked.recheck && tracked.deferred !== null) {
        const problem = this.decideInBusinessOrder(tracked);
        if (problem) problems.push(problem);
      }
      tracked.state = null;
      tracked.history = [];
      tracked.recorded = [];
      tracked.pending = [];
      tracked.seen.clear();
    }
    return problems;
  }

  /** The rank of each of the relationship's lines to write, when they are written in business order rather than the file's. */
  orderOf(tenant: string, relationshipId: string): ReadonlyMap<number, number> | null {
    return this.lookUp(tenant, relationshipId)?.order ?? null;
  }

  private decideInBusinessOrder(tracked: Tracked): LineProblem | null {
    const lines = tracked.pending
      .slice()
      .sort((a, b) => a.event.occurredAt - b.event.occurredAt || deadlineFirst(a.event) - deadlineFirst(b.event) || a.number - b.number);
    let state = foldHistory(tracked.recorded, this.rules, initialState(tracked.relationshipId));
    const history = tracked.recorded.slice();
    for (const line of lines) {
      try {
        const decision = decideWithState({ relationshipId: tracked.relationshipId, events: [line.event] }, state, { now: this.now, rules: this.rules }, history, true);
        decision.events.forEach((event, i) => history.push({ event, revision: state.version + 1 + i }));
        state = decision.state;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        // The line refused in the file's order says what is wrong better than a reordering would.
        tracked.refused = true;
        const first = tracked.deferred!;
        return this.problem(first.number, tracked.relationshipId, first.reason);
      }
    }
    tracked.order = new Map(lines.map((line, rank) => [line.number, rank]));
    return null;
  }

  /** Relationships the file names, and how many of them were refused. */
  counts(): { relationships: number; refused: number } {
    let refused = 0;
    for (const tracked of this.tracked.values()) if (tracked.refused) refused++;
    return { relationships: this.tracked.size, refused };
  }

  /** The relationship's record, its stream read from the store the first time. */
  private async track(tenant: string, relationshipId: string): Promise<Tracked> {
    const recorded = await this.readRecorded(tenant, relationshipId);
    // Another line of the relationship may have started it while the store answered.
    return this.lookUp(tenant, relationshipId) ?? this.startTracking(tenant, relationshipId, recorded);
  }

  private async readRecorded(tenant: string, relationshipId: string): Promise<readonly RecordedEvent[]> {
    const streamId = streamIdFor(tenant, relationshipId);
    // A fresh import names streams that do not exist yet: nothing to read.
    return (await this.store.streamRevision(streamId)) === null ? [] : this.store.readStream(streamId);
  }

  private startTracking(tenant: string, relationshipId: string, recorded: readonly RecordedEvent[]): Tracked {
    const tracked: Tracked = {
      relationshipId,
      tenant,
      refused: false,
      recheck: false,
      state: foldHistory(toStoredEvents(recorded), this.rules, initialState(relationshipId)),
      history: [],
      recorded: [],
      pending: [],
      deferred: null,
      order: null,
      present: new Set(recorded.map((r) => r.id.toLowerCase())),
      seen: new Set(),
    };
    this.tracked.set(relationshipKey(tenant, relationshipId), tracked);
    return tracked;
  }

  private refuse(tracked: Tracked, number: number, relationshipId: string, reason: string): LineProblem {
    tracked.refused = true;
    tracked.state = null;
    tracked.history = [];
    tracked.pending = [];
    return this.problem(number, relationshipId, reason);
  }

  private problem(line: number, relationshipId: string | null, reason: string): LineProblem {
    if (relationshipId === null) this.untied++;
    const problem = { line, relationshipId, reason };
    this.problems.push(problem);
    return problem;
  }
}

function deadlineFirst(event: CourtshipEvent): number {
  return event.type === 'DeadlineReached' ? 0 : 1;
}

/** A 52-bit digest of an id (two FNV-1a hashes with different offsets), exact as a JS number. */
function digestOf(id: string): number {
  let high = 0x811c9dc5;
  let low = 0x050c5d1f;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    high = Math.imul(high ^ c, 0x01000193) >>> 0;
    low = Math.imul(low ^ c, 0x01000193) >>> 0;
  }
  return (high & 0xfffff) * 0x100000000 + low;
}
