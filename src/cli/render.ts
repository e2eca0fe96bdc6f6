// Output: a table that fits the terminal on a TTY, tab-separated lines when
// piped, JSON with --json. Colour only on a terminal, and only where it means
// something (green good, red refused, yellow to look at).
import { Chalk, type ChalkInstance } from 'chalk';
import type { ExitCode } from '../domain/errors.js';
import { charWidth, displayWidth } from '../domain/reports/model.js';
import { BAD_CODES, GOOD_CODES, WARN_CODES } from './tones.js';
import { text, type Text } from '../domain/text.js';
import type { Context } from './context.js';

/** A cell; parts (a log event's details) are one text joined by `; `, or one a line in paragraphs. */
export type Cell = string | number | null | undefined | readonly string[];

export interface Output {
  /** What --json prints (stdout, nothing else there). */
  json: unknown;
  /** What a person reads; written to stdout. */
  human: (out: Printer) => void;
  exitCode?: ExitCode;
}

export interface Printer {
  line(s?: string): void;
  heading(t: Text | string): void;
  /** rows may be a generator: piped output writes them as they come. */
  /**
   * `empty`: what a terminal shows instead of a table without rows (piped: the header line alone, as TSV).
   * `paragraphs`: on a terminal narrower than `below` columns, each row is a paragraph instead: its first `head`
   * cells on one line, then each other cell (each part of one) on a line of its own, or, `labelled`, the other
   * cells as `header：value` pairs in one wrapped text (numbers need their column's name).
   */
  table(headers: (Text | string)[], rows: Iterable<Cell[]>, opts?: { align?: ('left' | 'right')[]; empty?: Text; paragraphs?: Paragraphs }): void;
  /**
   * Piped only (null on a terminal): a table whose rows come as finished TSV
   * lines, each ending in "\n", every cell made safe by tsvCell. For tables of
   * 10^5 rows, where the arrays of cells cost more than the text.
   */
  tsvTable: ((headers: (Text | string)[], lines: Iterable<string>) => void) | null;
  /** key: value pairs, aligned. */
  fields(pairs: [Text | string, Cell][]): void;
  warn(s: string): void;
}

/** Printer.table's `paragraphs`. */
export interface Paragraphs {
  below: number;
  head: number;
  labelled?: boolean;
}

/** Where the output goes: a terminal of some width, or a pipe. */
export interface Terminal {
  tty: boolean;
  columns: number;
  color: boolean;
}

const cellText = (c: Cell): string => (c === null || c === undefined ? '' : typeof c === 'object' ? c.join('; ') : String(c));

/** Rows of a long list shown on a terminal (a boxed table of 200,000 rows helps nobody); pipes and --json get every row. */
export const TTY_TABLE_ROWS = 1000;

/** The line under a terminal's table that shows the first TTY_TABLE_ROWS of `total` rows. */
export const firstRowsShown = (total: number): Text =>
  text(`（仅显示前 ${TTY_TABLE_ROWS} 项，共 ${total} 项；完整列表请用 --json 或输出到管道）`, `(first ${TTY_TABLE_ROWS} of ${total} shown; use --json or a pipe for all)`);

/** What a terminal shows of a long list: its first TTY_TABLE_ROWS rows and how many there are in all, read together. */
export interface ListPage<T> {
  rows: readonly T[];
  total: number;
}

/**
 * A long list's table rows, each made by `cells` as it is read: on a terminal
 * the first TTY_TABLE_ROWS, piped every one; `count()` is how many there
 * were, once the rows have been read. Given a page (a terminal), its rows and
 * its total: a province's list is not read to the end to count it.
 */
export function listRows<T>(rows: Iterable<T> | ListPage<T>, tty: boolean, cells: (r: T) => Cell[]): { rows: Iterable<Cell[]>; count: () => number } {
  if ('total' in rows) return { rows: rows.rows.map(cells), count: () => rows.total };
  let n = 0;
  return {
    rows: (function* () {
      for (const r of rows) if (++n <= TTY_TABLE_ROWS || !tty) yield cells(r);
    })(),
    count: () => n,
  };
}

/** A TSV cell: tabs and line breaks in a value become one space. */
export function tsvCell(c: Cell): string {
  if (typeof c === 'number') return String(c);
  if (c === null || c === undefined) return '';
  if (typeof c === 'object') return tsvCell(c.join('; '));
  // Most cells hold none: a scan is cheaper than a replace (10^6 rows × 9 cells).
  for (let i = 0; i < c.length; i++) {
    const u = c.charCodeAt(i);
    if (u === 9 || u === 10 || u === 13) return c.replace(/[\t\r\n]+/g, ' ');
  }
  return c;
}

