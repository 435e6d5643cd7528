/**
 * Elapsed time as the API shows it: seconds, days and an ISO 8601 duration.
 *
 * The ISO form uses days, never months or years: a month has no fixed length,
 * and the brief defines every rule in days of 24 hours.
 */
import { DAY_MS } from '../rules.js';

export { DAY_MS };
export const SECOND_MS = 1000;
export const WEEK_MS = 7 * DAY_MS;

export interface Duration {
  /** Whole seconds (sub-second precision is dropped). */
  readonly seconds: number;
  /** Fractional days, rounded to 4 decimals (about 9 seconds). */
  readonly days: number;
  /** ISO 8601 duration, e.g. `P12DT3H`, `PT45M`, `PT0S`. */
  readonly iso: string;
}

export function durationBetween(fromMs: number, toMs: number): Duration {
  return durationOfSeconds(Math.max(0, Math.floor((toMs - fromMs) / SECOND_MS)));
}

export function durationOfSeconds(seconds: number): Duration {
  return { seconds, days: Math.round((seconds / 86_400) * 10_000) / 10_000, iso: isoDuration(seconds) };
}

export function isoDuration(totalSeconds: number): string {
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3_600);
  const minutes = Math.floor((totalSeconds % 3_600) / 60);
  const seconds = totalSeconds % 60;
  const date = days > 0 ? `${days}D` : '';
  const time = `${hours > 0 ? `${hours}H` : ''}${minutes > 0 ? `${minutes}M` : ''}${seconds > 0 ? `${seconds}S` : ''}`;
  if (date === '' && time === '') return 'PT0S';
  return `P${date}${time === '' ? '' : `T${time}`}`;
}
