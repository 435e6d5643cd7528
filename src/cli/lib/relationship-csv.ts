/**
 * Relationships as CSV rows, one per relationship, as the API shows them at
 * an instant (the domain's `describe`).
 */
import type { StoredEvent } from '../../domain/events.js';
import type { RelationshipView } from '../../domain/metrics/view.js';
import type { Rules } from '../../domain/rules.js';
import type { RelationshipState } from '../../domain/state.js';
import { stateAsOf } from '../../projections/state-as-of.js';
import { csvRow } from './csv.js';

export const RELATIONSHIP_CSV_HEADER = csvRow([
  'id',
  'accountName',
  'segment',
  'owner',
  'phase',
  'phaseSince',
  'cycle',
  'version',
  'timeToProposalSeconds',
  'timeToMarriageSeconds',
  'decayStatus',
  'decayScore',
  'flags',
]);

/**
 * The relationship's state at `at` under `rules`: its events up to then,
 * replayed, and the deadlines due by then applied (the API's `asOf`). Null
 * when it was not opened yet.
 */
export function relationshipAt(id: string, events: readonly StoredEvent[], at: number, rules: Rules): RelationshipState | null {
  const state = stateAsOf(events, { asOf: at }, rules, id);
  return state.phase === null ? null : state;
}

export function relationshipCsvRow(view: RelationshipView): string {
  return csvRow([
    view.id,
    view.accountName,
    view.segment,
    view.owner,
    view.phase,
    view.phaseSince,
    view.cycle,
    view.version,
    view.timeToProposal?.seconds,
    view.timeToMarriage?.seconds,
    view.decay?.status,
    view.decay?.score,
    view.flags.join('|'),
  ]);
}
