/**
 * "What if the rules were different": every relationship replayed under the
 * current rules and under alternative ones, at the same instant, compared.
 * Nothing is written; the stored history is the same for both readings.
 */
import { advanceTo } from '../domain/deadlines.js';
import type { Phase, StoredEvent } from '../domain/events.js';
import { stateAt } from '../domain/fold.js';
import { describe, type RelationshipView } from '../domain/metrics/view.js';
import type { Rules } from '../domain/rules.js';
import { initialState, type RelationshipState } from '../domain/state.js';
import type { AnalyticsScope } from './cohort.js';
import { timeToProposalStats, type DurationStats } from './durations.js';
import { funnel, type Funnel } from './funnel.js';

export interface ChangedRelationship {
  readonly id: string;
  readonly current: RelationshipView;
  readonly simulated: RelationshipView;
}

export interface PhaseMove {
  readonly from: Phase;
  readonly to: Phase;
  readonly count: number;
}

export interface RulesComparison {
  readonly relationships: number;
  /** Relationships whose phase differs. */
  readonly phaseChanges: number;
  /** Non-zero cells of the phase × phase matrix, current → simulated (the diagonal included). */
  readonly matrix: PhaseMove[];
  /** Relationships whose view differs in any compared field (phase, phaseSince, cycle, durations, decay status, flags). */
  readonly changed: ChangedRelationship[];
  readonly funnel: { readonly current: Funnel; readonly simulated: Funnel };
  readonly timeToProposal: { readonly current: DurationStats; readonly simulated: DurationStats };
}

/** Accumulates relationships one at a time (streams are read one by one), then compares. */
export class RulesComparer {
  private readonly currentStates: RelationshipState[] = [];
  private readonly simulatedStates: RelationshipState[] = [];
  private readonly cells = new Map<string, PhaseMove>();
  private readonly changed: ChangedRelationship[] = [];
  private phaseChanges = 0;

  constructor(
    private readonly current: Rules,
    private readonly simulated: Rules,
    /** Epoch ms: the instant both readings describe. */
    private readonly at: number,
  ) {}

  add(id: string, events: readonly StoredEvent[]): void {
    const now = this.replay(id, events, this.current);
    const then = this.replay(id, events, this.simulated);
    if (now.phase === null || then.phase === null) return;
    this.currentStates.push(now);
    this.simulatedStates.push(then);
    const key = `${now.phase}>${then.phase}`;
    const cell = this.cells.get(key);
    this.cells.set(key, { from: now.phase, to: then.phase, count: (cell?.count ?? 0) + 1 });
    if (now.phase !== then.phase) this.phaseChanges++;
    const currentView = describe(now, this.at, this.current);
    const simulatedView = describe(then, this.at, this.simulated);
    if (fingerprint(currentView) !== fingerprint(simulatedView)) {
      this.changed.push({ id, current: currentView, simulated: simulatedView });
    }
  }

  result(): RulesComparison {
    const scope: AnalyticsScope = { at: this.at };
    return {
      relationships: this.currentStates.length,
      phaseChanges: this.phaseChanges,
      matrix: [...this.cells.values()].sort((a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to)),
      changed: this.changed,
      funnel: { current: funnel(this.currentStates, scope, this.current), simulated: funnel(this.simulatedStates, scope, this.simulated) },
      timeToProposal: {
        current: timeToProposalStats(this.currentStates, scope, this.current),
        simulated: timeToProposalStats(this.simulatedStates, scope, this.simulated),
      },
    };
  }

  private replay(id: string, events: readonly StoredEvent[], rules: Rules): RelationshipState {
    return advanceTo(stateAt(events, this.at, rules, initialState(id)), this.at, rules).state;
  }
}

/** The fields a rules change can move, as one comparable string. */
function fingerprint(view: RelationshipView): string {
  return JSON.stringify([
    view.phase,
    view.phaseSince,
    view.cycle,
    view.timeToProposal?.seconds ?? null,
    view.timeToMarriage?.seconds ?? null,
    view.decay?.status ?? null,
    view.flags,
  ]);
}
