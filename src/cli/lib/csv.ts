/**
 * RFC 4180 CSV for the exports.
 *
 * - A field is quoted when it holds a comma, a quote or a line break.
 * - Formula cells are neutralised (OWASP's CSV-injection rule): a text value
 *   starting with =, +, -, @, a tab or a carriage return is prefixed with a
 *   single quote and quoted, so a spreadsheet shows `=HYPERLINK(…)` as text
 *   instead of running it. Numbers are written as numbers (a negative slope
 *   stays a number).
 * - The Excel style starts the file with a UTF-8 byte-order mark (Excel
 *   otherwise reads it as the local code page) and writes instants as
 *   `YYYY-MM-DD HH:MM:SS` (UTC), which Excel reads as dates; the default style
 *   writes ISO 8601, which DuckDB, pandas and R read as timestamps.
 */
import { formatInstant } from '../../domain/time.js';

export type CsvField = string | number | boolean | null | undefined;

export interface CsvStyle {
  readonly excel: boolean;
}

export const PLAIN_CSV: CsvStyle = { excel: false };

const BOM = '\uFEFF';

export function csvRow(fields: readonly CsvField[]): string {
  return `${csvCells(fields)}\n`;
}

/** Some consecutive cells of a row, separated by commas, without the line break (a part to reuse across rows). */
export function csvCells(fields: readonly CsvField[]): string {
  // One array joined (a flat string), not `+=` (a rope that writing the file flattens again, cell by cell).
  const cells = new Array<string>(fields.length);
  for (let i = 0; i < fields.length; i++) cells[i] = csvField(fields[i]);
  return cells.join(',');
}

/** What a file of this style starts with, before the header row. */
export function csvPreamble(style: CsvStyle): string {
  return style.excel ? BOM : '';
}

/** The month of an instant, 2025-01 (UTC), as a cohort column writes it. */
export function monthCell(at: number): string {
  const date = new Date(at);
  const year = date.getUTCFullYear();
  // ISO's own form outside four-digit years (±YYYYYY).
  if (year < 0 || year > 9999) return date.toISOString().slice(0, 7);
  const month = date.getUTCMonth() + 1;
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}`;
}

/** An instant (epoch ms or ISO string) in the style's form; empty when absent. */
export function instantCell(value: number | string | null | undefined, style: CsvStyle): string | null {
  if (value === null || value === undefined) return null;
  const iso = typeof value === 'number' ? formatInstant(value) : value;
  return style.excel ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : iso;
}

export function csvField(value: CsvField): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  if (value.length === 0) return value;
  const first = value.charCodeAt(0);
  if (first === EQUALS || first === PLUS || first === MINUS || first === AT || first === TAB || first === CR) {
    return `"'${value.replaceAll('"', '""')}"`;
  }
  return needsQuotes(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A comma, a quote or a line break: one pass over the characters, no regular expression. */
function needsQuotes(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === COMMA || c === QUOTE || c === CR || c === LF) return true;
  }
  return false;
}

const EQUALS = 0x3d;
const PLUS = 0x2b;
const MINUS = 0x2d;
const AT = 0x40;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;
const COMMA = 0x2c;
const QUOTE = 0x22;
