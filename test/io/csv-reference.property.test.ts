// The hand-written CSV parser (io/table-reader.ts, kept for speed) against
// csv-parse, a well-kept RFC 4180 parser, as the reference: any well-formed
// file, cut into any chunks, gives the same records. Blank records are the one
// intended difference (the reader skips them, keeping the line count).
import { parse as parseCsv } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvParser, type RawRow } from '../../src/io/table-reader.js';

const cellText = fc.stringMatching(/^[a-z0-9 ,"\n\r中文，。]{0,8}$/);
const quote = (s: string): string => (/[",\r\n]/.test(s) || s.startsWith(' ') ? `"${s.replace(/"/g, '""')}"` : s);

const file = fc
  .record({
    rows: fc.array(fc.array(cellText, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 12 }),
    eol: fc.constantFrom('\n', '\r\n'),
    finalEol: fc.boolean(),
  })
  .map(({ rows, eol, finalEol }) => rows.map((r) => r.map(quote).join(',')).join(eol) + (finalEol ? eol : ''));

function ours(csv: string, cuts: number[]): string[][] {
  const p = new CsvParser('t.csv');
  const out: RawRow[] = [];
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    const end = Math.min(c, csv.length);
    if (end > at) p.feed(csv.slice(at, end), out);
    at = Math.max(at, end);
  }
  if (at < csv.length) p.feed(csv.slice(at), out);
  p.finish(out);
  return out.map((r) => r.cells);
}

/** A record of empty or white-space cells is blank: the reader skips it (Excel writes `,,,,`). */
const isBlank = (r: string[]): boolean => r.every((c) => c.trim() === '');
const reference = (csv: string): string[][] => (parseCsv(csv, { relax_column_count: true }) as string[][]).filter((r) => !isBlank(r));

describe('the CSV parser agrees with csv-parse', () => {
  it('on random well-formed files cut into random chunks', () => {
    fc.assert(
      fc.property(file, fc.array(fc.nat(400), { maxLength: 6 }), (csv, cuts) => {
        expect(ours(csv, cuts)).toEqual(reference(csv));
      }),
      { numRuns: 500 },
    );
  });

  it('on a file the reference and the reader would read differently if quoting were wrong', () => {
    const csv = 'a,"b,""c""",d\r\n"line\nbreak",2,3\r\n';
    expect(ours(csv, [5, 11])).toEqual(reference(csv));
    expect(ours(csv, [])).toEqual([['a', 'b,"c"', 'd'], ['line\nbreak', '2', '3']]);
  });
});
