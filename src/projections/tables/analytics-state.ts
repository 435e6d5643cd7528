/**
 * The part of a relationship's state that the statistics read at an instant
 * after its last event: what `advanceTo` needs to apply the deadlines due by
 * then, what the cohort facts read (group fields, milestones, the current
 * cycle's phase history, the reasons) and what the decay trend scores (the
 * current cycle's touchpoints, cases, up-sells, competitor contacts, and the
 * veto holders). Stored with the relationship's latest cycle (cycles.ts) so a
 * statistic never needs the whole state.
 */
import { initialState, type RelationshipState } from '../../domain/state.js';

export type AnalyticsState = Pick<
  RelationshipState,
  | 'id'
  | 'segment'
  | 'owner'
  | 'openedAt'
  | 'cycle'
  | 'cycleStartedAt'
  | 'phase'
  | 'phaseSince'
  | 'phaseHistory'
  | 'lastEventAt'
  | 'lastProspectActivityAt'
  | 'lastVendorActivityAt'
  | 'contractEndsAt'
  | 'cycles'
  | 'vendorTouchpoints'
  | 'supportCases'
  | 'upsells'
  | 'competitorContacts'
  | 'stakeholders'
  | 'churnReason'
  | 'withdrawalReason'
  | 'rejectionReason'
>;

/** The analytics' part of `state` (the current cycle's collections, every veto holder). */
export function analyticsStateOf(state: RelationshipState): AnalyticsState {
  const cycle = state.cycle;
  return {
    id: state.id,
    segment: state.segment,
    owner: state.owner,
    openedAt: state.openedAt,
    cycle,
    cycleStartedAt: state.cycleStartedAt,
    phase: state.phase,
    phaseSince: state.phaseSince,
    phaseHistory: state.phaseHistory.filter((change) => change.cycle === cycle),
    lastEventAt: state.lastEventAt,
    lastProspectActivityAt: state.lastProspectActivityAt,
    lastVendorActivityAt: state.lastVendorActivityAt,
    contractEndsAt: state.contractEndsAt,
    cycles: state.cycles,
    vendorTouchpoints: state.vendorTouchpoints,
    supportCases: ofCycle(state.supportCases, cycle),
    upsells: ofCycle(state.upsells, cycle),
    competitorContacts: state.competitorContacts.filter((contact) => contact.cycle === cycle),
    stakeholders: Object.fromEntries(Object.entries(state.stakeholders).filter(([, stakeholder]) => stakeholder.hasVeto)),
    churnReason: state.churnReason,
    withdrawalReason: state.withdrawalReason,
    rejectionReason: state.rejectionReason,
  };
}

/** A state holding the analytics' part (everything else empty), for `advanceTo`, `cohort` and `decayTrend`. */
export function stateOfAnalytics(part: AnalyticsState): RelationshipState {
  return { ...initialState(part.id), ...part };
}

function ofCycle<T extends { cycle: number }>(records: Record<string, T>, cycle: number): Record<string, T> {
  const kept: Record<string, T> = {};
  for (const id in records) if (records[id]!.cycle === cycle) kept[id] = records[id]!;
  return kept;
}