function tsvLine(r: readonly Cell[]): string {
  let s = tsvCell(r[0]);
  for (let k = 1; k < r.length; k++) s += `\t${tsvCell(r[k])}`;
  return `${s}\n`;
}

/**
 * Lines written in chunks of ~64 KiB after `head`: one write per row was a
 * third of allocate's time at 10^5 rows.
 */
function chunks(write: (s: string) => void, head: string): { add(line: string): void; end(): void } {
  let parts = [head];
  let size = 0;
  return {
    add(line) {
      parts.push(line);
      size += line.length;
      if (size >= 65536) {
        write(parts.join(''));
        parts = [];
        size = 0;
      }
    },
    end: () => write(parts.join('')),
  };
}

export function stdoutTerminal(ctx: Pick<Context, 'color'>): Terminal {
  const tty = !!process.stdout.isTTY;
  return { tty, columns: tty ? process.stdout.columns || 80 : Infinity, color: ctx.color };
}

export function makePrinter(ctx: Pick<Context, 't' | 'color'>, write: (s: string) => void = (s) => process.stdout.write(s), term: Terminal = stdoutTerminal(ctx)): Printer {
  const label = (t: Text | string) => (typeof t === 'string' ? t : ctx.t(t));
  const paint = new Chalk({ level: term.color ? 1 : 0 });
  const warnPaint = new Chalk({ level: ctx.color && process.stderr.isTTY ? 1 : 0 });
  return {
    // On a terminal a long line wraps at the window's edge, at a space when one is near.
    line: (s = '') => write(`${term.tty && displayWidth(s) > term.columns ? wrapText(s, term.columns).join('\n') : s}\n`),
    heading: (t) => write(`\n${paint.bold(label(t))}\n`),
    table: (headers, rows, opts) => {
      if (!term.tty) {
        // Piped: plain TSV that cut/awk/Excel read.
        const out = chunks(write, tsvLine(headers.map(label)));
        for (const r of rows) out.add(tsvLine(r));
        out.end();
        return;
      }
      // When no table fits, the blocks say so and how wide a window would show one.
      const narrow = (needed: number) =>
        ctx.t(
          text(
            `（终端宽 ${term.columns} 列，此表至少需要 ${needed} 列：以下每项分块显示；加宽窗口即可显示为表格）`,
            `(the terminal is ${term.columns} columns wide and this table needs at least ${needed}: one record per block below; a wider window shows the table)`,
          ),
        );
      const given = Array.from(rows);
      // A frame around nothing reads as a drawing error.
      if (given.length === 0) return void write(`${label(opts?.empty ?? text('（无）', '(none)'))}\n`);
      const para = opts?.paragraphs;
      if (para && term.columns < para.below) {
        const names = headers.map(label);
        const [head, rest] = [names.slice(0, para.head), names.slice(para.head)];
        const legend = para.labelled
          ? text(
              `（终端宽 ${term.columns} 列：每项一段，首行为 ${head.join(' · ')}，其下为其余各列；宽 ${para.below} 列以上显示为表格）`,
              `(a ${term.columns}-column terminal: one paragraph per row, its first line ${head.join(' · ')}, then the other columns; ${para.below} columns or more show a table)`,
            )
          : text(
              `（终端宽 ${term.columns} 列：每项一段，首行为 ${head.join(' · ')}，其下每行一项：${rest.join('、')}；宽 ${para.below} 列以上显示为表格）`,
              `(a ${term.columns}-column terminal: one paragraph per row, its first line ${head.join(' · ')}, then ${rest.join(', ')}, one a line; ${para.below} columns or more show a table)`,
            );
        write(`${wrapText(label(legend), term.columns).join('\n')}\n`);
        const labels = para.labelled ? rest.map((h) => `${h}${label(text('：', ': '))}`) : null;
        return void write(renderParagraphs(given, para.head, labels, term.columns, paint));
      }
      const cells = given.map((r) => r.map(cellText));
      write(renderTable(headers.map(label), cells, opts?.align ?? [], term.columns, paint, narrow));
    },
    tsvTable: term.tty
      ? null
      : (headers, lines) => {
          const out = chunks(write, tsvLine(headers.map(label)));
          for (const l of lines) out.add(l);
          out.end();
        },
    fields: (pairs) => {
      const labels = pairs.map(([k]) => label(k));
      const width = Math.max(...labels.map(displayWidth));
      const room = Math.max(20, term.columns - width - 2);
      pairs.forEach(([, v], i) => {
        const lines = wrapText(cellText(v), room);
        const pad = ' '.repeat(width + 2);
        write(`${labels[i]}${' '.repeat(width - displayWidth(labels[i]))}  ${lines.map((l) => tone(paint, l)).join(`\n${pad}`)}\n`);
      });
    },
    warn: (s) => process.stderr.write(`${warnPaint.yellow(s)}\n`),
  };
}


