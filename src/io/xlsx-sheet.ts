// A worksheet's XML read straight into rows of cell values, text chunk by
// text chunk, and the shared strings likewise. exceljs builds a Row and a Cell
// object with styles for every cell of a sheet out of a general XML parser's
// events, most of the time and memory of importing a workbook (bench/README.md).
// Here only <sheetData> is read: its rows, their cells' r, s and t attributes
// and their <v>, <f> and <is> contents; everything else (columns, merges,
// hyperlinks, drawings) is skipped. The cells' values are what exceljs's reader
// gives (see worksheet-reader.js), and the caller turns them into text.

export interface SheetContext {
  /** The shared strings table (exceljs caches it; undefined when the workbook has none). */
  sharedString(index: number): unknown;
  /** The number format of a style index (`s`), if any. */
  numFmt(style: number): string | undefined;
  /** A value as the text of its cell. */
  text(value: unknown, numFmt: string | undefined): string;
}

export interface SheetRow {
  /** The row's number in the sheet (its `r`, else the one after the row before). */
  line: number;
  cells: string[];
}

const ENTITY = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|([a-zA-Z]+));/g;
const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** XML text with its character and entity references replaced. */
export function xmlText(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(ENTITY, (m, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name !== undefined) return NAMED[name] ?? m;
    const cp = hex !== undefined ? parseInt(hex, 16) : Number(dec);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

/** What a <row> or <c> start tag says in its attributes r, s and t. */
interface CellAttributes {
  /** r: its column (letters) and row (digits); 0 when absent or not a reference. */
  col: number;
  line: number;
  /** s: the style index; 0 when absent. */
  style: number;
  /** t: the type, undefined when absent. */
  type: string | undefined;
}

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

/** The digits of s[from, to) as a number, or NaN when there are none or anything else. */
function digits(s: string, from: number, to: number): number {
  if (from >= to) return NaN;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

function hasAmpersand(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === 38) return true;
  return false;
}

/** The usual types, without a string made for each cell's t. */
function typeOf(s: string, from: number, to: number): string {
  const n = to - from;
  const c = s.charCodeAt(from);
  if (n === 1) return c === 115 ? 's' : c === 98 ? 'b' : c === 110 ? 'n' : c === 101 ? 'e' : s.slice(from, to);
  if (n === 3 && s.startsWith('str', from)) return 'str';
  if (n === 9 && s.startsWith('inlineStr', from)) return 'inlineStr';
  return s.slice(from, to);
}

/** Attribute r, s or t (its name's character code `n`) from its value s[a, b). */
function setAttribute(n: number, s: string, a: number, b: number, into: CellAttributes): void {
  if (n === 114) {
    // r: letters then digits (a cell), or digits (a row).
    let col = 0;
    for (; a < b; a++) {
      const c = s.charCodeAt(a) | 0x20; // lower case
      if (c < 97 || c > 122) break;
      col = col * 26 + (c - 96);
    }
    into.col = col;
    const line = digits(s, a, b);
    into.line = Number.isFinite(line) ? line : 0;
  } else if (n === 115) {
    const style = digits(s, a, b);
    into.style = Number.isFinite(style) ? style : 0;
  } else {
    while (a < b && isSpace(s.charCodeAt(a))) a++;
    while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
    into.type = typeOf(s, a, b);
  }
}

/** "AB12" → 28 (the column of a cell reference, as a cell's r is read); 0 when there are no letters. */
export function columnOf(ref: string): number {
  const into: CellAttributes = { col: 0, line: 0, style: 0, type: undefined };
  setAttribute(114, ref, 0, ref.length, into);
  return into.col;
}

/**
 * Reads the attributes r, s and t (unprefixed) of the tag text s[from, gt)
 * into `into`, straight from the text: a sheet has millions of cells, and a
 * string made per attribute was most of the time of reading one.
 */
function readAttributes(s: string, from: number, gt: number, into: CellAttributes): void {
  into.col = 0;
  into.line = 0;
  into.style = 0;
  into.type = undefined;
  let i = from;
  for (;;) {
    while (i < gt && isSpace(s.charCodeAt(i))) i++;
    const nameAt = i;
    while (i < gt) {
      const c = s.charCodeAt(i);
      if (c === 61 || isSpace(c) || c === 47) break;
      i++;
    }
    const nameEnd = i;
    while (i < gt && isSpace(s.charCodeAt(i))) i++;
    if (i >= gt || s.charCodeAt(i) !== 61) return; // '=': none left (or '/')
    i++;
    while (i < gt && isSpace(s.charCodeAt(i))) i++;
    const q = s.charCodeAt(i);
    if (q !== 34 && q !== 39) return;
    const end = s.indexOf(q === 34 ? '"' : "'", i + 1);
    if (end === -1 || end > gt) return;
    if (nameEnd - nameAt === 1) {
      const n = s.charCodeAt(nameAt);
      if (n === 114 || n === 115 || n === 116) {
        // A reference in the value (allowed, never seen in a sheet): read from its text.
        if (hasAmpersand(s, i + 1, end)) {
          const v = xmlText(s.slice(i + 1, end));
          setAttribute(n, v, 0, v.length, into);
        } else setAttribute(n, s, i + 1, end, into);
      }
    }
    i = end + 1;
  }
}

// The elements read, by their local names.
const enum El {
  Other,
  SheetData,
  Row,
  C,
  V,
  F,
  Is,
  RPh,
  T,
  Si,
}

/** The element whose local name is s[from, to). */
function elementOf(s: string, from: number, to: number): El {
  const c = s.charCodeAt(from);
  switch (to - from) {
    case 1:
      return c === 99 ? El.C : c === 118 ? El.V : c === 102 ? El.F : c === 116 ? El.T : El.Other;
    case 2:
      if (c === 105 && s.charCodeAt(from + 1) === 115) return El.Is;
      return c === 115 && s.charCodeAt(from + 1) === 105 ? El.Si : El.Other;
    case 3:
      if (c !== 114) return El.Other;
      if (s.startsWith('ow', from + 1)) return El.Row;
      return s.startsWith('Ph', from + 1) ? El.RPh : El.Other;
    case 9:
      return s.startsWith('sheetData', from) ? El.SheetData : El.Other;
    default:
      return El.Other;
  }
}

/**
 * Where the start or end tag opened at `lt` closes ('>' outside quotes), or -1
 * when it does not close in `s`. `apostrophes`: whether `s` holds any ' (a
 * value in single quotes); without any, the quotes are found by indexOf.
 */
function tagEnd(s: string, lt: number, apostrophes: boolean): number {
  if (apostrophes) {
    let q = 0;
    for (let i = lt + 1; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (q !== 0) {
        if (c === q) q = 0;
      } else if (c === 34 || c === 39) q = c;
      else if (c === 62) return i;
    }
    return -1;
  }
  let gt = s.indexOf('>', lt + 1);
  let q = s.indexOf('"', lt + 1);
  while (gt !== -1 && q !== -1 && q < gt) {
    const close = s.indexOf('"', q + 1);
    if (close === -1) return -1;
    // A '>' inside the quotes: the tag goes on.
    if (close > gt) gt = s.indexOf('>', close + 1);
    q = s.indexOf('"', close + 1);
  }
  return gt;
}

/** An ISO 8601 date cell's text (t="d") as its calendar date. */
const isoDate = (v: string): string => (/^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : v);

/**
 * The scanning both readers share: text chunks cut anywhere, tags found
 * outside quotes, comments, CDATA and processing instructions skipped, text
 * gathered (references replaced) while `gathering` is not null.
 */
abstract class XmlChunks<Out> {
  private carry = '';
  /** Text being gathered, or null. */
  protected gathering: string | null = null;

  /** Reads a chunk of the text; what ended in it goes to `out`. */
  push(chunk: string, out: Out[]): void {
    const s = this.carry === '' ? chunk : this.carry + chunk;
    this.carry = '';
    const apostrophes = s.includes("'");
    let pos = 0;
    for (;;) {
      const lt = s.indexOf('<', pos);
      if (lt === -1) {
        // Text up to the end: kept whole until the tag after it (an entity may be cut in two).
        this.carry = s.slice(pos);
        return;
      }
      if (lt > pos && this.gathering !== null) this.gathering += xmlText(s.slice(pos, lt));
      const c1 = s.charCodeAt(lt + 1);
      if (c1 === 33 /* ! */) {
        if (s.startsWith('<!--', lt)) {
          const end = s.indexOf('-->', lt + 4);
          if (end === -1) return this.keep(s, lt);
          pos = end + 3;
          continue;
        }
        if (s.startsWith('<![CDATA[', lt)) {
          const end = s.indexOf(']]>', lt + 9);
          if (end === -1) return this.keep(s, lt);
          if (this.gathering !== null) this.gathering += s.slice(lt + 9, end);
          pos = end + 3;
          continue;
        }
        if (s.length - lt < 9) return this.keep(s, lt);
      }
      const gt = c1 === 63 /* ? */ ? s.indexOf('?>', lt + 2) + 1 : tagEnd(s, lt, apostrophes);
      if (gt <= 0) return this.keep(s, lt);
      if (c1 !== 63 && c1 !== 33) this.tag(s, lt, gt, out);
      pos = gt + 1;
    }
  }

  private keep(s: string, from: number): void {
    this.carry = s.slice(from);
  }

  private tag(s: string, lt: number, gt: number, out: Out[]): void {
    const closing = s.charCodeAt(lt + 1) === 47; /* / */
    const selfClosing = !closing && s.charCodeAt(gt - 1) === 47;
    let i = lt + (closing ? 2 : 1);
    let nameEnd = i;
    for (; nameEnd < gt; nameEnd++) {
      const c = s.charCodeAt(nameEnd);
      if (c === 32 || c === 47 || c === 62 || c === 9 || c === 10 || c === 13) break;
      // The local name: some writers put every element in a prefix (x:row).
      if (c === 58) i = nameEnd + 1;
    }
    const el = elementOf(s, i, nameEnd);
    if (el === El.Other) return;
    if (closing) this.close(el, out);
    else {
      this.open(el, s, nameEnd, gt, out);
      if (selfClosing) this.close(el, out);
    }
  }

  /** A start tag: its attributes are s[from, gt). */
  protected abstract open(el: El, s: string, from: number, gt: number, out: Out[]): void;
  protected abstract close(el: El, out: Out[]): void;
}

/**
 * A workbook's shared strings, kept as long texts of BLOCK strings each and
 * where each string ends in its text. A province's workbook has half a million
 * of them; kept one by one, each was a slice of the XML text it was read from,
 * and V8 keeps a slice's whole text alive: most of the reading thread's heap
 * was that XML (bench/README.md).
 */
export class SharedStringTable {
  private static readonly BLOCK = 4096;
  private readonly blocks: string[] = [];
  private pending: string[] = [];
  private ends = new Uint32Array(SharedStringTable.BLOCK);
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(s: string): void {
    const i = this.count++;
    if (i === this.ends.length) {
      const grown = new Uint32Array(this.ends.length * 2);
      grown.set(this.ends);
      this.ends = grown;
    }
    const k = i % SharedStringTable.BLOCK;
    this.ends[i] = (k === 0 ? 0 : this.ends[i - 1]) + s.length;
    this.pending.push(s);
    // join() copies the strings into one: the XML they were cut from can go.
    if (k === SharedStringTable.BLOCK - 1) this.seal();
  }

  /** The strings pushed since the last block, as a block of their own. */
  seal(): void {
    if (this.pending.length === 0) return;
    this.blocks.push(this.pending.join(''));
    this.pending = [];
  }

  get(i: number): string | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) return undefined;
    const b = Math.floor(i / SharedStringTable.BLOCK);
    const k = i % SharedStringTable.BLOCK;
    if (b === this.blocks.length) return this.pending[k];
    return this.blocks[b].slice(k === 0 ? 0 : this.ends[i - 1], this.ends[i]);
  }
}

