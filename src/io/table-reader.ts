// CSV / XLSX → rows with line numbers, streamed.
//
// Every record is yielded, title rows and header rows included: the caller
// finds the header ("the first row that holds the required columns", SPEC §5).
// Fully empty records (blank lines, Excel's `,,,,` rows) are skipped, and line
// numbers still count them.
//
// CSV parser — hand-written, not csv-parse: bench/read-csv.mjs measures both
// against the sqlite3 shell's `.import` (figures in bench/README.md), and
// csv-parse alone costs more than the shell's whole import. So this file
// carries its own RFC 4180 streaming parser: quoted fields, doubled quotes,
// CRLF / LF / lone-CR line ends, quoted line breaks (counted, so that later
// line numbers stay right); an unclosed quote at EOF and text after a closing
// quote are errors naming the line where the record starts. A record without
// quotes, the usual case, is cut with indexOf + split, which V8 does far
// faster than a per-character state machine.
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, resolve } from 'node:path';
import { text, type Text } from '../domain/text.js';
import { FileReadError, SNIFF_BYTES, openTextStream, toFileReadError, type TextEncoding } from './decode.js';
import { mendedWorkbookReader } from './exceljs.js';
import { SharedStringTable, SheetRows, type SheetRow } from './xlsx-sheet.js';

export interface RawRow {
  /** 1-based line of the file where the record starts; for XLSX, the Excel row number. */
  line: number;
  cells: string[];
}

export interface ReadTableOptions {
  /** Force a text encoding (`--encoding`); CSV only. */
  encoding?: TextEncoding | string;
  /** Worksheet name; XLSX only. Default: the first visible worksheet. */
  sheet?: string;
}

export type TableReadErrorCode =
  | 'unclosed-quote'
  | 'invalid-closing-quote'
  | 'record-too-large'
  | 'unknown-sheet'
  | 'no-sheet'
  | 'xlsx-invalid';

/** A file that is text (or a workbook) but cannot be cut into records. */
export class TableReadError extends Error {
  readonly code: TableReadErrorCode;
  readonly path: string;
  /** Line (CSV) or row (XLSX) where the offending record starts; 0 when not about a record. */
  readonly line: number;
  /** 1-based field number within the record, when known. */
  readonly column?: number;
  readonly text: Text;
  constructor(
    code: TableReadErrorCode,
    path: string,
    line: number,
    message: Text,
    column?: number,
    options?: { cause?: unknown },
  ) {
    super(message.en, options);
    this.name = 'TableReadError';
    this.code = code;
    this.path = path;
    this.line = line;
    if (column !== undefined) this.column = column;
    this.text = message;
  }
}

// ---------------------------------------------------------------------------
// CSV

/** A record longer than this (in characters) is almost surely an unclosed quote. */
const MAX_RECORD_CHARS = 16 * 1024 * 1024;

/** Every cell empty or white space (Excel writes blank rows as `,,,,`). */
const isBlank = (cells: string[]): boolean => {
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (c.length === 0) continue;
    const c0 = c.charCodeAt(0);
    if (c0 > 32 && c0 < 127) return false; // the usual case, without allocating
    if (c.trim().length > 0) return false;
  }
  return true;
};

const NEED_MORE = -1;

/** Lines (or characters) of a text file looked at to tell a tab-separated file from a CSV. */
const DELIM_SNIFF_LINES = 20;
const DELIM_SNIFF_CHARS = 1 << 16;

/**
 * Incremental RFC 4180 parser: `feed` chunks of text, then `finish`. Complete
 * records are appended to the `out` array given to each call.
 */
export class CsvParser {
  private buf = '';
  /** Line number of buf[0], which is always the start of a record. */
  private line = 1;
  /** Record delimiter: '\n' (with an optional preceding '\r') or a lone '\r'. */
  private nl = 10;
  private nlKnown = false;
  /** Field delimiter: ',' (44), or TAB (9) in a file whose first lines hold more tabs than commas. */
  private delim = 44;
  private delimKnown = false;
  private started = false;

  constructor(private readonly path: string) {}

  feed(chunk: string, out: RawRow[]): void {
    if (!this.started) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    this.buf = this.buf.length > 0 ? this.buf + chunk : chunk;
    this.parse(false, out);
  }

  finish(out: RawRow[]): void {
    this.parse(true, out);
  }

