/**
 * The pen the generator writes one relationship's history with: a clock that
 * only moves forward, the events written so far, and the relationship's state
 * as the core folds it, so a scenario always knows the real phase.
 *
 * Silence is dangerous in this domain: a quiet prospect moves on, a quiet
 * vendor neglects, a contract lapses. `wait` lets time pass without any of
 * that happening by accident (the right party keeps in touch just before the
 * deadline, as real people do); `fallSilent` lets the deadlines the scenario
 * wants fall due.
 */
import { advanceTo, nextDeadline, type Deadline } from '../deadlines.js';
import type { Actor, CourtshipEvent, DeadlineRule, EventOfType, EventType, Phase } from '../events.js';
import { ownedCopy } from '../draft.js';
import { evolveInPlace } from '../evolve.js';
import { DAY_MS, type Rules } from '../rules.js';
import { initialState, type RelationshipState } from '../state.js';
import type { Random } from './random.js';

const MINUTE_MS = 60_000;
const YEAR_MS = 365 * DAY_MS;

export class Story {
  readonly events: CourtshipEvent[] = [];
  private state: RelationshipState;
  private counters = new Map<string, number>();

  constructor(
    id: string,
    readonly rng: Random,
    private readonly rules: Rules,
    /** The story's clock, epoch ms. */
    private now: number,
  ) {
    this.state = ownedCopy(initialState(id));
  }

  get at(): number {
    return this.now;
  }

  /** The phase now, deadlines due by now included. */
  get phase(): Phase | null {
    this.settle();
    return this.state.phase;
  }

  get current(): RelationshipState {
    this.settle();
    return this.state;
  }

  /** A fresh id for the stream, e.g. `q3`: unique for the stream's whole life, as the domain requires. */
  nextId(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}${n}`;
  }

  emit<T extends Exclude<EventType, 'DeadlineReached'>>(type: T, actor: Actor, data: EventOfType<T>['data']): void {
    this.settle();
    const event = { type, occurredAt: this.now, actor, data } as CourtshipEvent;
    this.events.push(event);
    evolveInPlace(this.state, event);
  }

  /** Lets between minDays and maxDays pass (to the minute) with no deadline falling due. */
  wait(minDays: number, maxDays: number): void {
    const until = this.now + this.span(minDays, maxDays);
    for (let due = this.pending(); due !== null && due.at <= until; due = this.pending()) {
      this.now = Math.max(this.now, due.at - this.span(1, 5));
      this.keepInTouch(due.rule);
    }
    this.now = until;
  }

  /** Lets time pass and the given deadlines fall due (the others are still kept from happening). */
  fallSilent(minDays: number, maxDays: number, allowed: readonly DeadlineRule[]): void {
    const until = this.now + this.span(minDays, maxDays);
    for (let due = this.pending(); due !== null && due.at <= until; due = this.pending()) {
      if (allowed.includes(due.rule)) {
        this.now = due.at;
        this.settle();
      } else {
        this.now = Math.max(this.now, due.at - this.span(1, 5));
        this.keepInTouch(due.rule);
      }
    }
    this.now = until;
  }

  /** A term end one or two years ahead (sometimes none: an evergreen contract never lapses). */
  termEnd(from: number): number | undefined {
    return this.rng.chance(0.15) ? undefined : from + (this.rng.chance(0.7) ? 1 : 2) * YEAR_MS;
  }

  private keepInTouch(rule: DeadlineRule): void {
    switch (rule) {
      case 'MOVED_ON_SILENCE':
      case 'ALTAR_SILENCE':
        this.emit('InteractionLogged', 'PROSPECT', { channel: this.rng.pick(['EMAIL', 'CALL'] as const) });
        return;
      case 'NEGLECT':
        this.emit('InteractionLogged', 'VENDOR', { channel: this.rng.pick(['CALL', 'BUSINESS_REVIEW', 'EMAIL'] as const) });
        return;
      case 'CONTRACT_LAPSE': {
        const contractId = this.currentContractId();
        const endsAt = this.state.contractEndsAt ?? this.now;
        this.emit('ContractRenewed', 'PROSPECT', { contractId, endsAt: endsAt + YEAR_MS });
        return;
      }
    }
  }

  private currentContractId(): string {
    const ids = Object.keys(this.state.contracts).filter((id) => this.state.contracts[id]!.cycle === this.state.cycle);
    return ids[ids.length - 1]!;
  }

  private pending(): Deadline | null {
    this.settle();
    return nextDeadline(this.state, this.rules);
  }

  /** Applies, in the shadow state, the deadlines that fell due by now (decide records them the same way). */
  private settle(): void {
    const { state, applied } = advanceTo(this.state, this.now, this.rules);
    if (applied.length > 0) this.state = ownedCopy(state);
  }

  private span(minDays: number, maxDays: number): number {
    const days = minDays + this.rng.next() * (maxDays - minDays);
    return Math.round((days * DAY_MS) / MINUTE_MS) * MINUTE_MS;
  }
}
