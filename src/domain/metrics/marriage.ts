/**
 * The current cycle's marriage: when it started and, after a divorce, when it
 * ended. Several metrics only make sense within it (decay, neglect, cheating).
 */
import type { CycleMilestones, RelationshipState } from '../state.js';

export interface Marriage {
  /** ContractSigned's occurredAt, epoch ms. */
  readonly signedAt: number;
  /** When the marriage ended in divorce; null while it lasts. */
  readonly endedAt: number | null;
}

export function currentMilestones(state: RelationshipState): CycleMilestones | null {
  return state.cycle > 0 ? (state.cycles[state.cycle - 1] ?? null) : null;
}

/** The current cycle's marriage, or null when this cycle never reached one. */
export function currentMarriage(state: RelationshipState): Marriage | null {
  const milestones = currentMilestones(state);
  if (milestones === null || milestones.marriedAt === null) return null;
  return {
    signedAt: milestones.marriedAt,
    endedAt: milestones.outcome === 'DIVORCED' ? milestones.endedAt : null,
  };
}