  /**
   * Record delimiter from the first line end outside quotes: LF or CRLF →
   * '\n' mode (a CR before LF is dropped); a lone CR → '\r' mode (old Mac
   * files; Excel then writes line breaks inside cells as LF). Undecided until
   * such a line end is seen.
   */
  private detectNewline(final: boolean): void {
    const buf = this.buf;
    let quoted = false;
    for (let i = 0; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c === 34) quoted = !quoted;
      else if (quoted) continue;
      else if (c === 10) {
        this.nl = 10;
        this.nlKnown = true;
        return;
      } else if (c === 13) {
        if (i + 1 >= buf.length && !final) return;
        this.nl = i + 1 < buf.length && buf.charCodeAt(i + 1) !== 10 ? 13 : 10;
        this.nlKnown = true;
        return;
      }
    }
  }

  /**
   * A tab-separated file (what many systems export as .xls or .txt): more tabs
   * than commas outside quotes in its first lines (up to DELIM_SNIFF_LINES).
   * Undecided until that many line ends are in the buffer, or its end.
   */
  private detectDelimiter(final: boolean): void {
    const buf = this.buf;
    let quoted = false;
    let [tabs, commas, lines] = [0, 0, 0];
    // The same prefix whole or in chunks: at most DELIM_SNIFF_CHARS and DELIM_SNIFF_LINES.
    const end = Math.min(buf.length, DELIM_SNIFF_CHARS);
    for (let i = 0; i < end && lines < DELIM_SNIFF_LINES; i++) {
      const c = buf.charCodeAt(i);
      if (c === 34) quoted = !quoted;
      else if (quoted) continue;
      else if (c === 9) tabs++;
      else if (c === 44) commas++;
      else if (c === this.nl) lines++;
    }
    if (lines < DELIM_SNIFF_LINES && !final && buf.length < DELIM_SNIFF_CHARS) return;
    this.delim = tabs > commas ? 9 : 44;
    this.delimKnown = true;
  }

  private parse(final: boolean, out: RawRow[]): void {
    if (!this.nlKnown) this.detectNewline(final);
    if (!this.delimKnown) this.detectDelimiter(final);
    if (!this.delimKnown) return;
    const buf = this.buf;
    const len = buf.length;
    const nlChar = this.nl === 10 ? '\n' : '\r';
    const crlf = this.nl === 10;
    let pos = 0;
    let line = this.line;
    // Position of the next '"' at or after pos (len if none): searched again
    // only when passed, so that lines without quotes cost one indexOf.
    let nextQuote = buf.indexOf('"');
    if (nextQuote < 0) nextQuote = len;
    while (pos < len) {
      let nlAt = buf.indexOf(nlChar, pos);
      if (nlAt < 0) {
        if (!final) break;
        nlAt = len;
      }
      if (nextQuote < pos) {
        nextQuote = buf.indexOf('"', pos);
        if (nextQuote < 0) nextQuote = len;
      }
      if (nextQuote > nlAt) {
        // Fast path: a record on one line without quotes.
        let end = nlAt;
        if (crlf && end > pos && buf.charCodeAt(end - 1) === 13) end--;
        if (end > pos) {
          const cells = buf.slice(pos, end).split(this.delim === 9 ? '\t' : ',');
          if (!isBlank(cells)) out.push({ line, cells });
        }
        line++;
        pos = nlAt + 1;
        continue;
      }
      this.line = line;
      const next = this.parseQuotedRecord(pos, final, out);
      if (next === NEED_MORE) break;
      pos = next;
      line = this.line;
    }
    this.line = line;
    this.buf = pos >= len ? '' : buf.slice(pos);
    if (this.buf.length > MAX_RECORD_CHARS) {
      throw new TableReadError(
        'record-too-large',
        this.path,
        line,
        text(
          `${this.path}:${line}：一条记录超过 ${MAX_RECORD_CHARS} 个字符，可能是某个引号没有闭合`,
          `${this.path}:${line}: a record is longer than ${MAX_RECORD_CHARS} characters; probably a quote is not closed`,
        ),
      );
    }
  }

  /**
   * Slow path for a record that holds a quote somewhere. Returns the position
   * after the record (and pushes it, updating this.line), or NEED_MORE when
   * the buffer ends before the record does.
   */
  private parseQuotedRecord(start: number, final: boolean, out: RawRow[]): number {
    const buf = this.buf;
    const len = buf.length;
    const nl = this.nl;
    const crlf = nl === 10;
    const cells: string[] = [];
    let extraLines = 0;
    let i = start;
    const nlChar = nl === 10 ? '\n' : '\r';
    const delim = this.delim;
    const delimChar = delim === 9 ? '\t' : ',';
    let comma = -1;
    let lineEnd = -1;
    for (;;) {
      // At the start of a field.
      if (i < len && buf.charCodeAt(i) === 34) {
        // Quoted field.
        const open = i;
        let value = '';
        let seg = i + 1;
        let j = seg;
        for (;;) {
          const q = buf.indexOf('"', j);
          if (q < 0) {
            if (!final) return NEED_MORE;
            throw this.unclosedQuote(cells.length + 1);
          }
          if (q + 1 >= len && !final) return NEED_MORE; // cannot tell "" from "
          if (q + 1 < len && buf.charCodeAt(q + 1) === 34) {
            value += buf.slice(seg, q + 1);
            j = seg = q + 2;
            continue;
          }
          value += buf.slice(seg, q);
          i = q + 1;
          break;
        }
        // Line breaks inside the quotes move the next record's line number.
        // lineEnd (the next one at or after some earlier point) is searched
        // again only when passed, so that a line of quoted fields is scanned once.
        if (lineEnd < open) {
          lineEnd = buf.indexOf(nlChar, open);
          if (lineEnd < 0) lineEnd = len;
        }
        while (lineEnd < i) {
          extraLines++;
          lineEnd = buf.indexOf(nlChar, lineEnd + 1);
          if (lineEnd < 0) lineEnd = len;
        }
        // Spaces (and tabs, between commas) after the closing quote are tolerated and dropped.
        while (i < len && (buf.charCodeAt(i) === 32 || (buf.charCodeAt(i) === 9 && delim !== 9))) i++;
        if (i >= len) {
          if (!final) return NEED_MORE;
          cells.push(value);
          return this.endRecord(cells, extraLines, len, out);
        }
        const c = buf.charCodeAt(i);
        if (c === delim) {
          cells.push(value);
          i++;
          continue;
        }
        const end = this.recordEndAt(i, final);
        if (end === NEED_MORE) return NEED_MORE;
        if (end > 0) {
          cells.push(value);
          return this.endRecord(cells, extraLines, end, out);
        }
        throw this.invalidClosingQuote(cells.length + 1, buf.charAt(i), extraLines);
      }
      // Unquoted field: up to the next delimiter or record end. A quote inside an
      // unquoted field is kept as written, as Excel does. Found with indexOf
      // (the positions are kept until passed), not char by char.
      if (comma < i) {
        comma = buf.indexOf(delimChar, i);
        if (comma < 0) comma = len;
      }
      if (lineEnd < i) {
        lineEnd = buf.indexOf(nlChar, i);
        if (lineEnd < 0) lineEnd = len;
      }
      let k = comma < lineEnd ? comma : lineEnd;
      // In LF mode a CR ends the record before LF or at the end of the text; elsewhere it is data.
      if (crlf && k === lineEnd && k > i && buf.charCodeAt(k - 1) === 13) k--;
      if (crlf && k === len - 1 && buf.charCodeAt(k) === 13 && !final) return NEED_MORE;
      if (k >= len) {
        if (!final) return NEED_MORE;
        cells.push(buf.slice(i, len));
        return this.endRecord(cells, extraLines, len, out);
      }
      cells.push(buf.slice(i, k));
      if (buf.charCodeAt(k) === delim) {
        i = k + 1;
        continue;
      }
      return this.endRecord(cells, extraLines, this.recordEndAt(k, final), out);
    }
  }

  /**
   * If a record delimiter starts at i, the position after it; 0 if the
   * character at i is not one (a lone CR in LF mode is data); NEED_MORE if a
   * CR ends the buffer.
   */
  private recordEndAt(i: number, final: boolean): number {
    const c = this.buf.charCodeAt(i);
    if (c === this.nl) return i + 1;
    if (this.nl === 10 && c === 13) {
      if (i + 1 >= this.buf.length) return final ? i + 1 : NEED_MORE;
      return this.buf.charCodeAt(i + 1) === 10 ? i + 2 : 0;
    }
    return 0;
  }

  private endRecord(cells: string[], extraLines: number, next: number, out: RawRow[]): number {
    if (!isBlank(cells)) out.push({ line: this.line, cells });
    this.line += 1 + extraLines;
    return next;
  }

  private unclosedQuote(column: number): TableReadError {
    const line = this.line;
    return new TableReadError(
      'unclosed-quote',
      this.path,
      line,
      text(
        `${this.path}:${line}：第 ${column} 个字段的引号没有闭合（未闭合的引号）；字段内的引号须写成两个（""）`,
        `${this.path}:${line}: a quoted field is not closed (unclosed quote) in field ${column}; a quote inside a field must be doubled ("")`,
      ),
      column,
    );
  }

  private invalidClosingQuote(column: number, got: string, extraLines: number): TableReadError {
    const line = this.line;
    const at = extraLines > 0 ? { zh: `（在第 ${line + extraLines} 行）`, en: ` (on line ${line + extraLines})` } : { zh: '', en: '' };
    return new TableReadError(
      'invalid-closing-quote',
      this.path,
      line,
      text(
        `${this.path}:${line}：第 ${column} 个字段的闭合引号后应为逗号或换行，却是“${got}”${at.zh}（无效的闭合引号）；字段内的引号须写成两个（""）`,
        `${this.path}:${line}: field ${column} has "${got}" after its closing quote${at.en}, where a comma or a line end should be (invalid closing quote); a quote inside a field must be doubled ("")`,
      ),
      column,
    );
  }
}

