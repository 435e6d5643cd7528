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
  /** RSS (bytes) of the server on the loaded log once caught up, and of the empty one (issue 14's "RSS with N loaded"). */
  readonly loadedNow?: number;
  readonly emptyNow?: number;
}

const GOAL_MB = 1536;
/** Issue 14: memory bounded by the working set, not by the number of relationships. */
const RESIDENT_GOAL_MB = 400;

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
  if (m.loadedNow !== undefined && m.emptyNow !== undefined) {
    const now = mb(m.loadedNow);
    const emptyNow = mb(m.emptyNow);
    rows.push({
      section: 'memory',
      name: `server RSS once caught up, ${counts} loaded`,
      courtship: { value: now, unit: 'MB' },
      baseline: { name: 'same server, empty log', value: emptyNow, unit: 'MB' },
      ...(full ? { goal: { text: `100k relationships loaded < ${RESIDENT_GOAL_MB} MB`, met: now < RESIDENT_GOAL_MB } } : {}),
      note: `VmRSS of the idle server right after its catch-up${
        full ? '' : `; linear in relationships that is ${fmtMb(emptyNow + (now - emptyNow) * (FULL_RELATIONSHIPS / m.relationships))} MB at 100k (goal < ${RESIDENT_GOAL_MB} MB)`
      }`,
    });
  }
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

function fmtMb(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