/** Chinese punctuation a line may end on but never start with (，。；：、！？ and closing brackets). */
const CLOSING = new Set('，。；：、！？）」』】》〉”’'.split(''));
/** Opening brackets, which a line never ends on. */
const OPENING = new Set('（「『【《〈“‘'.split(''));
const wide = (c: string): boolean => charWidth(c.codePointAt(0) ?? 0) === 2;

/**
 * Whether a line may break between a and b (neither a space): between two
 * CJK characters, unless that starts a line with 。 or ends one with （; never
 * inside a word or a number, nor between a number and the character it
 * belongs to (第10条, 30万).
 */
function canBreak(a: string, b: string): boolean {
  if (CLOSING.has(b) || OPENING.has(a)) return false;
  return wide(a) && wide(b);
}

/** Whether `at` falls inside a file path (a run without spaces that holds / or \\): /tmp/备份.db is not broken between 备 and 份. */
function inPath(line: string, at: number): boolean {
  const start = line.lastIndexOf(' ', at - 1) + 1;
  const end = line.indexOf(' ', at);
  const word = line.slice(start, end < 0 ? line.length : end);
  return word.includes('/') || word.includes('\\');
}

/**
 * Of the places a line may break near its end, the one to take (an index into
 * `line`, 0: none). Within the last 12 columns first; else the latest place
 * at all, so that a long word (a hash, a path) goes down whole when it fits a
 * line of its own.
 */
function breakAt(line: string, next: string, width: number, near = 12): number {
  let strong = 0;
  let space = 0;
  let weak = 0;
  const chars = [...line];
  let at = line.length;
  for (let i = chars.length; i > 0; i--) {
    const a = chars[i - 1];
    const b = i < chars.length ? chars[i] : next;
    const down = displayWidth(line.slice(at).trimStart()) + (next === ' ' ? 0 : displayWidth(next));
    if (down > near || down > width) break;
    if (a === ' ') space ||= at;
    else if (b !== ' ' && ((CLOSING.has(a) && !CLOSING.has(b)) || (OPENING.has(b) && !OPENING.has(a)))) strong ||= at;
    else if (b !== ' ' && canBreak(a, b) && !inPath(line, at)) weak ||= at;
    at -= a.length;
  }
  // After 「，」 or before 「（」 rather than at a space a few characters later (not between 已存在 and its 0).
  if (strong && strong >= space - 6) return strong;
  if (space || weak) return space || weak;
  return near < width ? breakAt(line, next, width, width) : 0;
}

/**
 * Lines of at most `width` columns. Breaks near the end of a line after
 * Chinese punctuation or before a bracket, at a space, or between two CJK
 * characters (never opening a line with 。 nor ending one with （, nor inside
 * a word, a number such as 第10条 or a path), else mid-word; nothing but
 * spaces at a break is dropped.
 */
export function wrapText(s: string, width: number): string[] {
  const out: string[] = [];
  for (const para of s.split(/\r?\n/)) {
    let line = '';
    let w = 0;
    for (const ch of para) {
      const cw = charWidth(ch.codePointAt(0) ?? 0);
      if (w + cw > width && line !== '') {
        // A space where the line is full is the break itself.
        const at = ch === ' ' ? line.length : breakAt(line, ch, width);
        const head = at > 0 ? line.slice(0, at).trimEnd() : '';
        if (head !== '') {
          out.push(head);
          line = line.slice(at).trimStart();
        } else {
          out.push(line.trimEnd());
          line = '';
        }
        w = displayWidth(line);
        if (ch === ' ' && line === '') continue;
      }
      line += ch;
      w += cw;
    }
    out.push(line);
  }
  return out;
}

const padTo = (s: string, width: number, align: 'left' | 'right'): string => {
  const gap = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return align === 'right' ? gap + s : s + gap;
};

// Narrowest a wrapped text column gets before the table turns into blocks.
const MIN_WRAP = 8;

/** Column widths that fit `columns`, narrowing the widest text columns first; null when none do. */
export function fitWidths(natural: number[], wrappable: boolean[], columns: number): number[] | null {
  const frame = 3 * natural.length + 1;
  const widths = [...natural];
  let total = widths.reduce((a, b) => a + b, 0) + frame;
  while (total > columns) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) if (wrappable[i] && widths[i] > MIN_WRAP && (widest < 0 || widths[i] > widths[widest])) widest = i;
    if (widest < 0) return null;
    widths[widest]--;
    total--;
  }
  return widths;
}