async function* readCsvBatches(path: string, opts: ReadTableOptions): AsyncGenerator<RawRow[]> {
  const { stream } = await openTextStream(path, opts.encoding);
  const parser = new CsvParser(path);
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const out: RawRow[] = [];
      parser.feed(chunk, out);
      if (out.length > 0) yield out;
    }
  } catch (e) {
    if (e instanceof TableReadError) throw e;
    throw toFileReadError(path, e);
  } finally {
    stream.destroy();
  }
  const out: RawRow[] = [];
  parser.finish(out);
  if (out.length > 0) yield out;
}

// ---------------------------------------------------------------------------
// XLSX — exceljs' streaming reader (a workbook may be large too), loaded only
// when a workbook is read. The first visible worksheet in workbook order, or
// the one named by `sheet`. Cells become the text Excel shows in General
// format: typed numbers as plain decimals (15 significant digits, no
// exponent), date cells as YYYY-MM-DD of the calendar date shown (exceljs
// gives midnight UTC; the UTC fields are used, so the machine's time zone
// does not matter), booleans as "true"/"false", rich text concatenated,
// formulas as their cached result, error cells as "#N/A" etc. A merged range
// holds its value in its first cell. Rows are padded with "" to the widest row
// seen so far (the header, once read), since a sheet has no field count.

