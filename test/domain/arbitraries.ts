/**
 * Valid histories for property tests. fast-check generates "intents" (a
 * delay, a kind of event, an actor, a number to pick ids with); `realize`
 * turns them into a stream by offering each one to `decide` against the state
 * so far, skipping the ones it refuses. So every history is valid by
 * construction, recorded deadlines included, and shrinks well.
 */
import fc from 'fast-check';
import { decide } from '../../src/domain/decide.js';
import { DomainError } from '../../src/domain/errors.js';
import {
  ACTORS,
  CHANNELS,
  CHURN_REASONS,
  ROLES,
  SCOPES,
  SEVERITIES,
  STANCES,
  TOPICS,
  type Actor,
  type CourtshipEvent,
  type StoredEvent,
} from '../../src/domain/events.js';
import { evolve } from '../../src/domain/evolve.js';
import { defaultRules, type Rules } from '../../src/domain/rules.js';
import { initialState, type RelationshipState } from '../../src/domain/state.js';
import { DAY } from '../support/events.js';

const KINDS = [
  'interest',
  'interaction',
  'question',
  'answer',
  'test',
  'competitorEngaged',
  'exclusivity',
  'stakeholder',
  'stance',
  'proposal',
  'rejection',
  'contract',
  'renewal',
  'withdrawal',
  'caseOpened',
  'caseClosed',
  'upsellOpened',
  'upsellWon',
  'upsellLost',
  'competitorContact',
  'churn',
  'reopen',
] as const;
type Kind = (typeof KINDS)[number];
/** Listed again to come up more often: courtship needs interest both ways, and closed cycles need reopening. */
const FAVOURED: readonly Kind[] = ['interest', 'interest', 'interaction', 'interaction', 'interaction', 'exclusivity', 'reopen', 'reopen'];

interface Intent {
  readonly delay: number;
  readonly kind: Kind;
  readonly actor: Actor;
  readonly pick: number;
}

const intent: fc.Arbitrary<Intent> = fc.record({
  // Mostly days apart, sometimes months: long enough for every silence rule to fire.
  delay: fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 5 * DAY }), weight: 12 },
    { arbitrary: fc.integer({ min: 0, max: 130 * DAY }), weight: 1 },
  ),
  kind: fc.constantFrom(...KINDS, ...FAVOURED),
  actor: fc.constantFrom(...ACTORS),
  pick: fc.nat({ max: 1_000 }),
});

/** One append: the incoming event's time and everything decide appended for it. */
export interface Batch {
  readonly at: number;
  readonly events: CourtshipEvent[];
}

export interface History {
  readonly id: string;
  readonly batches: Batch[];
  /** The whole stream, with revisions. */
  readonly stream: StoredEvent[];
}

export const HISTORY_START = Date.UTC(2025, 0, 1);
const NOW = Date.UTC(2100, 0, 1);

export function historyArbitrary(maxEvents = 60, rules: Rules = defaultRules): fc.Arbitrary<History> {
  return fc.array(intent, { minLength: 0, maxLength: maxEvents, size: 'max' }).map((intents) => realize(intents, rules));
}

function realize(intents: readonly Intent[], rules: Rules): History {
  const id = 'rel-prop';
  let state = initialState(id);
  const batches: Batch[] = [];
  const stream: StoredEvent[] = [];
  const offer = (event: CourtshipEvent): void => {
    let appended: CourtshipEvent[];
    try {
      appended = decide({ relationshipId: id, events: [event] }, state, { now: NOW, rules });
    } catch (error) {
      if (error instanceof DomainError) return;
      throw error;
    }
    for (const e of appended) {
      const revision = state.version + 1;
      state = evolve(state, e, { revision });
      stream.push({ event: e, revision });
    }
    batches.push({ at: event.occurredAt, events: appended });
  };
  offer({ type: 'RelationshipOpened', occurredAt: HISTORY_START, actor: 'VENDOR', data: { accountName: 'Prop Corp' } });
  let time = HISTORY_START;
  intents.forEach((step, n) => {
    time += step.delay;
    const event = build(step, n, time, state);
    if (event) offer(event);
  });
  return { id, batches, stream };
}

