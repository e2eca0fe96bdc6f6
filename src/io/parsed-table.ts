// A table file → its header and its rows with line numbers (SPEC §5: the
// header is the first row that holds the required columns; title rows above it
// are skipped), then each row parsed by the domain. Every importer finds its
// header here: applications, side lists and score sheets.
import { type CellError, type ColumnDef, type HeaderMap, type HeaderMapping, type HeaderMatch, type HeaderProblem, type ParsedRow, headerWithUnits, matchHeader, missingColumnsText, stackedHeader } from '../domain/import-row.js';
import { type Text, text } from '../domain/text.js';
import { type RawRow, type ReadTableOptions, readTableBatches } from './table-reader.js';

/** The header is the first of these records that holds every required column. */
export const HEADER_SEARCH_LIMIT = 100;

/** Which cell is which column, for one candidate header row. */
export type HeaderMatcher = (cells: readonly string[]) => HeaderMatch;

/** Why no header was taken. */
export interface HeaderFailure {
  /** The row that came closest (or the header row with repeated columns); null when no row named any column. */
  line: number | null;
  missing: readonly ColumnDef[];
  duplicates: readonly HeaderProblem[];
  /** Records looked at. */
  searched: number;
}

export type HeaderEvent =
  | { kind: 'header'; line: number; cells: string[]; map: HeaderMap }
  /** Records after the header, as read. */
  | { kind: 'rows'; rows: RawRow[] }
  /** `failure`: no usable header (nothing after it was read); `blank`: the file held no record at all. */
  | { kind: 'end'; failure: HeaderFailure | null; blank: boolean };

/**
 * The header and the records after it. Stops after a header failure; a record
 * the reader cannot cut (TableReadError) or a file that cannot be read
 * (FileReadError) is thrown, after the rows before it.
 */
export async function* tableRows(
  file: string,
  read: ReadTableOptions,
  match: HeaderMatcher,
  batches: AsyncIterable<RawRow[]> = readTableBatches(file, read),
): AsyncGenerator<HeaderEvent> {
  let found = false;
  let records = 0;
  let best: { line: number; match: HeaderMatch } | null = null;
  let above: RawRow | null = null;
  // Found, and told once the record under it is seen (it may name the units of the columns).
  let header: { line: number; cells: string[]; map: HeaderMap } | null = null;
  for await (const batch of batches) {
    let start = 0;
    if (!found) {
      for (; start < batch.length; start++) {
        const rec = batch[start];
        records++;
        let cells = rec.cells;
        let m = match(cells);
        if (m.missing.length > 0 && above !== null) {
          // Two header rows: group labels above, names below.
          const stacked = stackedHeader(above.cells, rec.cells);
          const s = match(stacked);
          if (s.missing.length === 0 && s.duplicates.length === 0) [cells, m] = [stacked, s];
        }
        if (m.missing.length === 0) {
          if (m.duplicates.length > 0) {
            yield { kind: 'end', failure: { line: rec.line, missing: [], duplicates: m.duplicates, searched: records }, blank: false };
            return;
          }
          found = true;
          header = { line: rec.line, cells, map: m.map };
          start++;
          break;
        }
        if (!best || m.recognized > best.match.recognized) best = { line: rec.line, match: m };
        above = rec;
        if (records >= HEADER_SEARCH_LIMIT) break;
      }
      if (!found) {
        if (records >= HEADER_SEARCH_LIMIT) break;
        continue;
      }
    }
    if (header !== null && start < batch.length) {
      // A row of units under the labels (（万元）, 人 …): taken into the header, not read as an application.
      const withUnits = headerWithUnits(header.cells, batch[start].cells);
      const u = withUnits && match(withUnits);
      if (withUnits && u && u.missing.length === 0 && u.duplicates.length === 0) {
        header = { line: header.line, cells: withUnits, map: u.map };
        start++;
      }
      yield { kind: 'header', ...header };
      header = null;
    }
    if (header === null && start < batch.length) yield { kind: 'rows', rows: start === 0 ? batch : batch.slice(start) };
  }
  // The header was the last record.
  if (header !== null) yield { kind: 'header', ...header };
  if (found) {
    yield { kind: 'end', failure: null, blank: false };
    return;
  }
  if (best === null) {
    yield { kind: 'end', failure: null, blank: true };
    return;
  }
  // The first record is the best when no record names a column: all required ones are missing.
  const recognized = best.match.recognized > 0;
  yield { kind: 'end', failure: { line: recognized ? best.line : null, missing: best.match.missing, duplicates: best.match.duplicates, searched: records }, blank: false };
}

// ---------------------------------------------------------------------------
// Rows parsed by the domain

/** One data record after the header, parsed. */
export interface ParsedRecord<T> {
  line: number;
  /** The record as read: kept for a bad row, or for every row when rejects are written. */
  cells: string[] | null;
  value: T | null;
  errors: CellError[];
  warnings: CellError[];
  /** A totals row (合计) or a note of the sheet, left out with this warning. */
  notApplication?: CellError;
}

export type TableEvent<T> =
  /** The header row: from here on every record is a row. */
  | { kind: 'header'; line: number; cells: string[]; map: HeaderMap }
  | { kind: 'rows'; rows: ParsedRecord<T>[] }
  /**
   * The end of what was read. `headerProblem`: no usable header (nothing
   * else was read after it); `blank`: the file held no record at all.
   */
  | { kind: 'end'; headerLine: number | null; headerProblem: Text | null; blank: boolean };

export type RowParser<T> = (cells: readonly string[], map: HeaderMap, line: number) => ParsedRow<T>;

/** `FILE:LINE: missing required columns …`, or how many rows were searched when none named a column. */
export function headerFailureText(file: string, f: HeaderFailure): Text {
  const problem = missingColumnsText(file, f.line, f.missing, f.duplicates);
  if (f.line !== null) return problem;
  const n = Math.min(f.searched, HEADER_SEARCH_LIMIT);
  return text(`${problem.zh}（前 ${n} 行中没有找到表头）`, `${problem.en} (no header row found in the first ${n} rows)`);
}

/** The events of a table file whose rows `parse` reads; see tableRows. */
export async function* parsedTable<T>(
  file: string,
  read: ReadTableOptions,
  defs: readonly ColumnDef[],
  mapping: HeaderMapping | undefined,
  parse: RowParser<T>,
  keepCells: boolean,
  /** The file's records as read elsewhere (the import worker reading a workbook); else read here. */
  batches?: AsyncIterable<RawRow[]>,
): AsyncGenerator<TableEvent<T>> {
  let map: HeaderMap | null = null;
  let headerLine: number | null = null;
  for await (const ev of tableRows(file, read, (cells) => matchHeader(cells, defs, mapping), batches)) {
    if (ev.kind === 'header') {
      map = ev.map;
      headerLine = ev.line;
      yield ev;
    } else if (ev.kind === 'rows') {
      const m = map as HeaderMap;
      const rows: ParsedRecord<T>[] = [];
      for (const rec of ev.rows) {
        const p = parse(rec.cells, m, rec.line);
        const r: ParsedRecord<T> = { line: rec.line, cells: keepCells || p.value === null ? rec.cells : null, value: p.value, errors: p.errors, warnings: p.warnings };
        if (p.notApplication) r.notApplication = p.notApplication;
        rows.push(r);
      }
      yield { kind: 'rows', rows };
    } else if (ev.failure) {
      yield { kind: 'end', headerLine: ev.failure.line, headerProblem: headerFailureText(file, ev.failure), blank: false };
    } else {
      yield { kind: 'end', headerLine, headerProblem: null, blank: ev.blank };
    }
  }
}
