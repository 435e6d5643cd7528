/**
 * Instants at the edges: ISO 8601 strings with an explicit zone outside,
 * epoch milliseconds inside.
 *
 * Both directions have a fast path for the canonical form
 * (`2025-01-06T09:00:00.000Z`, and the same without milliseconds), which is
 * what exports, the store and most clients write: an import converts millions
 * of them. Each fast path gives exactly what the general one gives (a
 * property test compares them) and hands anything else to it.
 */

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Epoch ms of an ISO 8601 date-time with a zone (`Z` or `±hh:mm`), or null
 * when the text is not one or names an impossible date (Date.parse would turn
 * 2025-02-30 into March 2nd). Digits beyond milliseconds are truncated.
 */
export function parseInstant(text: string): number | null {
  const canonical = parseCanonicalInstant(text);
  return canonical === undefined ? parseAnyInstant(text) : canonical;
}

/** The general parser: any form `ISO_INSTANT` admits. */
function parseAnyInstant(text: string): number | null {
  const m = ISO_INSTANT.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const offsetHours = Number(m[10]);
    const offsetMins = Number(m[11]);
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC maps years 0–99 to 1900–1999, where February 29th may not exist;
  // setting year, month and day together puts them back (0000-02-29 included).
  const date = new Date(local);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime() - offsetMinutes * 60_000;
}

/**
 * `YYYY-MM-DDTHH:MM:SS.sssZ` or `YYYY-MM-DDTHH:MM:SSZ` read digit by digit,
 * without the regex's match array: the instant, null for an impossible date
 * or time, or undefined for any other text (years before 100 included, which
 * Date.UTC treats apart), left to `parseAnyInstant`.
 */
function parseCanonicalInstant(text: string): number | null | undefined {
  const length = text.length;
  if (length !== 24 && length !== 20) return undefined;
  if (
    text.charCodeAt(4) !== DASH ||
    text.charCodeAt(7) !== DASH ||
    text.charCodeAt(10) !== UPPER_T ||
    text.charCodeAt(13) !== COLON ||
    text.charCodeAt(16) !== COLON ||
    text.charCodeAt(length - 1) !== UPPER_Z ||
    (length === 24 && text.charCodeAt(19) !== DOT)
  ) {
    return undefined;
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const millis = length === 24 ? digits(text, 20, 3) : 0;
  // A non-digit makes its field -1, and so their bitwise or negative.
  if ((year | month | day | hour | minute | second | millis) < 0 || year < 100) return undefined;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis);
}

/** The decimal number of `count` digits at `at`, or -1 when one of them is not a digit. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

const ZERO = 48;
const DASH = 45;
const COLON = 58;
const DOT = 46;
const UPPER_T = 84;
const UPPER_Z = 90;

/** The canonical form: UTC, milliseconds, `Z`. */
export function formatInstant(epochMs: number): string {
  // Whole ms from 1970 to 9999 (the canonical four-digit years) are computed
  // directly; the rest (before 1970, fractions, NaN's RangeError) by Date.
  if (!(epochMs >= 0 && epochMs < END_OF_9999) || !Number.isInteger(epochMs)) return new Date(epochMs).toISOString();
  const days = Math.floor(epochMs / MS_PER_DAY);
  let rest = epochMs - days * MS_PER_DAY;
  // Civil date of a day count (H. Hinnant's `civil_from_days`), in 400-year eras from 0000-03-01.
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const millis = rest - second * 1000;
  return `${pad(year, 4)}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[second]}.${pad(millis, 3)}Z`;
}

const MS_PER_DAY = 86_400_000;
/** 10000-01-01T00:00:00.000Z. */
const END_OF_9999 = 253_402_300_800_000;
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
