/**
 * Memory section: the peak resident set size of a Courtship server that has
 * loaded the generated log (projector caught up), next to the same server on
 * an empty data dir. Below full scale the figure is also scaled linearly to
 * 100k relationships and labelled as such.
 */
import { mb } from './measure.js';
import type { BenchRow } from './report.js';
import { FULL_RELATIONSHIPS } from './workload.js';

export interface MemoryFigures {
  /** Peak RSS (bytes) of the server on the loaded log, after catch-up. */
  readonly loaded: number;
  /** Peak RSS (bytes) of the server on an empty data dir. */
  readonly empty: number;
  readonly relationships: number;
  readonly events: number;
  readonly catchUpMs: number;
}

const GOAL_MB = 1536;

export function memoryRows(m: MemoryFigures): BenchRow[] {
  const loaded = mb(m.loaded);
  const empty = mb(m.empty);
  const counts = `${m.relationships.toLocaleString('en-US')} relationships / ${m.events.toLocaleString('en-US')} events`;
  const rows: BenchRow[] = [];
  const full = m.relationships >= FULL_RELATIONSHIPS;
  rows.push({
    section: 'memory',
    name: `server peak RSS, ${counts} loaded`,
    courtship: { value: loaded, unit: 'MB', detail: `loaded in ${(m.catchUpMs / 1000).toFixed(1)} s` },
    baseline: { name: 'same server, empty log', value: empty, unit: 'MB' },
    ...(full ? { goal: { text: '100k relationships / 5M events < 1.5 GB', met: loaded < GOAL_MB } } : {}),
  });
  if (!full) {
    const scaled = empty + (loaded - empty) * (FULL_RELATIONSHIPS / m.relationships);
    rows.push({
      section: 'memory',
      name: `server peak RSS, scaled to ${FULL_RELATIONSHIPS.toLocaleString('en-US')} relationships (estimate)`,
      courtship: { value: scaled, unit: 'MB' },
      baseline: { name: 'same server, empty log', value: empty, unit: 'MB' },
      goal: { text: '100k relationships / 5M events < 1.5 GB (estimate; --full measures it)', met: scaled < GOAL_MB },
      note: `linear in relationships from the quick run (${counts}); run --full for the measured figure`,
    });
  }
  return rows;
}
