// CSV out: RFC 4180 quoting, CRLF line ends, a UTF-8 BOM by default (so that
// Excel opens Chinese text as UTF-8 rather than the ANSI code page), and
// formula-injection neutralisation (OWASP "CSV injection"): a text cell that
// starts with = + - @ TAB or CR would be evaluated by a spreadsheet, so it is
// prefixed with a single quote. Numbers are written as numbers: -5 stays -5.

export type CsvValue = string | number | null | undefined;

export interface ToCsvOptions {
  /** Start with a UTF-8 BOM (U+FEFF). Default true. */
  bom?: boolean;
}

const NEEDS_QUOTES = /[",\r\n]/;

/** One cell, quoted and neutralised as needed. */
export function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? (Object.is(v, -0) ? '0' : String(v)) : '';
  let s = v;
  // A formula starts with = + - @ TAB or CR: tested by its first character (a report of 10^5 applications writes millions of cells).
  const c = s.charCodeAt(0);
  if (c === 0x3d || c === 0x2b || c === 0x2d || c === 0x40 || c === 0x09 || c === 0x0d) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows to CSV text; every row, the last included, ends with CRLF. */
export function toCsv(rows: readonly (readonly CsvValue[])[], opts: ToCsvOptions = {}): string {
  const parts: string[] = [];
  for (const row of rows) parts.push(row.map(csvCell).join(','), '\r\n');
  return (opts.bom === false ? '' : '\uFEFF') + parts.join('');
}
