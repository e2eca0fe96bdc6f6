// Output: a table on a TTY, tab-separated lines when piped, JSON with --json.
import { createRequire } from 'node:module';
import type { Text } from '../domain/text.js';
import type { Context } from './context.js';
import type { ExitCode } from '../domain/errors.js';

export type Cell = string | number | null | undefined;

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
  table(headers: (Text | string)[], rows: Iterable<Cell[]>, opts?: { align?: ('left' | 'right')[] }): void;
  /** key: value pairs, aligned. */
  fields(pairs: [Text | string, Cell][]): void;
  warn(s: string): void;
}

const cellText = (c: Cell): string => (c === null || c === undefined ? '' : String(c));

/** A TSV cell: tabs and line breaks in a value become one space. */
function tsvCell(c: Cell): string {
  if (typeof c === 'number') return String(c);
  if (c === null || c === undefined) return '';
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

export function makePrinter(ctx: Context, write: (s: string) => void = (s) => process.stdout.write(s)): Printer {
  const label = (t: Text | string) => (typeof t === 'string' ? t : ctx.t(t));
  const tty = !!process.stdout.isTTY;
  return {
    line: (s = '') => write(`${s}\n`),
    heading: (t) => write(`\n${label(t)}\n`),
    table: (headers, rows, opts) => {
      if (!tty) {
        // Piped: plain TSV that cut/awk/Excel read. Written in chunks of ~64 KiB: one write
        // per row was a third of allocate's time at 10^5 rows.
        let parts = [tsvLine(headers.map(label))];
        let size = 0;
        for (const r of rows) {
          const l = tsvLine(r);
          parts.push(l);
          size += l.length;
          if (size >= 65536) {
            write(parts.join(''));
            parts = [];
            size = 0;
          }
        }
        write(parts.join(''));
        return;
      }
      write(`${renderBoxTable(headers.map(label), Array.from(rows, (r) => r.map(cellText)), opts?.align, ctx.color)}\n`);
    },
    fields: (pairs) => {
      const labels = pairs.map(([k]) => label(k));
      const width = Math.max(...labels.map(displayWidth));
      pairs.forEach(([, v], i) => write(`${labels[i]}${' '.repeat(width - displayWidth(labels[i]))}  ${cellText(v)}\n`));
    },
    warn: (s) => process.stderr.write(`${s}\n`),
  };
}

/** Terminal columns taken by a string: CJK and full-width characters take two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 32 || (cp >= 0x300 && cp < 0x370)) continue;
    w += (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd) ? 2 : 1;
  }
  return w;
}

// cli-table3 is required lazily: commands that print no table start faster.
const require = createRequire(import.meta.url);

function renderBoxTable(headers: string[], rows: string[][], align: ('left' | 'right')[] | undefined, color: boolean): string {
  const Table = require('cli-table3') as typeof import('cli-table3');
  const table = new Table({
    head: headers,
    style: { head: color ? ['bold'] : [], border: [] },
    colAligns: align?.map((a) => (a === 'right' ? 'right' : 'left')) ?? [],
  });
  for (const r of rows) table.push(r);
  return table.toString();
}

/** Control characters from a file, shown rather than obeyed: one message stays one line. */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}
