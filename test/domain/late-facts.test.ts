/**
 * Late facts: history as it happened, whenever it is told
 * (shared/PRODUCT.md, "Business time and record time").
 *
 * A stream here is written the way the product writes it: each call goes
 * through `decide` with the stream so far, and the deadline scheduler records
 * what silence decided when it runs (`schedulerRunsAt`).
 */
import { describe, expect, it } from 'vitest';
import { advanceTo } from '../../src/domain/deadlines.js';
import { decide } from '../../src/domain/decide.js';
import { DomainError } from '../../src/domain/errors.js';
import type { CourtshipEvent, StoredEvent } from '../../src/domain/events.js';
import { foldHistory } from '../../src/domain/history.js';
import { defaultRules } from '../../src/domain/rules.js';
import { initialState, type RelationshipState } from '../../src/domain/state.js';
import {
  at,
  contractSigned,
  exclusivityGranted,
  interestWithdrawn,
  opened,
  proposalRejected,
  proposalSubmitted,
  prospectCall,
  prospectInterest,
  questionAnswered,
  questionAsked,
  vendorCall,
  vendorInterest,
} from '../support/events.js';
import { STORY_NOW } from '../support/story.js';

class Stream {
  readonly events: StoredEvent[] = [];

  get state(): RelationshipState {
    return foldHistory(this.events, defaultRules, initialState('rel-1'));
  }

  append(...events: CourtshipEvent[]): this {
    const appended = decide({ relationshipId: 'rel-1', events }, this.state, { now: STORY_NOW, rules: defaultRules }, this.events);
    for (const event of appended) this.events.push({ event, revision: this.events.length });
    return this;
  }

  /** The scheduler records every deadline due by `date`, one append each. */
  schedulerRunsAt(date: string): this {
    for (const event of advanceTo(this.state, at(date), defaultRules).applied) this.events.push({ event, revision: this.events.length });
    return this;
  }

  /** The phase history without what differs between two logs of the same history (revisions, record times). */
  get transitions(): string[] {
    return this.state.phaseHistory.map(
      (c) => `${new Date(c.at).toISOString().slice(0, 10)} ${c.from}→${c.to} ${c.cause.kind === 'EVENT' ? c.cause.eventType : c.cause.rule}`,
    );
  }
}

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const courtship = [
  opened('2025-01-02'),
  vendorInterest('2025-01-03'),
  prospectInterest('2025-01-05'),
  exclusivityGranted('2025-01-20'),
];

describe('a CRM migration sent in pages', () => {
  const history = [
    opened('2025-01-02'),
    prospectInterest('2025-01-05'),
    vendorCall('2025-01-20'),
    prospectCall('2025-03-01'),
    exclusivityGranted('2025-03-10'),
    proposalSubmitted('p1', '2025-04-01'),
    contractSigned('c1', '2025-04-20'),
  ];

  it('ends exactly as the same history sent in one call, though the scheduler recorded a silence between pages', () => {
    const oneCall = new Stream().append(...history);
    const paged = new Stream().append(...history.slice(0, 2)).schedulerRunsAt('2026-01-01');
    expect(paged.state.phase).toBe('MOVED_ON');

    paged.append(...history.slice(2, 4)).append(...history.slice(4));

    expect(paged.transitions).toEqual(oneCall.transitions);
    expect(paged.state.phase).toBe('MARRIED');
    expect(paged.events.some((e) => e.event.type === 'DeadlineReached')).toBe(true);
  });
});

