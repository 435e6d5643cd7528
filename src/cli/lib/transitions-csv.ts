/**
 * Phase transitions as CSV, one row per change of a relationship's phase
 * history (every cycle), as the API's `phaseHistory` shows it at an instant,
 * with when each change became known: the recordedAt of the event that
 * caused it, or of the recorded DeadlineReached for a time-based rule (empty
 * for a deadline due by the instant but not recorded yet). Columns:
 * docs/ANALYTICS.md.
 */
import type { PhaseChange, RelationshipState } from '../../domain/state.js';
import type { StoredEvent } from '../../domain/events.js';
import { csvRow, instantCell, type CsvStyle } from './csv.js';
import { inRange, type Range } from './log-lines.js';

export const TRANSITION_CSV_COLUMNS = [
  'relationshipId',
  'cycle',
  'from',
  'to',
  'at',
  'causeKind',
  'eventType',
  'rule',
  'revision',
  'recordedAt',
] as const;

/** The rows of one relationship whose change happened in `range`; `events` carry their recordedAt. */
export function transitionCsvRows(state: RelationshipState, events: readonly StoredEvent[], range: Range, style: CsvStyle): string {
  let rows = '';
  for (const change of state.phaseHistory) {
    if (!inRange(change.at, range)) continue;
    const revision = causeRevision(change, events);
    const recordedAt = revision === null ? null : (events.find((stored) => stored.revision === revision)?.recordedAt ?? null);
    rows += csvRow([
      state.id,
      change.cycle,
      change.from,
      change.to,
      instantCell(change.at, style),
      change.cause.kind,
      change.cause.kind === 'EVENT' ? change.cause.eventType : null,
      change.cause.kind === 'DEADLINE' ? change.cause.rule : null,
      revision,
      instantCell(recordedAt, style),
    ]);
  }
  return rows;
}

/** The stream revision that caused the change: the event's, or the recorded deadline's; null when not recorded. */
function causeRevision(change: PhaseChange, events: readonly StoredEvent[]): number | null {
  if (change.cause.kind === 'EVENT') return change.cause.revision;
  const rule = change.cause.rule;
  const deadline = events.find(
    ({ event }) => event.type === 'DeadlineReached' && event.data.rule === rule && event.occurredAt === change.at,
  );
  return deadline?.revision ?? null;
}
