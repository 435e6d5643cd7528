import { badUserInput } from '../errors.js';

/** `asOf` is for looking back: the future has not been recorded yet. Returns the instant in epoch ms. */
export function pastInstant(asOf: Date, now: number): number {
  const at = asOf.getTime();
  if (at > now) {
    throw badUserInput(`asOf ${asOf.toISOString()} is in the future`, { field: 'asOf', reason: 'AS_OF_IN_FUTURE' });
  }
  return at;
}
