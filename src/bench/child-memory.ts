/**
 * A server child's memory as the soak samples it. RSS and V8's heap total
 * follow V8's sizing of its heap (it lets the old generation grow to a few
 * times the live data between full collections, and a busy server's young
 * generation to its maximum), so they move by a hundred MB without anything
 * leaking. What a leak moves is the old generation right after a full
 * (mark-compact) collection: the long-lived data still reachable.
 */
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import v8 from 'node:v8';

export interface ChildMemory extends NodeJS.MemoryUsage {
  /** V8's old generation in use just after the latest full collection, in bytes; null before the first. */
  readonly oldGenerationAfterGc: number | null;
}

/** Starts watching full collections; the function returns the child's memory now. */
export function watchMemory(): () => ChildMemory {
  let oldGenerationAfterGc: number | null = null;
  const observer = new PerformanceObserver((list) => {
    const major = list.getEntries().some((entry) => (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR);
    if (major) oldGenerationAfterGc = oldGenerationUsed();
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => ({ ...process.memoryUsage(), oldGenerationAfterGc });
}

/** Every heap space but the young generation's. */
function oldGenerationUsed(): number {
  return v8
    .getHeapSpaceStatistics()
    .filter((space) => !space.space_name.startsWith('new_'))
    .reduce((sum, space) => sum + space.space_used_size, 0);
}