describe('a late visit undoes a neglect', () => {
  it('takes back the NEGLECTED recorded at day 60 when a business review on day 55 is logged after it', () => {
    const stream = new Stream()
      .append(...courtship, proposalSubmitted('p1', '2025-02-01'), contractSigned('c1', '2025-02-10'))
      .schedulerRunsAt('2025-04-15');
    expect(stream.state.phase).toBe('NEGLECTED');

    stream.append(vendorCall('2025-04-06'));

    expect(stream.state.phase).toBe('MARRIED');
    expect(stream.transitions.some((t) => t.includes('NEGLECTED'))).toBe(false);
    // The log keeps the recorded deadline: it stops counting.
    expect(stream.events.filter((e) => e.event.type === 'DeadlineReached')).toHaveLength(1);
  });

  it('records the neglect the late visit newly implies, at its instant, when a later event stands after it', () => {
    const stream = new Stream()
      .append(...courtship, proposalSubmitted('p1', '2025-02-01'), contractSigned('c1', '2025-02-10'))
      .schedulerRunsAt('2025-04-15')
      .append(prospectCall('2025-07-01'));
    expect(stream.state.phase).toBe('NEGLECTED');

    const appended = decide(
      { relationshipId: 'rel-1', events: [vendorCall('2025-04-06')] },
      stream.state,
      { now: STORY_NOW, rules: defaultRules },
      stream.events,
    );

    expect(appended.map((e) => e.type)).toEqual(['InteractionLogged', 'DeadlineReached']);
    expect(appended[1]!.occurredAt).toBe(at('2025-06-05'));
    stream.append(vendorCall('2025-04-06'));
    expect(stream.transitions.at(-1)).toBe('2025-06-05 MARRIED→NEGLECTED NEGLECT');
  });
});

describe('a late rejection after a recorded altar silence', () => {
  it('moves the cause of LEFT_AT_ALTAR from the deadline to the rejection, at the rejection instant', () => {
    const stream = new Stream().append(...courtship, proposalSubmitted('p1', '2025-02-01')).schedulerRunsAt('2025-04-01');
    expect(stream.state.phaseHistory.at(-1)).toMatchObject({ to: 'LEFT_AT_ALTAR', cause: { kind: 'DEADLINE', rule: 'ALTAR_SILENCE' } });

    stream.append(proposalRejected('p1', '2025-02-20'));

    expect(stream.state.phase).toBe('LEFT_AT_ALTAR');
    expect(stream.state.phaseHistory.at(-1)).toMatchObject({
      to: 'LEFT_AT_ALTAR',
      at: at('2025-02-20'),
      cause: { kind: 'EVENT', eventType: 'ProposalRejected' },
    });
    expect(stream.state.phaseHistory.filter((c) => c.to === 'LEFT_AT_ALTAR')).toHaveLength(1);
  });
});

describe('a late fact that contradicts the recorded history', () => {
  it('is refused when a withdrawal dated before recorded courtship events would close the relationship under them, naming the first', () => {
    const stream = new Stream().append(...courtship, prospectCall('2025-02-01'));
    const error = refusal(() => stream.append(interestWithdrawn('2025-01-10')));
    expect(error.code).toBe('CONTRADICTS_RECORDED_EVENT');
    expect(error.field).toBe('events[0].occurredAt');
    expect(error.conflict).toMatchObject({ revision: 3, type: 'ExclusivityGranted' });
    expect(error.message).toMatch(/ExclusivityGranted at revision 3/);
    expect(stream.events).toHaveLength(5);
  });

  it('is refused when an answer is dated before its question, naming the question', () => {
    const stream = new Stream().append(...courtship, questionAsked('q1', '2025-02-01'), prospectCall('2025-02-10'));
    const error = refusal(() => stream.append(questionAnswered('q1', '2025-01-25')));
    expect(error.code).toBe('CONTRADICTS_RECORDED_EVENT');
    expect(error.conflict).toMatchObject({ revision: 4, type: 'QuestionAsked' });
  });

  it('is refused when dated before the relationship was opened', () => {
    const stream = new Stream().append(...courtship);
    expect(refusal(() => stream.append(vendorCall('2025-01-01'))).code).toBe('OCCURRED_AT_BEFORE_OPENING');
  });

  it('is accepted, and takes its place, when the reordered history holds', () => {
    const stream = new Stream().append(...courtship, questionAsked('q1', '2025-02-01'), prospectCall('2025-02-10'));
    stream.append(questionAnswered('q1', '2025-02-05'));
    expect(stream.state.questions['q1']).toMatchObject({ answeredAt: at('2025-02-05') });
    expect(stream.state.lastEventAt).toBe(at('2025-02-10'));
  });
});

describe('walking away from a pending proposal', () => {
  it('is leaving the vendor at the altar (cause EVENT)', () => {
    const stream = new Stream().append(...courtship, proposalSubmitted('p1', '2025-02-01'), interestWithdrawn('2025-02-05'));
    expect(stream.state.phaseHistory.at(-1)).toMatchObject({
      from: 'PROPOSED',
      to: 'LEFT_AT_ALTAR',
      cause: { kind: 'EVENT', eventType: 'InterestWithdrawn' },
    });
  });
});