/**
 * The shared strings part (sharedStrings.xml) into `strings`: each <si>'s
 * text, its runs in order, without their phonetic guides (exceljs kept a
 * run's font, which no import reads, and put a phonetic guide's text in
 * place of the string's).
 */
export class SharedStrings extends XmlChunks<never> {
  private current: string | null = null;
  private phonetic = 0;

  constructor(private readonly strings: { push(s: string): unknown }) {
    super();
  }

  end(): void {
    if (this.current !== null) this.strings.push(this.current);
    this.current = null;
  }

  protected open(el: El): void {
    if (el === El.Si) {
      this.current = '';
      this.phonetic = 0;
    } else if (el === El.RPh) this.phonetic++;
    else if (el === El.T && this.current !== null && this.phonetic === 0) this.gathering = '';
  }

  protected close(el: El): void {
    if (el === El.T && this.gathering !== null) {
      this.current += this.gathering;
      this.gathering = null;
    } else if (el === El.RPh) {
      if (this.phonetic > 0) this.phonetic--;
    } else if (el === El.Si && this.current !== null) {
      this.strings.push(this.current);
      this.current = null;
    }
  }
}

/** Reads the rows of one worksheet's XML given in text chunks (push each, then end). */
export class SheetRows extends XmlChunks<SheetRow> {
  private inSheetData = false;
  private row: SheetRow | null = null;
  private lastLine = 0;
  private nextCol = 1;
  // The cell being read.
  private inCell = false;
  private col = 0;
  private style = 0;
  private type: string | undefined;
  private formula = false;
  private value: string | null = null;
  private inline: string | null = null;
  private phonetic = 0;
  private readonly attrs: CellAttributes = { col: 0, line: 0, style: 0, type: undefined };

