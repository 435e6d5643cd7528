/**
 * Idempotent retries: a batch resent with the event ids it carried the first
 * time is answered with the first write's position, and nothing is written
 * again; a batch that reuses ids for other events is refused.
 */
import { canonicalJson } from '../domain/canonical-json.js';
import type { RecordedEvent } from '../store/port.js';
import type { Prepared } from './command-input.js';
import { InputError } from './errors.js';
import { decodeRecorded } from './relationship-stream.js';

/**
 * An idempotent retry: every id the batch carries is already in the stream,
 * and the batch is the one that landed there: event for event (the events
 * with an id by id and type, the others in full), with only the deadlines
 * `decide` inserted in between. A batch that repeats only some of its ids is
 * refused, and so is one that reuses ids for other events (it would otherwise
 * be answered as written while nothing of it was).
 */
export function findRetry(recorded: readonly RecordedEvent[], prepared: readonly Prepared[]): { position: bigint } | null {
  if (recorded.length === 0 || prepared.every((p) => p.id === null)) return null;
  const byId = new Map(recorded.map((r, index) => [r.id.toLowerCase(), index]));
  const found = prepared.map((p) => (p.id === null ? null : byId.get(p.id)));
  if (found.every((r) => r === null || r === undefined)) return null;
  const missing = found.findIndex((r) => r === undefined);
  if (missing >= 0) {
    throw new InputError(
      `events[${missing}].eventId is new, but other events of this batch were already appended: retry the exact same batch`,
      `events[${missing}].eventId`,
      'PARTIAL_RETRY',
      missing,
    );
  }
  const first = found.findIndex((r) => r !== null);
  const anchor = found[first]!;
  // Outwards from the first event with an id: each event of the batch, at the next recorded
  // event that is not a deadline `decide` inserted (and, when it carries an id, at that id's).
  const walk = (from: number, step: 1 | -1, indexes: readonly number[]): number => {
    let at = from;
    for (const i of indexes) {
      const incoming = prepared[i]!;
      do at += step;
      while (at >= 0 && at < recorded.length && isInsertedDeadline(recorded[at]!, incoming));
      if (at < 0 || at >= recorded.length || (found[i] !== null && found[i] !== at) || !sameEvent(recorded[at]!, incoming)) {
        throw notTheSameBatch(i, incoming);
      }
    }
    return at;
  };
  if (!sameEvent(recorded[anchor]!, prepared[first]!)) throw notTheSameBatch(first, prepared[first]!);
  walk(anchor, -1, Array.from({ length: first }, (_, k) => first - 1 - k));
  const last = walk(anchor, 1, Array.from({ length: prepared.length - first - 1 }, (_, k) => first + 1 + k));
  return { position: recorded[last]!.position };
}

function isInsertedDeadline(recorded: RecordedEvent, incoming: Prepared): boolean {
  return recorded.type === 'DeadlineReached' && !(incoming.event.type === 'DeadlineReached' && sameEvent(recorded, incoming));
}

/**
 * The recorded event is the incoming one. An event with an id is known by its
 * id and type: a resent typed mutation may carry another instant (it defaults
 * to the clock's). One without an id must be the same in full: type, instant,
 * actor and data (key order aside).
 */
function sameEvent(recorded: RecordedEvent, incoming: Prepared): boolean {
  if (recorded.type !== incoming.event.type) return false;
  if (incoming.id !== null) return true;
  const decoded = decodeRecorded(recorded);
  return decoded !== null && canonicalJson(decoded.event) === canonicalJson(incoming.event);
}

function notTheSameBatch(index: number, incoming: Prepared): InputError {
  return new InputError(
    `events[${index}] is not the event already appended where this batch's event ids were: a retry must resend the exact same batch; new events need new ids`,
    incoming.id === null ? `events[${index}]` : `events[${index}].eventId`,
    'EVENT_ID_REUSED',
    index,
  );
}