const isXlsxName = (path: string): boolean => {
  const ext = extname(path).toLowerCase();
  return ext === '.xlsx' || ext === '.xlsm';
};

/**
 * A ZIP named .xlsx, or a ZIP whose entries include `xl/…`, is a workbook,
 * whatever its name; anything else is read as text (a CSV saved under an
 * .xlsx name included), and decode refuses what is not text.
 */
export const isWorkbook = async (path: string): Promise<boolean> => {
  try {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(SNIFF_BYTES);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      const b = buf.subarray(0, bytesRead);
      const zip = b.length > 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
      return zip && (isXlsxName(path) || b.includes('xl/'));
    } finally {
      await fh.close();
    }
  } catch {
    return false; // missing, a directory, unreadable: openTextStream reports it
  }
};

/** Cell value types of exceljs, as far as they matter here. */
type XCellValue =
  | null
  | undefined
  | string
  | number
  | boolean
  | Date
  | { richText: { text: string }[] }
  | { text: XCellValue; hyperlink: string }
  | { formula?: string; sharedFormula?: string; result?: XCellValue }
  | { error: string };

interface XSheetReader {
  name: string;
  /** The sheet's XML as text chunks (exceljs.ts decodes them). */
  iterator: AsyncIterable<string>;
}
interface XBookReader extends AsyncIterable<XSheetReader> {
  model?: { sheets?: { name: string; state?: string }[] };
  properties?: { model?: { date1904?: boolean } };
  stream?: { destroy(): void };
  /** With sharedStrings: 'cache', once read (io/exceljs.ts keeps them in a table). */
  sharedStrings?: unknown[] | SharedStringTable;
  styles?: { getStyleModel(id: number): { numFmt?: string } | null };
}
interface ExcelModule {
  stream: { xlsx: { WorkbookReader: new (input: string, options: object) => XBookReader } };
}