  constructor(private readonly ctx: SheetContext) {
    super();
  }

  /** The end of the sheet's text. */
  end(out: SheetRow[]): void {
    if (this.row) this.endRow(out);
  }

  protected open(el: El, s: string, from: number, gt: number, out: SheetRow[]): void {
    switch (el) {
      case El.SheetData:
        this.inSheetData = true;
        return;
      case El.Row: {
        if (!this.inSheetData) return;
        if (this.row) this.endRow(out);
        readAttributes(s, from, gt, this.attrs);
        const line = this.attrs.line;
        this.row = { line: line > 0 ? line : this.lastLine + 1, cells: [] };
        this.lastLine = this.row.line;
        this.nextCol = 1;
        return;
      }
      case El.C: {
        if (!this.row) return;
        readAttributes(s, from, gt, this.attrs);
        const { col, style, type } = this.attrs;
        this.inCell = true;
        this.col = col > 0 ? col : this.nextCol;
        this.style = style;
        this.type = type;
        this.formula = false;
        this.value = null;
        this.inline = null;
        this.phonetic = 0;
        return;
      }
      case El.V:
        if (this.inCell) this.gathering = '';
        return;
      case El.F:
        if (this.inCell) this.formula = true;
        return;
      case El.Is:
        if (this.inCell) this.inline = '';
        return;
      case El.RPh:
        if (this.inline !== null) this.phonetic++;
        return;
      case El.T:
        // An inline string's text, its runs in order; not its phonetic guide.
        if (this.inline !== null && this.phonetic === 0) this.gathering = '';
        return;
      default:
    }
  }

