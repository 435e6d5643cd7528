import { badUserInput } from '../errors.js';

/** `asOf` is for looking back: the future has not been recorded yet. Returns the instant in epoch ms. */
export function pastInstant(asOf: Date, now: number): number {
  const at = asOf.getTime();
  if (at > now) {
    throw badUserInput(`asOf ${asOf.toISOString()} is in the future`, { field: 'asOf', reason: 'AS_OF_IN_FUTURE' });
  }
  return at;
}

/**
 * `knownAt` is a record instant (the store's clock): one in the future simply
 * knows everything recorded so far. Returns epoch ms, or undefined.
 */
export function recordInstant(knownAt: Date | null | undefined): number | undefined {
  return knownAt === null || knownAt === undefined ? undefined : knownAt.getTime();
}

/** The business instant a read describes: `asOf`, else the `knownAt` instant (not after now), else null (now, from the read models). */
export function describedInstant(asOf: Date | null | undefined, knownAt: number | undefined, now: number): number | null {
  if (asOf !== null && asOf !== undefined) return pastInstant(asOf, now);
  return knownAt === undefined ? null : Math.min(knownAt, now);
}

/** The description every `knownAt` argument carries. */
export const KNOWN_AT_DESCRIPTION =
  'Only the events recorded by this instant (record time) count: what was known then, late facts recorded since left out. Without `asOf`, the state as of this instant too (or now, if later).';
