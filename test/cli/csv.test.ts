/**
 * The CSV cells every export writes: RFC 4180 quoting, and formula cells
 * neutralised (OWASP's CSV-injection rule), checked against a CSV parser.
 */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCells, csvRow, monthCell } from '../../src/cli/lib/csv.js';

const parsed = (text: string): string[] => (parse(text) as string[][])[0]!;

describe('csvRow', () => {
  it('quotes a cell holding a comma, a quote or a line break, and reads back unchanged', () => {
    // given
    const cells = ['a,b', 'say "hi"', 'two\nlines', 'cr\rhere', 'plain', ''];
    // when
    const row = csvRow(cells);
    // then
    expect(row).toBe('"a,b","say ""hi""","two\nlines","cr\rhere",plain,\n');
    expect(parsed(row)).toEqual(cells);
  });

  it('prefixes a text cell starting with =, +, -, @, a tab or a carriage return with a quote', () => {
    // given
    const hostile = ['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)', '\tTab', '\rCr'];
    // when
    const row = csvRow(hostile);
    // then
    expect(parsed(row)).toEqual(hostile.map((value) => `'${value}`));
  });

  it('writes numbers and booleans as they are (a negative number stays a number) and absent cells empty', () => {
    // given
    const cells = [-7.04, 0, true, false, null, undefined];
    // when
    const row = csvRow(cells);
    // then
    expect(row).toBe('-7.04,0,true,false,,\n');
  });

  it('csvCells is the row without its line break, so parts of a row can be joined by commas', () => {
    // given
    const head = ['2025-01', 'a,b'];
    const tail = ['=x', 3];
    // when
    const joined = `${csvCells(head)},${csvCells(tail)}\n`;
    // then
    expect(joined).toBe(csvRow([...head, ...tail]));
    expect(csvCells([])).toBe('');
  });
});

describe('monthCell', () => {
  it('writes the UTC month of an instant as ISO 8601 does, whatever the year', () => {
    const years99And0 = [Date.parse('0099-05-01T00:00:00Z'), Date.parse('0000-01-01T00:00:00Z')];
    for (const at of [0, Date.UTC(2025, 0, 1) - 1, Date.UTC(2025, 11, 31, 23, 59), ...years99And0, -62198755200001, 8.64e15, -8.64e15]) {
      expect(monthCell(at), String(at)).toBe(new Date(at).toISOString().slice(0, 7));
    }
  });
});
