/** The page's GraphQL operations: every figure drawn comes from one of these. */
import { PHASES } from '../../src/domain/events.js';

export { PHASES };

export const PIPELINE = `query Pipeline {
  funnel { total stages { phase reached entered skipped conversionToNext countToNext medianSecondsToNext p90SecondsToNext } }
  timeToProposalStats { overall { count median p90 } weeklyHistogram { fromSeconds toSeconds count } }
  cohortRetention(by: MARRIAGE, months: 12) { cohorts { cohort size months { monthsSince stillMarried churned retention } } }
  decaySummary {
    currentlyMarried currentlyImproving currentlyStable currentlyDecaying endedMarriages
    currentScoreBuckets { from to count }
  }
  ${PHASES.map((phase) => `${phase.toLowerCase()}: relationships(filter: { phase: { eq: ${phase} } }, first: 1) { totalCount }`).join('\n  ')}
  recent: relationships(first: 100, orderBy: [{ field: UPDATED_AT, direction: DESC }]) { edges { node { id accountName phase } } }
}`;

export const TIMELINE = `query Timeline($id: ID!, $asOf: DateTime) {
  relationship(id: $id, asOf: $asOf) {
    id accountName openedAt asOf phase phaseSince cycle
    phaseHistory { from to at cycle cause { kind eventType rule } }
  }
}`;

export const PHASE_CHANGED = `subscription Live { phaseChanged { relationshipId from to at cycle } }`;

export interface FunnelStage {
  phase: string;
  reached: number;
  entered: number;
  skipped: number;
  conversionToNext: number | null;
  countToNext: number;
  medianSecondsToNext: number | null;
  p90SecondsToNext: number | null;
}

export interface PipelineData {
  funnel: { total: number; stages: FunnelStage[] };
  timeToProposalStats: {
    overall: { count: number; median: number | null; p90: number | null };
    weeklyHistogram: { fromSeconds: number; toSeconds: number | null; count: number }[];
  };
  cohortRetention: { cohorts: { cohort: string; size: number; months: { monthsSince: number; stillMarried: number; churned: number; retention: number }[] }[] };
  decaySummary: {
    currentlyMarried: number;
    currentlyImproving: number;
    currentlyStable: number;
    currentlyDecaying: number;
    endedMarriages: number;
    currentScoreBuckets: { from: number; to: number; count: number }[];
  };
  recent: { edges: { node: { id: string; accountName: string | null; phase: string } }[] };
  [phase: string]: unknown;
}

export interface TimelineData {
  relationship: {
    id: string;
    accountName: string | null;
    openedAt: string;
    asOf: string;
    phase: string;
    phaseSince: string;
    cycle: number;
    phaseHistory: { from: string; to: string; at: string; cycle: number; cause: { kind: string; eventType: string | null; rule: string | null } }[];
  } | null;
}
