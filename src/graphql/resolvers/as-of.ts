import { badUserInput } from '../errors.js';

/** `asOf` is for looking back: the future has not been recorded yet. Returns the instant in epoch ms. */
export function pastInstant(asOf: Date, now: number): number {
  const at = asOf.getTime();
  if (at > now) {
    throw badUserInput(`asOf ${asOf.toISOString()} is in the future`, { field: 'asOf', reason: 'AS_OF_IN_FUTURE' });
  }
  return at;
}

/** `knownAt` looks back too: what had been recorded by then. Returns the instant in epoch ms, or undefined. */
export function pastRecordInstant(knownAt: Date | null | undefined, now: number): number | undefined {
  if (knownAt === null || knownAt === undefined) return undefined;
  const at = knownAt.getTime();
  if (at > now) {
    throw badUserInput(`knownAt ${knownAt.toISOString()} is in the future`, { field: 'knownAt', reason: 'KNOWN_AT_IN_FUTURE' });
  }
  return at;
}

/** The description every `knownAt` argument carries. */
export const KNOWN_AT_DESCRIPTION =
  'Only the events recorded by this past instant count: what was known then (late facts recorded since are left out). Without `asOf`, the state as of this instant too.';
