/**
 * What only the read-side tests need on top of test/support/ (events,
 * fixtures, `record` and the `Workspace` are there).
 */
import type { Projector } from '../../src/projections/projector.js';

/** Every row a projector holds, keyed and sorted, for equality checks. */
export function snapshotOf(projector: Projector): Record<string, { state: unknown; position: string }> {
  const rows = [...projector.relationships()].sort((a, b) => (a.tenant + a.id < b.tenant + b.id ? -1 : 1));
  return Object.fromEntries(rows.map((row) => [`${row.tenant}/${row.id}`, { state: row.state, position: row.position.toString() }]));
}
