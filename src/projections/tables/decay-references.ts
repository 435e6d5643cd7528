/**
 * The decay reference columns of `decay_inputs` (domain/metrics/decay-reference.ts):
 * per married relationship an interval [ref_from, ref_to] and bounds
 * [ref_lo, ref_hi] on its rounded latest decay score at every instant of it,
 * indexed so that a list ordered by decay reads the marriages best first and
 * scores exactly only those whose bounds reach its page (decay-score-page.ts).
 *
 * The projector writes each row's reference at its last event (so a file is
 * the same whenever it is projected); the references are refreshed to the
 * clock in the background (decay-reference-refresh.ts), which makes them
 * clock-dependent: they are an accelerator, not an answer, and a rebuild's
 * equality leaves them out (docs/DECAY.md, "Decay references"). A row
 * without a reference around its instant has ref_from = FOREVER (never
 * valid); `ref_next` says when each is refreshed.
 */
import type { DecayInputs } from '../../domain/metrics/decay-inputs.js';
import { decayReferenceOf, FOREVER } from '../../domain/metrics/decay-reference.js';
import type { Rules } from '../../domain/rules.js';

/** How far a reference reaches either side of its instant: about a quarter point of recency at the default rules. */
export const REFERENCE_HORIZON_MS = 6 * 60 * 60 * 1000;

/**
 * The indexes a page reads the references by: best first either way, of the tenant or of one phase and
 * segment (decay-reference-scan.ts), ties by id ascending, and those not valid at an instant.
 */
export const DECAY_REFERENCE_INDEXES = `
CREATE INDEX decay_inputs_ref_hi ON decay_inputs (tenant, ref_hi, relationship_id DESC, ref_lo, ref_from, ref_to);
CREATE INDEX decay_inputs_ref_lo ON decay_inputs (tenant, ref_lo, relationship_id, ref_hi, ref_from, ref_to);
CREATE INDEX decay_inputs_ref_hi_by_phase ON decay_inputs (tenant, phase, segment, ref_hi, relationship_id DESC, ref_lo, ref_from, ref_to);
CREATE INDEX decay_inputs_ref_lo_by_phase ON decay_inputs (tenant, phase, segment, ref_lo, relationship_id, ref_hi, ref_from, ref_to);
CREATE INDEX decay_inputs_ref_next ON decay_inputs (tenant, ref_next);
CREATE INDEX decay_inputs_ref_from ON decay_inputs (tenant, ref_from);
`;

/**
 * A reference's columns around R (ref_from, ref_to, ref_lo, ref_hi, and
 * ref_next: when to refresh it) for a row whose last event is `lastEvent`.
 * A reference is refreshed half a horizon after R, or just after the step
 * that ends it, whichever comes first; never later than its end
 * (a page finds the rows whose reference ended among those due: `ref_next`).
 */
export function referenceColumns(
  inputs: DecayInputs,
  R: number,
  lastEvent: number | null,
  rules: Rules,
  horizonMs = REFERENCE_HORIZON_MS,
): [number, number, number, number, number] {
  const reference = decayReferenceOf(inputs, R, horizonMs, lastEvent ?? -Infinity, rules);
  const later = R + horizonMs / 2;
  // None around R: never valid, tried again half a horizon later.
  if (reference === null) return [FOREVER, -1, 0, 0, later];
  const { from, to, lo, hi } = reference;
  return [from, to, lo, hi, to === FOREVER ? FOREVER : Math.min(later, to)];
}
