/**
 * Refreshes the decay references (decay-references.ts) due by the clock
 * (`ref_next`), or taken after it, a slice of rows at a time: the projector calls
 * it now and then between batches, on the connection that writes the file,
 * so that no slice holds its thread long.
 */
import type Database from 'better-sqlite3';
import type { Rules } from '../../domain/rules.js';
import { FOREVER } from '../../domain/metrics/decay-reference.js';
import { decayInputsOfBlob } from './decay-inputs.js';
import { referenceColumns } from './decay-references.js';

/** Rows refreshed per call: about 4 ms (a row is rewritten in six indexes: about 80 µs at 100k relationships). */
export const REFRESHED_PER_SLICE = 50;

/**
 * A refresh of the references of `db`'s decay_inputs, its statements prepared once: each call refreshes up to
 * `limit` references due by `at`, around `at`, and says how many it refreshed.
 */
export function decayReferenceRefresh(db: Database.Database, rules: Rules): (at: number, limit?: number, horizonMs?: number) => number {
  const tenants = db.prepare('SELECT DISTINCT tenant FROM decay_inputs').pluck();
  // Due by the clock, or taken after it (a clock set back: a bench's, a test's), unless their last event is after it
  // too (no reference holds before it); not those without a reference.
  const due = db
    .prepare(
      `SELECT relationship_id, last_event, inputs FROM decay_inputs WHERE tenant = @tenant AND ref_next <= @at
       UNION ALL SELECT relationship_id, last_event, inputs FROM decay_inputs
         WHERE tenant = @tenant AND ref_from > @at AND ref_from < @forever AND ref_next > @at AND (last_event IS NULL OR last_event <= @at)
       LIMIT @limit`,
    )
    .raw()
    .safeIntegers(false);
  const update = db.prepare('UPDATE decay_inputs SET ref_from = ?, ref_to = ?, ref_lo = ?, ref_hi = ?, ref_next = ? WHERE tenant = ? AND relationship_id = ?');
  const refresh = db.transaction((at: number, limit: number, horizonMs: number | undefined): number => {
    let refreshed = 0;
    for (const tenant of tenants.all() as string[]) {
      if (refreshed >= limit) break;
      const rows = due.all({ tenant, at, forever: FOREVER, limit: limit - refreshed }) as [string, number | null, Buffer][];
      for (const [id, lastEvent, blob] of rows) {
        update.run(...referenceColumns(decayInputsOfBlob(blob), Math.max(at, lastEvent ?? at), lastEvent, rules, horizonMs), tenant, id);
        refreshed++;
      }
    }
    return refreshed;
  });
  return (at, limit = REFRESHED_PER_SLICE, horizonMs) => refresh(at, limit, horizonMs);
}
