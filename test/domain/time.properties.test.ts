import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatInstant, parseInstant } from '../../src/domain/time.js';

/**
 * The fast paths of time.ts (the canonical form read digit by digit, written
 * by arithmetic) against the implementations they replaced, copied here
 * verbatim: every text and every instant must give exactly what they gave
 * (but for the fix of February 29th in years 0–99, also made here).
 */
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;

function referenceParse(text: string): number | null {
  const m = ISO_INSTANT.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > referenceDaysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const offsetHours = Number(m[10]);
    const offsetMins = Number(m[11]);
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const date = new Date(local);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime() - offsetMinutes * 60_000;
}

function referenceDaysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

function referenceFormat(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

const RUNS = { numRuns: 20_000 };
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Field values around and beyond their limits, so that impossible dates and times are generated too. */
const fields = fc.record({
  year: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 4, 99, 100, 1900, 1970, 2000, 2024, 2100, 9999)),
  month: fc.integer({ min: 0, max: 13 }),
  day: fc.integer({ min: 0, max: 32 }),
  hour: fc.integer({ min: 0, max: 25 }),
  minute: fc.integer({ min: 0, max: 61 }),
  second: fc.integer({ min: 0, max: 61 }),
  millis: fc.integer({ min: 0, max: 999 }),
});

const canonical = fields.map(
  (f) => `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}T${pad(f.hour, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)}.${pad(f.millis, 3)}Z`,
);
const withoutMillis = fields.map(
  (f) => `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}T${pad(f.hour, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)}Z`,
);

/** A canonical-looking text with one character replaced: separators, signs, letters, digits beyond ASCII. */
const mutated = fc
  .tuple(fc.oneof(canonical, withoutMillis), fc.nat(), fc.constantFrom('-', ':', '.', 'T', 'Z', 'z', 't', ' ', '+', '/', '0', '9', 'a', '٣', '\u0000'))
  .map(([text, at, char]) => {
    const i = at % text.length;
    return text.slice(0, i) + char + text.slice(i + 1);
  });

/** Other forms the general parser reads: offsets, no seconds, more fractional digits. */
const otherForms = fc
  .tuple(fields, fc.constantFrom('Z', '+00:00', '-05:30', '+23:59', '+24:00'), fc.constantFrom('', ':00', ':59', '.1', '.12', '.123456789'))
  .map(([f, zone, tail]) => `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}T${pad(f.hour, 2)}:${pad(f.minute, 2)}${tail}${zone}`);

describe('parseInstant', () => {
  it('reads canonical texts exactly as before, impossible dates included', () => {
    fc.assert(
      fc.property(fc.oneof(canonical, withoutMillis), (text) => {
        expect(parseInstant(text)).toBe(referenceParse(text));
      }),
      RUNS,
    );
  });

  it('reads mutated and other forms exactly as before', () => {
    fc.assert(
      fc.property(fc.oneof(mutated, otherForms, fc.string({ maxLength: 30 })), (text) => {
        expect(parseInstant(text)).toBe(referenceParse(text));
      }),
      RUNS,
    );
  });

  // From 0100 on: before, the general parser reads 0000-02-29 as March 1st (Date.UTC's 1900 is no leap year).
  it('reads February 29th of leap years 0–99 as that day (Date.UTC maps those years to 1900–1999)', () => {
    for (const text of ['0000-02-29T00:00:00Z', '0004-02-29T12:30:00.250Z', '0096-02-29T23:59:59Z', '0400-02-29T00:00:00Z']) {
      expect(parseInstant(text), text).toBe(Date.parse(text));
      expect(formatInstant(parseInstant(text)!)).toBe(text.replace(/Z$/, text.includes('.') ? 'Z' : '.000Z'));
    }
  });

  it('reads what formatInstant writes back to the same instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: -59_011_459_200_000, max: 253_402_300_799_999 }), (ms) => {
        expect(parseInstant(formatInstant(ms))).toBe(ms);
      }),
      RUNS,
    );
  });

  it.each(['0000-02-29T00:00:00.000Z', '0099-12-31T23:59:59Z', '0100-01-01T00:00:00.000Z', '1900-02-29T00:00:00Z', '2000-02-29T00:00:00.000Z'])(
    'reads the edge %s as before',
    (text) => expect(parseInstant(text)).toBe(referenceParse(text)),
  );
});

describe('formatInstant', () => {
  it('writes every instant of years 0000-9999 exactly as before', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (ms) => {
        expect(formatInstant(ms)).toBe(referenceFormat(ms));
      }),
      RUNS,
    );
  });

  it.each([0, 1, 86_399_999, 86_400_000, 951_782_400_000, 253_402_300_799_999, 253_402_300_800_000, -1, 1.5, 8.64e15, -8.64e15])(
    'writes the edge %s as before',
    (ms) => expect(formatInstant(ms)).toBe(referenceFormat(ms)),
  );

  it('refuses what Date refuses', () => {
    for (const ms of [Number.NaN, Number.POSITIVE_INFINITY, 8.64e15 + 1]) {
      expect(() => referenceFormat(ms)).toThrow(RangeError);
      expect(() => formatInstant(ms)).toThrow(RangeError);
    }
  });
});
