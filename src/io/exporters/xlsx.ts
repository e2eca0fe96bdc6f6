// Report → XLSX (exceljs, loaded only by the commands that write one): a
// summary sheet with the meta fields, then one sheet per section with a bold,
// frozen header row (a section longer than Excel's 1,048,576 rows goes on over
// more sheets, "… (continued, 2)"); money as numbers in yuan with a money
// format; widths that fit Chinese text (CJK characters count double). Text is always written as a
// string value (an inline string cell, with no formula), never as a formula.
import { formatYuan, yuanPlain } from '../../domain/money.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
import type { Row, Style } from 'exceljs';
import { once, type EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { charWidth, displayWidth, openRows, plainText, resolveCell, type CellValue, type Column, type Report, type Resolved } from '../../domain/reports/model.js';
import { formatInstant } from '../../domain/dates.js';
import { text, type Lang } from '../../domain/text.js';
import { workbookWriter } from '../exceljs.js';
import { TextSink } from './sink.js';

export const MONEY_FORMAT = '#,##0.00';
/** The rows of a worksheet in Excel (2007 and later) and in most other spreadsheets. */
const EXCEL_MAX_ROWS = 1_048_576;

export interface XlsxOptions {
  /** The rows a sheet may hold (tests take fewer). */
  maxSheetRows?: number;
}
const MAX_WIDTH = 60;

type ExcelValue = string | number | Date | null;

function excelValue(r: Resolved, tz?: string): { value: ExcelValue; numFmt?: string } {
  switch (r.type) {
    case 'empty':
      return { value: null };
    case 'text':
      return { value: r.text };
    case 'money':
      // Yuan as a number: fen / 100 is the double nearest the decimal amount, as Excel itself stores it.
      // A sum past 2^53 fen has no exact double: it is written as its exact text instead.
      if (typeof r.fen === 'bigint' && (r.fen > MAX_SAFE || r.fen < -MAX_SAFE)) return { value: yuanPlain(r.fen) };
      return { value: Number(r.fen) / 100, numFmt: MONEY_FORMAT };
    case 'number':
      return { value: r.value, numFmt: r.decimals > 0 ? `0.${'0'.repeat(r.decimals)}` : '0' };
    case 'percent':
      return { value: r.value / 100, numFmt: r.decimals > 0 ? `0.${'0'.repeat(r.decimals)}%` : '0%' };
    case 'date': {
      const [y, m, d] = r.value.split('-').map(Number);
      // exceljs turns a Date into a serial day number from its UTC value.
      return { value: new Date(Date.UTC(y, m - 1, d)), numFmt: 'yyyy-mm-dd' };
    }
    case 'instant':
      // As the officer reads it (China Standard Time); JSON keeps the ISO instant.
      return { value: formatInstant(r.value, tz) };
  }
}

/** At most `max` characters, cut between words (a space, or between two CJK characters), never inside one. */
function shortTitle(s: string, max: number): string {
  if ([...s].length <= max) return s;
  // The article in brackets goes first: the sheet's first row keeps the whole title.
  const bare = s.replace(/\s*[（(].*$/, '').trim();
  if (bare && [...bare].length <= max) return bare;
  const chars = [...(bare || s)];
  let cut = max;
  // Back to a word boundary: a space, or between two wide (CJK) characters.
  const wide = (c: string | undefined) => c !== undefined && charWidth(c.codePointAt(0) ?? 0) === 2;
  while (cut > 0 && !(chars[cut] === ' ' || chars[cut - 1] === ' ' || (wide(chars[cut - 1]) && wide(chars[cut])))) cut--;
  return (cut > 0 ? chars.slice(0, cut) : chars.slice(0, max)).join('').trim();
}

/** Excel's rules: ≤ 31 characters, none of []:*?/\, unique in the workbook (case-insensitive); short, never cut mid-word. */
export function sheetName(title: string, used: Set<string>): string {
  const base = shortTitle(title.replace(/[[\]:*?/\\]/g, ' ').replace(/\s+/g, ' ').replace(/^'+|'+$/g, '').trim(), 31) || 'Sheet';
  let name = base;
  for (let i = 2; used.has(name.toLowerCase()); i++) {
    const suffix = ` (${i})`;
    name = base.slice(0, 31 - suffix.length) + suffix;
  }
  used.add(name.toLowerCase());
  return name;
}

const widthOf = (s: string): number => Math.min(MAX_WIDTH, Math.max(...s.split('\n').map(displayWidth)));

/**
 * Deflate at zlib's fastest level, not its default (6): a large workbook's
 * sheets are hundreds of MB of XML, and the default level's deflate was much
 * of the CPU of writing them, for a somewhat smaller file (bench/cycle.md).
 */
const ZIP_LEVEL = 1;

/** Rows whose widths set a sheet's column widths: the columns must be written before the first row. */
const WIDTH_SAMPLE = 1000;
/** Rows between two pauses that let the zip and the disk catch up (the rows written by exceljs's row objects). */
const BATCH = 50;

type ZipInput = EventEmitter & { _writableState?: { needDrain?: boolean } };
type SheetWriter = ReturnType<InstanceType<typeof import('exceljs').stream.xlsx.WorkbookWriter>['addWorksheet']>;

/** exceljs's value types (its Enums.ValueType) of the values excelValue gives. */
const NULL_TYPE = 0;
const NUMBER_TYPE = 2;
const STRING_TYPE = 3;
const DATE_TYPE = 4;

/** exceljs's workbook styles: a style object's id in styles.xml (the same call exceljs makes for each cell). */
interface StylesRegistry {
  addStyleModel(style: Partial<Style>, cellType: number): number;
}

/** What exceljs's XML writer does to a text and an attribute: escape & < > " ', drop control characters. */
const XML_UNSAFE = /[<>&'"\x7F\x00-\x08\x0B-\x0C\x0E-\x1F]/;
function xmlText(s: string): string {
  if (!XML_UNSAFE.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) out += '&quot;';
    else if (c === 38) out += '&amp;';
    else if (c === 39) out += '&apos;';
    else if (c === 60) out += '&lt;';
    else if (c === 62) out += '&gt;';
    else if (c === 127 || (c <= 31 && (c <= 8 || (c >= 11 && c !== 13)))) continue;
    else out += s[i];
  }
  return out;
}

/** A column's letters (1 → A, 27 → AA). */
function columnLetters(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

/**
 * One row of a sheet as exceljs's row and cell writers put it in the sheet's
 * XML (row-xform, cell-xform: the same elements, attributes and order, the
 * same style ids), built as a string. A row of only empty cells is not
 * written, as exceljs skips it; '' when so.
 */
function rowXml(number: number, values: ExcelValue[], cellStyles: Partial<Style>[], letters: string[], styles: StylesRegistry): string {
  let xml = '';
  let any = false;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const style = cellStyles[i];
    const type = value === null ? NULL_TYPE : typeof value === 'string' ? STRING_TYPE : typeof value === 'number' ? NUMBER_TYPE : DATE_TYPE;
    const id = styles.addStyleModel(style, type);
    const s = id ? ` s="${id}"` : '';
    if (value === null) {
      if (id) xml += `<c r="${letters[i]}${number}"${s}/>`;
      continue;
    }
    any = true;
    if (typeof value === 'string') xml += `<c r="${letters[i]}${number}"${s} t="str"><v>${xmlText(value)}</v></c>`;
    else if (typeof value === 'number') xml += `<c r="${letters[i]}${number}"${s}><v>${xmlText(String(value))}</v></c>`;
    // exceljs's dateToExcel: days since 1899-12-30 (the 1900 date system).
    else xml += `<c r="${letters[i]}${number}"${s}><v>${25569 + value.getTime() / (24 * 3600 * 1000)}</v></c>`;
  }
  return any ? `<row r="${number}" spans="1:${values.length}" x14ac:dyDescent="0.25">${xml}</row>` : '';
}

/**
 * Writes the report as a workbook to `out` with exceljs's streaming writer:
 * rows are committed (turned into XML and zipped) as they come, sheet after
 * sheet, so memory holds one sheet's first rows at most. Strings are inline
 * (a shared-string table would keep every distinct text of the round).
 */
export async function writeXlsx(r: Report, lang: Lang, out: Writable, { maxSheetRows = EXCEL_MAX_ROWS }: XlsxOptions = {}): Promise<void> {
  const WorkbookWriter = workbookWriter();
  const wb = new WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false, zip: { zlib: { level: ZIP_LEVEL } } });
  wb.creator = 'jmfund';
  wb.created = new Date(r.generatedAt);
  wb.modified = new Date(r.generatedAt);
  wb.title = `${r.title[lang]} — ${r.roundId}`;
  const used = new Set<string>();
  // exceljs feeds a sheet's XML to the zip without backpressure (its stream
  // ignores what write returns): after each buffer of XML, wait until the zip
  // has taken the sheet's XML so far, so that memory holds one buffer, not a
  // backlog that grows while zlib and the disk are slower than the rows. The
  // pause is also when zlib's work, done on another thread, comes back to
  // this one to go on: one pause per buffer keeps it going beside the rows
  // (one per 500 rows, several buffers, left it waiting for them).
  const pause = async (ws: SheetWriter) => {
    // The zip's input for the sheet: a readable-stream v2 PassThrough (archiver), whose state is _writableState.
    const zipIn = (ws as unknown as { stream: { pipes?: ZipInput[] } }).stream.pipes?.[0];
    if (zipIn?._writableState?.needDrain) await once(zipIn, 'drain');
    else await new Promise<void>((resolve) => setImmediate(resolve));
  };
  // The sheet's name is short (Excel allows 31 characters); its first row holds the whole title.
  const newSheet = (title: string): SheetWriter => {
    const ws = wb.addWorksheet(sheetName(title, used), { views: [{ state: 'frozen', ySplit: 2, xSplit: 0 }] });
    ws.addRow([title]).font = { bold: true, size: 13 };
    return ws;
  };

  // One style object per number format, shared by every cell that has it:
  // exceljs recognises a style object it has seen and skips serialising it
  // again, which otherwise took a quarter of the time.
  const styleObjects = new Map<string, Partial<Style>>();
  const styleOf = (numFmt = ''): Partial<Style> => {
    let st = styleObjects.get(numFmt);
    if (!st) styleObjects.set(numFmt, (st = numFmt ? { numFmt } : {}));
    return st;
  };
  const styles = (wb as unknown as { styles: StylesRegistry }).styles;
  const setCells = (row: Row, cells: { value: ExcelValue; numFmt?: string }[], from = 1) => {
    cells.forEach(({ value, numFmt }, i) => {
      const cell = row.getCell(from + i);
      cell.value = value;
      cell.style = styleOf(numFmt);
    });
  };

  // A section longer than a sheet can hold (Excel's 1,048,576 rows: the audit report's eligibility results
  // of 10^5 applications are 1.2 million) goes on over as many sheets as it needs, each headed as the first.
  if (maxSheetRows < 8) throw new Error(`internal error: a sheet of ${maxSheetRows} rows holds no section`);
  const addSheet = async (title: string, columns: Column[], rows: Iterable<CellValue[]>, note?: string) => {
    const widths = columns.map((c) => widthOf(c.header[lang]));
    let widthsSet = false;
    const letters = columns.map((_, i) => columnLetters(i + 1));
    // One row's values and styles, filled in place row after row.
    const values = new Array<ExcelValue>(columns.length);
    const cellStyles = new Array<Partial<Style>>(columns.length);
    // The sheet being written: its rows so far, and the next row number once rows go to its XML directly.
    let ws!: SheetWriter;
    let sheet!: { _rowZero: number; _rows: unknown[]; startedData: boolean; stream: { write(xml: Buffer): unknown } };
    let xml!: TextSink;
    let written = false;
    let part = 0;
    let n = 0;
    let next = 0;
    const setWidths = () => {
      columns.forEach((_, i) => {
        ws.getColumn(i + 1).width = Math.max(6, widths[i] + 2);
      });
      widthsSet = true;
    };
    const open = () => {
      part++;
      ws = newSheet(part === 1 ? title : text(`${title}（续 ${part}）`, `${title} (continued, ${part})`)[lang]);
      const header = ws.addRow(columns.map((c) => c.header[lang]));
      header.font = { bold: true };
      header.alignment = { vertical: 'top', wrapText: true };
      // Past the rows that set the widths, rows are written as the sheet's XML directly (rowXml):
      // exceljs's row and cell objects were most of the time of a sheet of 10^5 rows.
      sheet = ws as unknown as typeof sheet;
      n = 0;
      next = 0;
      written = false;
      // The rows' XML encoded straight into buffers handed to the sheet's stream (as the text exporters do):
      // a string of many rows, encoded whole, was first flattened, which took longer than making it.
      xml = new TextSink((chunk) => {
        void sheet.stream.write(chunk);
        written = true;
      });
      // A sheet that continues a section has its widths already: its rows go to its XML from the first.
      if (widthsSet) {
        setWidths();
        header.commit();
      }
    };
    const close = (last: boolean) => {
      if (next) {
        void xml.flush();
        // The rows after these are numbered on from the last one written.
        sheet._rowZero = next;
      }
      if (!widthsSet) setWidths();
      if (last && note) {
        ws.addRow([]);
        ws.addRow([note]).font = { italic: true };
      }
      ws.commit();
    };
    // The data rows of a sheet: the title and header rows above, the note's blank row and note below.
    const perSheet = maxSheetRows - 2 - (note ? 2 : 0);
    open();
    for (const cells of openRows(rows).rows) {
      if (n === perSheet) {
        close(false);
        open();
      }
      if (widthsSet && sheet.startedData && sheet._rows.length === 0) {
        if (!next) next = sheet._rowZero;
        for (let i = 0; i < columns.length; i++) {
          const c = columns[i];
          const v = cells[i] ?? null;
          // The common cells as excelValue gives them, without their resolved form (a sheet of 10^6 rows has millions).
          if (v === null) {
            values[i] = null;
            cellStyles[i] = styleOf();
          } else if (typeof v === 'string' && c.type !== 'date' && c.type !== 'instant') {
            values[i] = v;
            cellStyles[i] = styleOf();
          } else if (typeof v === 'object' && !('fen' in v)) {
            values[i] = 'code' in v ? v.label[lang] : v[lang];
            cellStyles[i] = styleOf();
          } else {
            const { value, numFmt } = excelValue(resolveCell(v, c, lang), r.timeZone);
            values[i] = value;
            cellStyles[i] = styleOf(numFmt);
          }
        }
        const row = rowXml(next++, values, cellStyles, letters, styles);
        if (row) void xml.write(row);
        n++;
        if (written) {
          written = false;
          await pause(ws);
        }
        continue;
      }
      const resolved = columns.map((c, i) => resolveCell(cells[i] ?? null, c, lang));
      const row = ws.addRow([]);
      setCells(row, resolved.map((res) => excelValue(res, r.timeZone)));
      n++;
      if (!widthsSet) {
        resolved.forEach((res, i) => (widths[i] = Math.max(widths[i], widthOf(plainText(res, true, formatYuan, r.timeZone)))));
        if (n === WIDTH_SAMPLE) {
          setWidths();
          row.commit();
        }
      } else {
        row.commit();
        if (n % BATCH === 0) await pause(ws);
      }
    }
    close(true);
  };

  const metaCol = (type: Column['type']): Column => ({ key: 'value', header: text('值', 'value'), type });
  const summary = wb.addWorksheet(sheetName(text('概要', 'Summary')[lang], used), { views: [{ state: 'frozen', ySplit: 2, xSplit: 0 }] });
  summary.addRow([`${r.title[lang]} — ${r.roundId}`]).font = { bold: true, size: 13 };
  let w0 = widthOf(text('项目', 'Item')[lang]);
  let w1 = widthOf(`${r.title[lang]} — ${r.roundId}`);
  const metaRows = r.meta.map((m) => {
    const res = resolveCell(m.value, metaCol(m.type), lang);
    w0 = Math.max(w0, widthOf(m.label[lang]));
    w1 = Math.max(w1, widthOf(plainText(res, true, formatYuan, r.timeZone)));
    return { label: m.label[lang], cell: excelValue(res, r.timeZone) };
  });
  summary.getColumn(1).width = w0 + 2;
  summary.getColumn(2).width = w1 + 2;
  summary.addRow([text('项目', 'Item')[lang], text('内容', 'Value')[lang]]).font = { bold: true };
  summary.addRow([text('报告', 'Report')[lang], `${r.title[lang]} — ${r.roundId}`]);
  for (const m of metaRows) setCells(summary.addRow([m.label]), [m.cell], 2);
  summary.commit();

  for (const s of r.sections) await addSheet(s.title[lang], s.columns, s.rows, s.note?.[lang]);
  if (r.charts.length) {
    // The charts' numbers, one block per chart, so a spreadsheet user can draw them.
    // Money charts fill the amount; count charts (eligibility by rule) the counts of each part.
    const rows: CellValue[][] = r.charts.flatMap((c) =>
      c.bars.map((b): CellValue[] => (c.unit === 'count' ? [c.title, b.label, null, Number(b.fen), b.parts?.map((p) => `${p.label[lang]} ${p.count}`).join(lang === 'zh' ? '，' : ', ') ?? null] : [c.title, b.label, b.fen, null, null])),
    );
    await addSheet(
      text('图表数据', 'Chart data')[lang],
      [
        { key: 'chart', header: text('图表', 'Chart'), type: 'text' },
        { key: 'item', header: text('项目', 'Item'), type: 'text' },
        { key: 'amount', header: text('金额（元）', 'Amount (yuan)'), type: 'money' },
        { key: 'count', header: text('件数', 'Count'), type: 'number' },
        { key: 'parts', header: text('其中', 'Of which'), type: 'text' },
      ],
      rows,
    );
  }
  await wb.commit();
}

/** The workbook in memory (tests). */
export async function renderXlsx(r: Report, lang: Lang, opts: XlsxOptions = {}): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  await writeXlsx(r, lang, sink, opts);
  return Buffer.concat(chunks);
}