/** exceljs' own rule: a number format with y m d h s b outside quotes and [] is a date. */
const isDateFormat = (fmt: string | undefined): boolean =>
  !!fmt && /[ymdhMsb]/.test(fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** The calendar date Excel shows: exceljs gives midnight UTC of it. */
export const dateToIso = (d: Date): string => {
  if (Number.isNaN(d.getTime())) return '';
  const y = d.getUTCFullYear();
  const ys = y >= 0 && y < 10000 ? String(y).padStart(4, '0') : String(y);
  return `${ys}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
};

const serialToIso = (serial: number, date1904: boolean): string =>
  dateToIso(new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000)));

/** "1.5e-7" → "0.00000015"; "1.2e+21" → "1200000000000000000000". */
const expandExponent = (s: string): string => {
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, int, frac = '', expStr] = m;
  const digits = int + frac;
  const point = 1 + Number(expStr); // position of the decimal point in digits
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return sign + out;
};

/**
 * A typed number as the plain decimal Excel shows in General format: 15
 * significant digits (Excel's precision, which also removes binary float
 * noise such as 1234567.8899999999), never an exponent.
 */
export const plainNumber = (n: number): string => {
  // An integer of at most 15 digits (amounts, counts) is its own text: no rounding to 15 digits, no exponent.
  if (Number.isInteger(n) && n < 1e15 && n > -1e15) return n === 0 ? '0' : String(n);
  if (!Number.isFinite(n)) return String(n);
  if (n === 0) return '0';
  const r = Number(n.toPrecision(15));
  const s = String(r);
  return s.includes('e') ? expandExponent(s) : s;
};

const cellToString = (v: XCellValue, numFmt: string | undefined, date1904: boolean): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return isDateFormat(numFmt) ? serialToIso(v, date1904) : plainNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return dateToIso(v);
  if ('richText' in v) return v.richText.map((r) => r.text ?? '').join('');
  if ('hyperlink' in v) return cellToString(v.text, numFmt, date1904);
  if ('error' in v) return v.error;
  if ('formula' in v || 'sharedFormula' in v || 'result' in v) {
    const r = v.result;
    // A formula's result may be an error object.
    return cellToString(r, numFmt, date1904);
  }
  return '';
};

const sheetList = (names: string[]): string => names.map((n) => `"${n}"`).join(', ');

/** A workbook read through a temporary file that could not be written or read back (TMPDIR missing, read-only or full). */
const tempFileError = (path: string, e: unknown): FileReadError => {
  const detail = e instanceof Error ? e.message : String(e);
  const dir = tmpdir();
  return new FileReadError(
    'io',
    path,
    text(
      `读取 ${path} 需要临时文件，但临时目录 ${dir} 无法使用（${detail}）；工作表排在共享字符串之前的工作簿要先写入临时目录。请确认该目录存在、可写且有空间，或用环境变量 TMPDIR 指定其他目录。`,
      `reading ${path} needs a temporary file, and the temporary directory ${dir} could not be used (${detail}): a workbook whose sheets come before its shared strings is read through it. Make sure that directory exists, is writable and has space, or name another one with TMPDIR.`,
    ),
    { cause: e },
  );
};

async function* readXlsxBatches(path: string, opts: ReadTableOptions): AsyncGenerator<RawRow[]> {
  // Loaded only here: exceljs is large and most runs never read a workbook.
  const WorkbookReader = mendedWorkbookReader() as ExcelModule['stream']['xlsx']['WorkbookReader'];
  const reader = new WorkbookReader(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache', // number formats: needed to tell date cells from numbers
    entries: 'ignore',
  });

  const wrap = (e: unknown): Error => {
    if (e instanceof TableReadError || e instanceof FileReadError) return e;
    const { code, path: about } = (e as NodeJS.ErrnoException | null) ?? {};
    // exceljs reads a sheet that comes before the shared strings through a temporary file: its failure is not the workbook's.
    if ((about !== undefined && resolve(about) !== resolve(path)) || code === 'ENOSPC' || code === 'EDQUOT' || code === 'EROFS') return tempFileError(path, e);
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') return toFileReadError(path, e);
    const detail = e instanceof Error ? e.message : String(e);
    return new TableReadError(
      'xlsx-invalid',
      path,
      0,
      text(
        `${path} 无法作为 Excel 工作簿读取（${detail}）；请在 Excel 中打开并另存为 .xlsx 或“CSV UTF-8（逗号分隔）”`,
        `${path} cannot be read as an Excel workbook (${detail}); open it in Excel and save it again as .xlsx or as CSV UTF-8`,
      ),
      undefined,
      { cause: e },
    );
  };

  let target: string | undefined;
  let found = false;
  try {
    for await (const ws of reader) {
      if (target === undefined) {
        // Workbook order (not the order of the parts in the ZIP) decides which
        // sheet is "first"; hidden sheets are not what the officer sees.
        const sheets = reader.model?.sheets ?? [];
        const names = sheets.map((s) => s.name);
        if (opts.sheet !== undefined) {
          if (names.length > 0 && !names.includes(opts.sheet)) {
            throw new TableReadError(
              'unknown-sheet',
              path,
              0,
              text(
                `${path} 中没有名为“${opts.sheet}”的工作表；现有工作表：${sheetList(names)}`,
                `${path} has no worksheet named "${opts.sheet}"; its worksheets are: ${sheetList(names)}`,
              ),
            );
          }
          target = opts.sheet;
        } else {
          const visible = sheets.find((s) => !s.state || s.state === 'visible');
          target = visible?.name ?? sheets[0]?.name ?? ws.name;
        }
      }
      if (ws.name !== target) continue;
      found = true;
      const date1904 = reader.properties?.model?.date1904 === true;
      const formats = new Map<number, string | undefined>();
      // The sheet's XML read here (xlsx-sheet.ts); the shared strings and styles as exceljs read them.
      const sheet = new SheetRows({
        sharedString: (i) => {
          const strings = reader.sharedStrings;
          return strings instanceof SharedStringTable ? strings.get(i) : strings?.[i];
        },
        numFmt: (s) => {
          if (!formats.has(s)) formats.set(s, reader.styles?.getStyleModel(s)?.numFmt);
          return formats.get(s);
        },
        text: (v, numFmt) => cellToString(v as XCellValue, numFmt, date1904),
      });
      let width = 0;
      let batch: RawRow[] = [];
      const ended: SheetRow[] = [];
      const take = (): void => {
        for (const { line, cells } of ended) {
          if (isBlank(cells)) continue;
          // A spreadsheet has no field count: pad to the widest row so far (the
          // header, once seen), so that empty trailing cells read as empty.
          if (cells.length > width) width = cells.length;
          while (cells.length < width) cells.push('');
          batch.push({ line, cells });
        }
        ended.length = 0;
      };
      for await (const chunk of ws.iterator) {
        sheet.push(chunk, ended);
        take();
        if (batch.length >= 4096) {
          yield batch;
          batch = [];
        }
      }
      sheet.end(ended);
      take();
      if (batch.length > 0) yield batch;
      break;
    }
  } catch (e) {
    throw wrap(e);
  } finally {
    reader.stream?.destroy();
  }
  if (!found) {
    const names = (reader.model?.sheets ?? []).map((s) => s.name);
    if (opts.sheet !== undefined && names.length > 0) {
      throw new TableReadError(
        'unknown-sheet',
        path,
        0,
        text(
          `${path} 中没有名为“${opts.sheet}”的工作表；现有工作表：${sheetList(names)}`,
          `${path} has no worksheet named "${opts.sheet}"; its worksheets are: ${sheetList(names)}`,
        ),
      );
    }
    throw new TableReadError(
      'no-sheet',
      path,
      0,
      text(`${path} 中没有可读取的工作表`, `${path} has no worksheet to read`),
    );
  }
}

// ---------------------------------------------------------------------------
// Entry points

/**
 * The records of a CSV or XLSX file in batches (one per chunk read), which
 * saves the per-row cost of an async iteration on large files.
 * Throws FileReadError (missing, empty, binary file) or TableReadError.
 */
export async function* readTableBatches(path: string, opts: ReadTableOptions = {}): AsyncGenerator<RawRow[]> {
  if (await isWorkbook(path)) {
    yield* readXlsxBatches(path, opts);
  } else {
    yield* readCsvBatches(path, opts);
  }
}

/** The records of a CSV or XLSX file, one at a time. See readTableBatches. */
export async function* readTable(path: string, opts: ReadTableOptions = {}): AsyncGenerator<RawRow> {
  for await (const batch of readTableBatches(path, opts)) {
    for (let i = 0; i < batch.length; i++) yield batch[i];
  }
}