function renderTable(headers: string[], rows: string[][], align: ('left' | 'right')[], columns: number, paint: ChalkInstance, narrow?: (needed: number) => string): string {
  const n = headers.length;
  // A loop, not Math.max(...rows): a spread of 10^5 arguments overflows the stack.
  // A right-aligned column with a space in a cell (a score with its exact value, 99.48 (= 5969/60 = …)) is text too.
  const spaced = headers.map(() => false);
  const natural = headers.map((h, i) => {
    let w = displayWidth(h);
    for (const r of rows) {
      const c = r[i] ?? '';
      if (!spaced[i] && c.includes(' ')) spaced[i] = true;
      for (const part of c.split('\n')) w = Math.max(w, displayWidth(part));
    }
    return w;
  });
  // Numbers and codes (right-aligned or short) keep their width; long text wraps.
  const wrappable = natural.map((w, i) => (align[i] !== 'right' || spaced[i]) && w > 12);
  const widths = fitWidths(natural, wrappable, columns);
  if (!widths) {
    // The narrowest table: every wrappable column at its minimum, the others as they are, and the frame.
    const needed = natural.reduce((n, w, i) => n + (wrappable[i] ? Math.min(w, MIN_WRAP) : w), 3 * n + 1);
    const blocks = renderBlocks(headers, rows, columns, paint);
    return narrow && rows.length > 0 ? `${wrapText(narrow(needed), columns).join('\n')}\n${blocks}` : blocks;
  }
  const rule = (l: string, m: string, r: string) => `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}\n`;
  const line = (cells: string[], head: boolean): string => {
    const wrapped = cells.map((c, i) => wrapText(c, widths[i]));
    const height = Math.max(...wrapped.map((w) => w.length));
    let s = '';
    for (let k = 0; k < height; k++) {
      const parts = wrapped.map((w, i) => {
        const text = padTo(w[k] ?? '', widths[i], align[i] ?? 'left');
        return head ? paint.bold(text) : tone(paint, text, cells[i]);
      });
      s += `│ ${parts.join(' │ ')} │\n`;
    }
    return s;
  };
  let out = rule('┌', '┬', '┐') + line(headers, true) + rule('├', '┼', '┤');
  for (const r of rows) out += line(Array.from({ length: n }, (_, i) => r[i] ?? ''), false);
  return out + rule('└', '┴', '┘');
}

/**
 * Rows as paragraphs (Printer.table's `paragraphs`): the first `head` cells in bold on one line, then the rest a
 * line each, indented; with `labels` (one per other column), the rest as `label value` pairs in one wrapped text.
 */
function renderParagraphs(rows: readonly Cell[][], head: number, labels: readonly string[] | null, columns: number, paint: ChalkInstance): string {
  let out = '';
  const indented = (s: string) => wrapText(s, columns - 4).forEach((l, i) => (out += `${i === 0 ? '  ' : '    '}${tone(paint, l, s)}\n`));
  for (const r of rows) {
    const first = r.slice(0, head).map(cellText).filter((c) => c !== '');
    const [top, ...more] = wrapText(first.join(' · '), columns);
    out += `\n${paint.bold(top)}\n${more.map((l) => `${l}\n`).join('')}`;
    if (labels) {
      const pairs = r.slice(head).flatMap((c, i) => (cellText(c) === '' ? [] : [`${labels[i]}${cellText(c)}`]));
      if (pairs.length) indented(pairs.join(' · '));
      continue;
    }
    for (const c of r.slice(head)) {
      for (const part of typeof c === 'object' && c !== null ? c : [cellText(c)]) {
        if (part !== '') indented(part);
      }
    }
  }
  return out;
}

/** One record per block (`key: value` lines) when no table fits the window. */
function renderBlocks(headers: string[], rows: string[][], columns: number, paint: ChalkInstance): string {
  const width = Math.max(...headers.map(displayWidth));
  const room = Math.max(10, columns - width - 2);
  const pad = ' '.repeat(width + 2);
  return rows
    .map((r) =>
      headers
        .map((h, i) => `${paint.bold(padTo(h, width, 'left'))}  ${wrapText(r[i] ?? '', room).map((l) => tone(paint, l, r[i])).join(`\n${pad}`)}`)
        .join('\n'),
    )
    .join('\n\n')
    .concat('\n');
}

/** Colour a cell by what its whole value says: funded/eligible green, refused red, needs review yellow. */
function tone(paint: ChalkInstance, shown: string, whole: string = shown): string {
  if (paint.level === 0) return shown;
  const v = whole.trim();
  if (GOOD_CODES.has(v)) return paint.green(shown);
  if (BAD_CODES.has(v)) return paint.red(shown);
  if (WARN_CODES.has(v)) return paint.yellow(shown);
  return shown;
}

/** Control characters from a file, shown rather than obeyed: one message stays one line. */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}
