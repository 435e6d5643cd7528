/**
 * The married rows' decay references valid at an instant, read best first
 * from an index (decay-score-page.ts): by ref_hi descending when high scores
 * come first, else by ref_lo ascending; ties by id ascending.
 *
 * A filter that pins the segment (`segment eq`) and the phase (`phase eq`
 * or `phase in [...]`) reads one index range per phase, (tenant, phase,
 * segment) then the bound, merged here by the bound: only rows of the
 * filter's phases and segment are read. Any other filter reads the tenant's
 * references in order and checks each against the filter (a correlated
 * lookup in `relationship_rows`), as the ranges also do: the ranges only
 * narrow what is read, the filter decides. The plans are fixed by the
 * indexes named, so values are bound unprobed (relationship-sql-page.ts).
 */
import type { RelationshipFilter } from '../app/read-side.js';
import type { PrepareStatement } from './relationship-list.js';
import { unprobed } from './relationship-sql-page.js';

/** A valid reference: the relationship, its bounds, and its packed decay inputs. */
export type ReferenceRow = [id: string, lo: number, hi: number, inputs: Buffer];

/**
 * The references valid at @at of the rows that `rows` (a WHERE over
 * `relationship_rows`, its parameters in `params`) selects, nearest bound first.
 */
export function* validReferences(
  prepare: PrepareStatement,
  filter: RelationshipFilter | undefined,
  rows: string,
  params: Record<string, unknown>,
  highFirst: boolean,
): Generator<ReferenceRow> {
  const order = highFirst ? 'ref_hi DESC, relationship_id ASC' : 'ref_lo ASC, relationship_id ASC';
  const valid = `ref_from <= @at AND ref_to >= @at AND EXISTS (SELECT 1 FROM relationship_rows WHERE id = d.relationship_id AND ${rows})`;
  const columns = 'relationship_id, ref_lo, ref_hi, inputs';
  const phases = pinnedPhases(filter);
  if (phases === null) {
    // The index in the scan's order (the planner would rather read the valid rows and sort them: every marriage).
    const index = highFirst ? 'decay_inputs_ref_hi' : 'decay_inputs_ref_lo';
    const scan = prepare(unprobed(`SELECT ${columns} FROM decay_inputs AS d INDEXED BY ${index} WHERE tenant = @tenant AND ${valid} ORDER BY ${order}`));
    yield* scan.raw().safeIntegers(false).iterate(params) as Iterable<ReferenceRow>;
    return;
  }
  const index = highFirst ? 'decay_inputs_ref_hi_by_phase' : 'decay_inputs_ref_lo_by_phase';
  // One statement per range (a statement iterates once at a time); the same texts for every page of this shape.
  const ranges = phases.map((phase, i) =>
    prepare(
      unprobed(
        `SELECT ${columns} FROM decay_inputs AS d INDEXED BY ${index}
         WHERE tenant = @tenant AND phase = @range_phase_${i} AND segment = @range_segment AND ${valid} ORDER BY ${order}`,
      ),
    )
      .raw()
      .safeIntegers(false)
      .iterate({ ...params, [`range_phase_${i}`]: phase, range_segment: filter!.segment!.eq }) as IterableIterator<ReferenceRow>,
  );
  const heads = ranges.map((range) => range.next());
  // Whether a row comes before another: nearer bound, then smaller id (ids are distinct).
  const before = (a: ReferenceRow, b: ReferenceRow) => {
    const x = highFirst ? -a[2] : a[1];
    const y = highFirst ? -b[2] : b[1];
    return x < y || (x === y && a[0] < b[0]);
  };
  try {
    for (;;) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i]!;
        if (head.done) continue;
        if (best === -1 || before(head.value, heads[best]!.value as ReferenceRow)) best = i;
      }
      if (best === -1) return;
      yield heads[best]!.value as ReferenceRow;
      heads[best] = ranges[best]!.next();
    }
  } finally {
    for (const range of ranges) range.return?.();
  }
}

/** The phases of a filter that pins its segment and its phase (distinct), else null. */
function pinnedPhases(filter: RelationshipFilter | undefined): string[] | null {
  if (filter?.segment?.eq === undefined || filter.phase === undefined) return null;
  const { eq, in: among } = filter.phase;
  if (eq !== undefined) return among === undefined || among.includes(eq) ? [eq] : [];
  return among === undefined ? null : [...new Set(among)];
}
