/**
 * One relationship as the API shows it: every derived metric at T in one
 * plain JSON object (instants as ISO 8601 UTC strings), so the projections
 * and the GraphQL layer map fields instead of recomputing them.
 */
import type { Phase, RiskFlag, Role, Stance, Topic } from '../events.js';
import type { Rules } from '../rules.js';
import type { PhaseChange, RelationshipState } from '../state.js';
import { formatInstant } from '../time.js';
import { decayTrend, type DecayDriver, type DecayStatus } from './decay.js';
import { durationBetween, type Duration } from './duration.js';
import { cycleDurations, timeInPhases, timeToMarriage, timeToProposal, type CycleDurations, type TimeInPhases } from './durations.js';
import { riskFlags, type FlagsRules } from './flags.js';
import { readiness, type Readiness } from './readiness.js';
import { responsiveness, type Responsiveness } from './responsiveness.js';

export type DescribeRules = Pick<Rules, 'readinessActivityDays' | 'decay'> & FlagsRules;

export interface PhaseChangeView {
  readonly from: Phase;
  readonly to: Phase;
  readonly at: string;
  readonly cycle: number;
  readonly cause:
    | { readonly kind: 'EVENT'; readonly eventType: string; readonly revision: number | null; readonly position?: string }
    | { readonly kind: 'DEADLINE'; readonly rule: string };
  /** When the change became known; null when not recorded (a deadline due, applied at read time). */
  readonly recordedAt: string | null;
}

export interface DecayView {
  readonly status: DecayStatus;
  readonly slope: number;
  readonly score: number;
  readonly drivers: DecayDriver[];
  readonly weeks: { readonly endsAt: string; readonly score: number }[];
}

export interface QuestionView {
  readonly questionId: string;
  readonly topic: Topic;
  readonly text: string | null;
  readonly askedAt: string;
  readonly age: Duration;
}

export interface StakeholderView {
  readonly stakeholderId: string;
  readonly name: string;
  readonly role: Role;
  readonly hasVeto: boolean;
  readonly stance: Stance;
  readonly introducedAt: string;
  readonly stanceChangedAt: string | null;
}

export interface RelationshipView {
  readonly id: string;
  readonly accountName: string | null;
  readonly segment: string | null;
  readonly owner: string | null;
  readonly source: string | null;
  readonly openedAt: string | null;
  /** The instant the view describes. */
  readonly asOf: string;
  readonly phase: Phase | null;
  readonly phaseSince: string | null;
  readonly cycle: number;
  readonly version: number;
  readonly phaseHistory: PhaseChangeView[];
  readonly timeToProposal: Duration | null;
  readonly timeToMarriage: Duration | null;
  readonly cycles: CycleDurations[];
  readonly timeInPhases: TimeInPhases;
  readonly readiness: Readiness | null;
  readonly responsiveness: Responsiveness;
  readonly decay: DecayView | null;
  readonly flags: RiskFlag[];
  readonly openQuestions: QuestionView[];
  readonly stakeholders: StakeholderView[];
}

/** Everything the API shows about a relationship at T; `state` must be the state as of T. */
export function describe(state: RelationshipState, T: number, rules: DescribeRules): RelationshipView {
  const decay = decayTrend(state, T, rules);
  return {
    id: state.id,
    accountName: state.accountName,
    segment: state.segment,
    owner: state.owner,
    source: state.source,
    openedAt: instantOrNull(state.openedAt),
    asOf: formatInstant(T),
    phase: state.phase,
    phaseSince: instantOrNull(state.phaseSince),
    cycle: state.cycle,
    version: state.version,
    phaseHistory: state.phaseHistory.map(phaseChangeView),
    timeToProposal: timeToProposal(state),
    timeToMarriage: timeToMarriage(state),
    cycles: cycleDurations(state),
    timeInPhases: timeInPhases(state, T),
    readiness: readiness(state, T, rules),
    responsiveness: responsiveness(state, T),
    decay:
      decay === null
        ? null
        : { ...decay, weeks: decay.weeks.map((week) => ({ endsAt: formatInstant(week.endsAt), score: week.score })) },
    flags: riskFlags(state, T, rules),
    openQuestions: openQuestions(state, T),
    stakeholders: Object.entries(state.stakeholders).map(([stakeholderId, s]) => ({
      stakeholderId,
      name: s.name,
      role: s.role,
      hasVeto: s.hasVeto,
      stance: s.stance,
      introducedAt: formatInstant(s.introducedAt),
      stanceChangedAt: instantOrNull(s.stanceChangedAt),
    })),
  };
}

/** Oldest first, so the question waiting longest leads. */
function openQuestions(state: RelationshipState, T: number): QuestionView[] {
  return Object.entries(state.questions)
    .filter(([, q]) => q.answeredAt === null)
    .sort(([idA, a], [idB, b]) => a.askedAt - b.askedAt || (idA < idB ? -1 : idA > idB ? 1 : 0))
    .map(([questionId, q]) => ({
      questionId,
      topic: q.topic,
      text: q.text,
      askedAt: formatInstant(q.askedAt),
      age: durationBetween(q.askedAt, T),
    }));
}

function phaseChangeView(change: PhaseChange): PhaseChangeView {
  return {
    from: change.from,
    to: change.to,
    at: formatInstant(change.at),
    cycle: change.cycle,
    cause: change.cause,
    recordedAt: change.recordedAt === undefined ? null : formatInstant(change.recordedAt),
  };
}

function instantOrNull(epochMs: number | null): string | null {
  return epochMs === null ? null : formatInstant(epochMs);
}
