/**
 * given(history).when(events).then(expected): stories in the essay's words.
 *
 * Everything goes through `decide`, as it does in the product: the history
 * must be valid, due deadlines are recorded as they would be, and the state is
 * read back by folding the stream (or "as of" an instant with `asOf`).
 * The events come from events.ts and fixtures.ts.
 */
import { expect } from 'vitest';
import { decide } from '../../src/domain/decide.js';
import { DomainError, type DomainErrorCode } from '../../src/domain/errors.js';
import type { CourtshipEvent, StoredEvent } from '../../src/domain/events.js';
import { stateAt } from '../../src/domain/fold.js';
import { foldHistory } from '../../src/domain/history.js';
import { defaultRules, type Rules } from '../../src/domain/rules.js';
import { initialState, type PhaseChange, type RelationshipState, type TransitionCause } from '../../src/domain/state.js';
import { at, stored, type When } from './events.js';

/** A clock far enough ahead that no story event is "in the future". */
export const STORY_NOW = at('2030-01-01');

export type Expectation = Partial<RelationshipState> & {
  /** The last phase change, partially (its cause too). */
  lastChange?: Partial<Omit<PhaseChange, 'cause'>> & { cause?: Partial<TransitionCause> };
};

export interface Outcome {
  /** The events the batch appended (due deadlines included). */
  readonly appended: CourtshipEvent[];
  readonly stream: StoredEvent[];
  readonly state: RelationshipState;
}

class Story {
  constructor(
    private readonly history: readonly CourtshipEvent[],
    private readonly incoming: readonly CourtshipEvent[] = [],
    private readonly rules: Rules = defaultRules,
    private readonly instant: number | null = null,
  ) {}

  when(...events: CourtshipEvent[]): Story {
    return new Story(this.history, events, this.rules, this.instant);
  }

  /** Read the state as of an instant (stateAt), instead of after the last event. */
  asOf(date: When): Story {
    return new Story(this.history, this.incoming, this.rules, at(date));
  }

  withRules(rules: Rules): Story {
    return new Story(this.history, this.incoming, rules, this.instant);
  }

  run(): Outcome {
    const id = 'rel-1';
    const context = { now: STORY_NOW, rules: this.rules };
    const past = decide({ relationshipId: id, events: [...this.history] }, initialState(id), context);
    const before = foldHistory(stored(past, 0), this.rules, initialState(id));
    const appended = decide({ relationshipId: id, events: [...this.incoming] }, before, context, stored(past, 0));
    const stream = stored([...past, ...appended], 0);
    const state =
      this.instant === null ? foldHistory(stream, this.rules, initialState(id)) : stateAt(stream, this.instant, this.rules, initialState(id));
    return { appended, stream, state };
  }

  then(expected: Expectation): Outcome {
    const outcome = this.run();
    const { lastChange, ...fields } = expected;
    expect(outcome.state).toMatchObject(fields);
    if (lastChange) expect(outcome.state.phaseHistory.at(-1)).toMatchObject(lastChange);
    return outcome;
  }

  refusedWith(code: DomainErrorCode, field?: string): DomainError {
    let error: unknown;
    try {
      this.run();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DomainError);
    const domainError = error as DomainError;
    expect(domainError.code).toBe(code);
    if (field !== undefined) expect(domainError.field).toBe(field);
    return domainError;
  }
}

export function given(...history: CourtshipEvent[]): Story {
  return new Story(history);
}