  protected close(el: El, out: SheetRow[]): void {
    switch (el) {
      case El.SheetData:
        this.inSheetData = false;
        return;
      case El.Row:
        if (this.row) this.endRow(out);
        return;
      case El.V:
        if (this.inCell && this.gathering !== null) {
          this.value = this.gathering;
          this.gathering = null;
        }
        return;
      case El.T:
        if (this.inline !== null && this.gathering !== null) {
          this.inline += this.gathering;
          this.gathering = null;
        }
        return;
      case El.RPh:
        if (this.phonetic > 0) this.phonetic--;
        return;
      case El.Is:
        if (this.inline !== null) {
          this.value = this.inline;
          this.inline = null;
        }
        return;
      case El.C:
        if (this.inCell) this.endCell();
        return;
      default:
    }
  }

  private endCell(): void {
    this.inCell = false;
    this.gathering = null;
    const row = this.row as SheetRow;
    this.nextCol = this.col + 1;
    const v = this.cellValue();
    if (v === undefined || v === null) return;
    const numFmt = this.style ? this.ctx.numFmt(this.style) : undefined;
    const cells = row.cells;
    while (cells.length < this.col - 1) cells.push('');
    cells[this.col - 1] = this.ctx.text(v, numFmt);
  }

  /** The cell's value as exceljs's reader makes it (worksheet-reader.js), undefined for an empty cell. */
  private cellValue(): unknown {
    const v = this.value;
    if (this.formula) {
      if (v === null) return { formula: '' };
      return { formula: '', result: this.type === 'str' ? v : this.type === 'd' ? isoDate(v) : parseFloat(v) };
    }
    if (v === null) return undefined;
    switch (this.type) {
      case 's':
        return this.ctx.sharedString(parseInt(v, 10));
      case 'inlineStr':
      case 'str':
        return v;
      case 'e':
        return { error: v };
      case 'b':
        return parseInt(v, 10) !== 0;
      case 'd':
        // An ISO 8601 date cell (exceljs read it as a number: 2022-03-15 as 2022): its calendar date.
        return isoDate(v);
      default:
        return parseFloat(v);
    }
  }

  private endRow(out: SheetRow[]): void {
    const row = this.row as SheetRow;
    this.row = null;
    this.inCell = false;
    this.gathering = null;
    out.push(row);
  }
}
