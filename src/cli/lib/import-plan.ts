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
 */
import type { Rules } from '../../domain/rules.js';
import { decide } from '../../domain/decide.js';
import { DomainError } from '../../domain/errors.js';
import { evolveInPlace } from '../../domain/evolve.js';
import { fold } from '../../domain/fold.js';
import { initialState, type RelationshipState } from '../../domain/state.js';
import type { EventStore } from '../../store/port.js';
import { streamIdFor, toStoredEvents } from '../../projections/envelope.js';
import { derivedEventId } from './event-line.js';
import { parseLine, reasonOf, type LineInput, type ParsedLine } from './import-line.js';

export interface LineProblem {
  readonly line: number;
  readonly relationshipId: string | null;
  readonly reason: string;
}

interface Tracked {
  refused: boolean;
  /** Folded state, until the relationship is refused. */
  state: RelationshipState | null;
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
  private readonly ordinals = new Map<string, number>();

  next(tenant: string, relationshipId: string): number {
    const key = `${tenant}\u0000${relationshipId}`;
    const ordinal = (this.ordinals.get(key) ?? 0) + 1;
    this.ordinals.set(key, ordinal);
    return ordinal;
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
  private readonly tracked = new Map<string, Tracked>();
  private readonly ids = new LineIds();

  constructor(
    private readonly store: EventStore,
    private readonly rules: Rules,
    private readonly now: number,
    private readonly defaultTenant: string,
  ) {}

  /** Checks one non-blank line; returns its problem, if any. */
  async check(number: number, text: string): Promise<LineProblem | null> {
    const result = parseLine(text, this.defaultTenant);
    if (!result.ok) {
      if (result.relationshipId !== null) {
        const tracked = await this.track(result.tenant, result.relationshipId);
        this.ids.next(result.tenant, result.relationshipId);
        tracked.refused = true;
        tracked.state = null;
      }
      return this.problem(number, result.relationshipId, result.reason);
    }
    const tracked = await this.track(result.line.tenant, result.line.relationshipId);
    const line = result.line;
    const eventId = eventIdOf(line, text, this.ids.next(line.tenant, line.relationshipId));
    const digest = digestOf(eventId);
    if (tracked.seen.has(digest)) {
      return this.refuse(tracked, number, line, 'eventId: repeats an earlier line of this relationship');
    }
    tracked.seen.add(digest);
    if (tracked.present.has(eventId) || tracked.state === null) return null;
    try {
      const state = tracked.state;
      for (const event of decide({ relationshipId: line.relationshipId, events: [line.event] }, state, { now: this.now, rules: this.rules })) {
        evolveInPlace(state, event, { revision: state.version + 1 });
      }
      return null;
    } catch (error) {
      if (error instanceof DomainError) return this.refuse(tracked, number, line, reasonOf(error));
      throw error;
    }
  }

  /** True when the line's relationship may be written (no bad line) and the line is not already in its stream. */
  shouldWrite(line: PlannedLine): boolean {
    const tracked = this.tracked.get(key(line.tenant, line.relationshipId));
    return tracked !== undefined && !tracked.refused && !tracked.present.has(line.eventId);
  }

  isRefused(tenant: string, relationshipId: string): boolean {
    return this.tracked.get(key(tenant, relationshipId))?.refused ?? false;
  }

  /** A refusal during the writing pass (a concurrent writer changed the relationship): nothing more is written to it. */
  refuseWhileWriting(line: number, tenant: string, relationshipId: string, reason: string): LineProblem {
    const tracked = this.tracked.get(key(tenant, relationshipId));
    if (tracked) tracked.refused = true;
    return this.problem(line, relationshipId, reason);
  }

  /** Frees the folded states once the file was checked: the writing pass needs only the verdicts. */
  finishChecking(): void {
    for (const tracked of this.tracked.values()) {
      tracked.state = null;
      tracked.seen.clear();
    }
  }

  /** Relationships the file names, and how many of them were refused. */
  counts(): { relationships: number; refused: number } {
    let refused = 0;
    for (const tracked of this.tracked.values()) if (tracked.refused) refused++;
    return { relationships: this.tracked.size, refused };
  }

  private async track(tenant: string, relationshipId: string): Promise<Tracked> {
    const k = key(tenant, relationshipId);
    let tracked = this.tracked.get(k);
    if (tracked === undefined) {
      const streamId = streamIdFor(tenant, relationshipId);
      // A fresh import names streams that do not exist yet: nothing to read.
      const recorded = (await this.store.streamRevision(streamId)) === null ? [] : await this.store.readStream(streamId);
      tracked = {
        refused: false,
        state: fold(toStoredEvents(recorded), undefined, initialState(relationshipId)),
        present: new Set(recorded.map((r) => r.id.toLowerCase())),
        seen: new Set(),
      };
      this.tracked.set(k, tracked);
    }
    return tracked;
  }

  private refuse(tracked: Tracked, number: number, line: ParsedLine, reason: string): LineProblem {
    tracked.refused = true;
    tracked.state = null;
    return this.problem(number, line.relationshipId, reason);
  }

  private problem(line: number, relationshipId: string | null, reason: string): LineProblem {
    const problem = { line, relationshipId, reason };
    this.problems.push(problem);
    return problem;
  }
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

function key(tenant: string, relationshipId: string): string {
  return `${tenant}\u0000${relationshipId}`;
}
