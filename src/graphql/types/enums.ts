/**
 * The GraphQL enums, generated from the domain's own lists so the schema and
 * the domain cannot drift apart. Importing this module registers them.
 */
import { registerEnumType } from 'type-graphql';
import {
  ACTORS,
  CHANNELS,
  CHURN_REASONS,
  DEADLINE_RULES,
  PHASES,
  RISK_FLAGS,
  ROLES,
  SCOPES,
  SEVERITIES,
  STANCES,
  TOPICS,
} from '../../domain/events.js';
import { READINESS_REASONS } from '../../domain/metrics/readiness.js';

/** type-graphql registers enums from objects; the domain keeps string unions. */
function enumObject<const T extends string>(values: readonly T[]): { [K in T]: K } {
  return Object.fromEntries(values.map((value) => [value, value])) as { [K in T]: K };
}

export const Phase = enumObject(PHASES);
export const Actor = enumObject(ACTORS);
export const RiskFlag = enumObject(RISK_FLAGS);
export const DeadlineRule = enumObject(DEADLINE_RULES);
export const DecayStatus = enumObject(['IMPROVING', 'STABLE', 'DECAYING'] as const);
export const CauseKind = enumObject(['EVENT', 'DEADLINE'] as const);
export const Channel = enumObject(CHANNELS);
export const QuestionTopic = enumObject(TOPICS);
export const StakeholderRole = enumObject(ROLES);
export const Stance = enumObject(STANCES);
export const Severity = enumObject(SEVERITIES);
export const SupportScope = enumObject(SCOPES);
export const ChurnReason = enumObject(CHURN_REASONS);
export const ReadinessReason = enumObject(READINESS_REASONS);

registerEnumType(Phase, {
  name: 'Phase',
  description: 'Where a relationship stands: ATTRACTION → DATING → EXCLUSIVE → PROPOSED → MARRIED ⇄ NEGLECTED / CHEATING → DIVORCED, or the closed endings MOVED_ON and LEFT_AT_ALTAR.',
});
registerEnumType(Actor, {
  name: 'Actor',
  description: 'Who initiated an event. The prospect stays PROSPECT once it is a customer.',
});
registerEnumType(RiskFlag, { name: 'RiskFlag', description: 'A warning derived from the relationship history.' });
registerEnumType(DeadlineRule, {
  name: 'DeadlineRule',
  description: 'The time-based rule that caused a transition.',
});
registerEnumType(DecayStatus, { name: 'DecayStatus', description: 'Direction of the weekly health score.' });
registerEnumType(CauseKind, {
  name: 'CauseKind',
  description: 'EVENT: an event of the stream caused the transition; DEADLINE: the passing of time.',
});
registerEnumType(Channel, { name: 'Channel', description: 'How a contact happened.' });
registerEnumType(QuestionTopic, { name: 'QuestionTopic', description: "What a prospect's due-diligence question is about." });
registerEnumType(StakeholderRole, { name: 'StakeholderRole', description: "A stakeholder's part in the prospect's decision." });
registerEnumType(Stance, { name: 'Stance', description: "A stakeholder's stance towards the vendor." });
registerEnumType(Severity, { name: 'Severity', description: "A support case's severity." });
registerEnumType(SupportScope, { name: 'SupportScope', description: "What a support case is about." });
registerEnumType(ChurnReason, { name: 'ChurnReason', description: 'Why a customer gave churn notice.' });
registerEnumType(ReadinessReason, { name: 'ReadinessReason', description: 'Why it is not yet time to pop the question.' });
