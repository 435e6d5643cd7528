import type { ReadTask } from '../../../src/projections/read-task.js';

export const heldUntilReleased: ReadTask<{ gate: Int32Array; maxMs: number }, 'released' | 'timed-out'>;
export const checkpointSeen: ReadTask<Record<string, never>, bigint | null>;
export const refusingInput: ReadTask<{ field: string }, never>;
export const failing: ReadTask<Record<string, never>, never>;
export const labelled: ReadTask<{ tenant: string; label: string }, string>;
export const drawn: ReadTask<{ tenant: string; page: number }, { value: number }>;