function build(step: Intent, n: number, t: number, s: RelationshipState): CourtshipEvent | null {
  const { actor, pick } = step;
  const base = { occurredAt: t, actor };
  const choose = <T>(items: readonly T[]): T | undefined => items[pick % Math.max(items.length, 1)];
  switch (step.kind) {
    case 'interest':
      return { ...base, type: 'InterestSignaled', data: {} };
    case 'interaction':
      return { ...base, type: 'InteractionLogged', data: { channel: choose(CHANNELS)! } };
    case 'question':
      return { ...base, type: 'QuestionAsked', data: { questionId: `q${n}`, topic: choose(TOPICS)! } };
    case 'answer': {
      const open = Object.keys(s.questions).filter((id) => s.questions[id]!.answeredAt === null);
      return open.length === 0 ? null : { ...base, type: 'QuestionAnswered', data: { questionId: choose(open)! } };
    }
    case 'test':
      return { ...base, type: pick % 2 === 0 ? 'TestPassed' : 'TestFailed', data: { test: 'security review' } };
    case 'competitorEngaged':
      return { ...base, type: 'CompetitorEngaged', data: { competitor: `rival-${pick % 3}` } };
    case 'exclusivity':
      return { ...base, type: 'ExclusivityGranted', data: {} };
    case 'stakeholder':
      return {
        ...base,
        type: 'StakeholderIntroduced',
        data: { stakeholderId: `s${n}`, name: `Person ${n}`, role: choose(ROLES)!, hasVeto: pick % 2 === 0 },
      };
    case 'stance': {
      const ids = Object.keys(s.stakeholders);
      return ids.length === 0
        ? null
        : { ...base, type: 'StakeholderStanceChanged', data: { stakeholderId: choose(ids)!, stance: choose(STANCES)! } };
    }
    case 'proposal':
      return { ...base, type: 'ProposalSubmitted', data: { proposalId: `p${n}`, amount: pick * 100 } };
    case 'rejection': {
      const ids = Object.keys(s.proposals).filter((id) => s.proposals[id]!.rejectedAt === null);
      return ids.length === 0 ? null : { ...base, type: 'ProposalRejected', data: { proposalId: choose(ids)! } };
    }
    case 'contract':
      return {
        ...base,
        type: 'ContractSigned',
        data: pick % 3 === 0 ? { contractId: `c${n}` } : { contractId: `c${n}`, endsAt: t + (30 + (pick % 400)) * DAY },
      };
    case 'renewal': {
      const ids = Object.keys(s.contracts).filter((id) => s.contracts[id]!.cycle === s.cycle);
      if (ids.length === 0) return null;
      const contractId = choose(ids)!;
      return { ...base, type: 'ContractRenewed', data: pick % 4 === 0 ? { contractId } : { contractId, endsAt: t + 365 * DAY } };
    }
    case 'withdrawal':
      return { ...base, type: 'InterestWithdrawn', data: {} };
    case 'caseOpened':
      return {
        ...base,
        type: 'SupportCaseOpened',
        data: { caseId: `k${n}`, severity: choose(SEVERITIES)!, scope: SCOPES[(pick >> 2) % SCOPES.length]! },
      };
    case 'caseClosed': {
      const ids = Object.keys(s.supportCases).filter((id) => s.supportCases[id]!.closedAt === null);
      return ids.length === 0 ? null : { ...base, type: 'SupportCaseClosed', data: { caseId: choose(ids)! } };
    }
    case 'upsellOpened':
      return { ...base, type: 'UpsellOpened', data: { opportunityId: `u${n}` } };
    case 'upsellWon':
    case 'upsellLost': {
      const ids = Object.keys(s.upsells).filter((id) => s.upsells[id]!.status === 'OPEN');
      if (ids.length === 0) return null;
      return { ...base, type: step.kind === 'upsellWon' ? 'UpsellWon' : 'UpsellLost', data: { opportunityId: choose(ids)! } };
    }
    case 'competitorContact':
      return { ...base, type: 'CompetitorContactDetected', data: { competitor: `rival-${pick % 3}` } };
    case 'churn':
      return { ...base, type: 'ChurnNoticeGiven', data: { reason: choose(CHURN_REASONS)! } };
    case 'reopen':
      return { ...base, type: 'RelationshipReopened', data: {} };
  }
}
